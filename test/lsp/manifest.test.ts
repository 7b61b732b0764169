/** The extension manifest contributes what the server and the client expect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../server/src/rules/index';
import { listPresets } from '../../simulator/src/index';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { enum?: string[]; scope?: string }> };
  };
  capabilities: { untrustedWorkspaces: { supported: boolean | string } };
  bin: Record<string, string>;
}

const manifest = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as Manifest;

test('every registered rule has a severity setting, and the preset setting lists every preset', () => {
  const props = manifest.contributes.configuration.properties;
  for (const id of RULE_IDS) {
    const p = props[`flushguard.rules.${id}.severity`];
    assert.ok(p, `package.json lacks flushguard.rules.${id}.severity`);
    assert.deepEqual(p.enum, ['off', 'hint', 'info', 'warning', 'error']);
    assert.equal(p.scope, 'resource');
  }
  assert.deepEqual(
    props['flushguard.simulator.preset']?.enum,
    listPresets().map((p) => p.id),
  );
  assert.ok(props['flushguard.exclude']);
});

test('the four commands, C activation and both binaries are declared', () => {
  const commands = manifest.contributes.commands.map((c) => c.command);
  for (const c of [
    'flushguard.checkWorkspace',
    'flushguard.simulate',
    'flushguard.simulateSelection',
    'flushguard.restartServer',
  ]) {
    assert.ok(commands.includes(c), c);
  }
  assert.ok(manifest.activationEvents.includes('onLanguage:c'));
  assert.equal(manifest.main, './dist/client.js');
  assert.equal(manifest.bin['flushguard-language-server'], 'bin/flushguard-language-server.js');
});

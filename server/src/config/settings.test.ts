import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  enabledRules,
  mergeSettings,
  parseConfigText,
  severityOf,
  validateSettings,
} from './settings';
import { GlobSet } from './glob';

const known = {
  ruleIds: ['missing-flush-dcache-page', 'vmap-range-mismatch'],
  presetIds: ['arm1176-32k', 'sh4-16k'],
};

test('valid settings in the nested, short and dotted forms', () => {
  const v = validateSettings(
    {
      rules: { 'missing-flush-dcache-page': { severity: 'error' }, 'vmap-range-mismatch': 'off' },
      'simulator.preset': 'sh4-16k',
      exclude: ['drivers/staging/**'],
    },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(v.problems, []);
  assert.deepEqual(v.settings, {
    rules: { 'missing-flush-dcache-page': 'error', 'vmap-range-mismatch': 'off' },
    preset: 'sh4-16k',
    exclude: ['drivers/staging/**'],
  });
  assert.deepEqual(enabledRules(v.settings, known.ruleIds), ['missing-flush-dcache-page']);
  assert.equal(severityOf(v.settings, 'missing-flush-dcache-page'), 'error');
});

test('each bad value is named with what was expected; the good ones are kept', () => {
  const v = validateSettings(
    {
      rules: {
        'missing-flush-dcache-page': { severity: 'loud' },
        'no-such-rule': 'off',
        'vmap-range-mismatch': 'hint',
      },
      simulator: { preset: 'pentium' },
      exclude: 'x',
      colour: 1,
    },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(v.problems, [
    'settings: flushguard.rules.missing-flush-dcache-page.severity: expected one of off, hint, info, warning, error (got "loud")',
    'settings: flushguard.rules.no-such-rule: expected a known rule id (missing-flush-dcache-page, vmap-range-mismatch) (got "no-such-rule")',
    'settings: flushguard.simulator.preset: expected one of arm1176-32k, sh4-16k (got "pentium")',
    'settings: flushguard.exclude: expected an array of glob strings (got "x")',
    'settings: flushguard.colour: unknown setting (known: rules, simulator.preset, exclude, contractOnlySeverity, kernelVersion)',
  ]);
  assert.deepEqual(v.settings.rules, { 'vmap-range-mismatch': 'hint' });
});

test('.flushguard.json: a syntax error names the line; editor settings win key by key', () => {
  const bad = parseConfigText('{\n  "rules": {,\n}', '/ws/.flushguard.json', known);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0]!, /^\/ws\/\.flushguard\.json:2:\d+: not valid JSON/);
  const file = parseConfigText(
    '{"rules": {"missing-flush-dcache-page": "hint"}, "exclude": ["a/**"], "simulator": {"preset": "sh4-16k"}}',
    'f',
    known,
  ).settings;
  const merged = mergeSettings(file, {
    rules: { 'missing-flush-dcache-page': 'error' },
    exclude: ['b'],
  });
  assert.deepEqual(merged, {
    rules: { 'missing-flush-dcache-page': 'error' },
    exclude: ['a/**', 'b'],
    preset: 'sh4-16k',
  });
});

test('exclude globs: anchored paths, names at any depth, directories, braces', () => {
  const g = new GlobSet(['drivers/staging/**', '*.mod.c', 'fs/{ext4,xfs}/*.h', 'build/']);
  assert.equal(g.matches('drivers/staging/foo/bar.c'), true);
  assert.equal(g.matches('drivers/block/loop.c'), false);
  assert.equal(g.matches('net/x/y.mod.c'), true);
  assert.equal(g.matches('fs/xfs/xfs_buf.h'), true);
  assert.equal(g.matches('fs/xfs/libxfs/xfs_da.h'), false);
  assert.equal(g.matches('build/a/b.c'), true);
  assert.equal(g.matches('../outside/drivers/staging/a.c'), false);
});

test('kernelVersion: "6.12" in the file or the editor; the editor wins; a bad value is named', () => {
  const file = parseConfigText('{"kernelVersion": "6.1"}', '.flushguard.json', known);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(file.settings.kernelVersion, { major: 6, minor: 1 });
  const editor = validateSettings(
    { 'flushguard.kernelVersion': 'v6.12.3' },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(editor.problems, []);
  assert.deepEqual(mergeSettings(file.settings, editor.settings).kernelVersion, {
    major: 6,
    minor: 12,
  });
  assert.deepEqual(mergeSettings(file.settings, { rules: {}, exclude: [] }).kernelVersion, {
    major: 6,
    minor: 1,
  });
  const bad = validateSettings({ kernelVersion: 612 }, 'settings', 'flushguard.', known);
  assert.deepEqual(bad.problems, [
    'settings: flushguard.kernelVersion: expected a kernel version such as "6.12" (got 612)',
  ]);
  assert.equal(bad.settings.kernelVersion, undefined);
  assert.deepEqual(validateSettings({ kernelVersion: '' }, 'settings', '', known).problems, []);
});

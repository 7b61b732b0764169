import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyReach } from '../../server/src/cli/report';
import type { ReportedFinding, ReportedReach } from '../../server/src/cli/report';
import { mergeSettings, parseConfigText } from '../../server/src/config/settings';

const finding = (file: string): ReportedFinding => ({
  rule: 'missing-flush-dcache-page',
  severity: 'warning',
  file,
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
  function: 'f',
  message: 'm',
  path: [],
});

const REACH: Record<string, ReportedReach> = {
  'x86.c': { aliasing: false, why: 'Kconfig:3: depends on X86', short: 'depends on X86' },
  'arm.c': { aliasing: true, why: 'can be built for arm' },
};

const apply = (severity: 'info' | 'error' | 'off', aliasingOnly = false): ReportedFinding[] =>
  applyReach(['x86.c', 'arm.c', 'outside.c'].map(finding), (f) => REACH[f], {
    contractOnlySeverity: severity,
    aliasingOnly,
  });

test('reach on findings: contract-only ones take contractOnlySeverity, others keep theirs', () => {
  const out = apply('info');
  assert.deepEqual(
    out.map((f) => [f.file, f.severity, f.reach?.aliasing]),
    [
      ['x86.c', 'info', false],
      ['arm.c', 'warning', true],
      ['outside.c', 'warning', undefined],
    ],
  );
  assert.equal(apply('error')[0]!.severity, 'error');
});

test('reach on findings: --aliasing-only and severity off drop the contract-only ones only', () => {
  assert.deepEqual(
    apply('info', true).map((f) => f.file),
    ['arm.c', 'outside.c'],
  );
  assert.deepEqual(
    apply('off').map((f) => f.file),
    ['arm.c', 'outside.c'],
  );
});

test('settings: contractOnlySeverity is read, checked, and the editor value wins', () => {
  const file = parseConfigText('{"contractOnlySeverity": "hint"}', '.flushguard.json');
  assert.deepEqual([file.settings.contractOnlySeverity, file.problems], ['hint', []]);
  const bad = parseConfigText('{"contractOnlySeverity": "loud"}', '.flushguard.json');
  assert.equal(bad.settings.contractOnlySeverity, undefined);
  assert.match(
    bad.problems[0]!,
    /contractOnlySeverity: expected one of off, hint, info, warning, error/,
  );
  const editor = parseConfigText('{"flushguard.contractOnlySeverity": "error"}', 'settings');
  assert.equal(mergeSettings(file.settings, editor.settings).contractOnlySeverity, 'error');
});

/** What `flushguard lint` says beyond the findings: suppressions, empty trees, --quiet, rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_IDS } from '../rules/index';

const MAIN = join(__dirname, 'main.ts');
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
// Line 4 silences a finding that is not there; line 11 names a rule that does not exist.
const SUPPRESSED = [
  'void f(struct page *page)',
  '{',
  '\tchar *p = kmap(page);',
  '\t/* flushguard-disable-next-line missing-flush-dcache-page -- flushed below */',
  '\tp[0] = 1;',
  '\tkunmap(page);',
  '\tflush_dcache_page(page);',
  '}',
  'void g(struct page *page)',
  '{',
  '\tchar *p = kmap(page); // flushguard-disable-line missing-flush-dcache-pgae -- typo',
  '\tkunmap(page);',
  '}',
  '',
].join('\n');

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'fg-out-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

test('lint: an unused and an unknown-rule suppression are note: lines; exit code unchanged', () => {
  const d = dir({ 'sup.c': SUPPRESSED });
  const r = run('lint', d);
  assert.equal(r.code, 0, r.err);
  const file = join(d, 'sup.c');
  assert.deepEqual(r.out.trim().split('\n'), [
    `${file}:4:2: note: Unused suppression: no finding of missing-flush-dcache-page on line 5 to silence`,
    `${file}:11:24: note: Unknown rule 'missing-flush-dcache-pgae' in a flushguard suppression; known rules: ${RULE_IDS.join(', ')}`,
    'flushguard: 0 findings in 1 file scanned',
  ]);
});

test('lint --format json: unusedSuppressions follows the contract keys, only when non-empty', () => {
  const d = dir({ 'sup.c': SUPPRESSED });
  const j = JSON.parse(run('lint', '--format', 'json', d).out) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j), ['version', 'filesScanned', 'findings', 'unusedSuppressions']);
  assert.deepEqual(
    (j.unusedSuppressions as Record<string, unknown>[]).map((u) => [
      u.line,
      u.column,
      u.kind,
      u.rules,
    ]),
    [
      [4, 2, 'unused', ['missing-flush-dcache-page']],
      [11, 24, 'unknown-rule', ['missing-flush-dcache-pgae']],
    ],
  );
  const clean = JSON.parse(run('lint', '--format', 'json', dir({ 'bad.c': BAD })).out) as object;
  assert.ok(!('unusedSuppressions' in clean));
});

test('lint: a directory without C files is said so and exits 2; the other paths are still linted', () => {
  const empty = dir({ 'notes.txt': BAD });
  mkdirSync(join(empty, 'sub'));
  const alone = run('lint', empty);
  assert.equal(alone.code, 2);
  assert.match(alone.err, /no C files \(\*\.c, \*\.h\) in this directory/);
  const both = run('lint', '--format', 'json', empty, dir({ 'bad.c': BAD }));
  assert.equal(both.code, 2);
  assert.equal((JSON.parse(both.out) as { findings: unknown[] }).findings.length, 1);
});

test('lint --quiet prints the findings only: no summary, no notes', () => {
  const d = dir({ 'bad.c': BAD, 'sup.c': SUPPRESSED });
  const loud = run('lint', d);
  const quiet = run('lint', '--quiet', d);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.err, '');
  assert.deepEqual(
    quiet.out,
    loud.out
      .split('\n')
      .filter((l) => l.includes(': warning: '))
      .join('\n') + '\n',
  );
  assert.match(loud.out, /note: Unused suppression/);
  assert.equal(run('lint', '--quiet', dir({ 'sup.c': SUPPRESSED })).out, '');
  assert.equal(run('lint', '--quiet', '--verbose', d).code, 2);
});

test('rules --format json prints JSON: every rule with its default severity', () => {
  const r = run('rules', '--format', 'json');
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out) as { rules: { id: string; severity: string; description: string }[] };
  assert.deepEqual(
    j.rules.map((x) => x.id),
    [...RULE_IDS],
  );
  assert.ok(j.rules.every((x) => x.severity && x.description));
  assert.match(run('rules').out, /^missing-flush-dcache-page\twarning\t/);
});

test('usage text follows usage errors only', () => {
  const usage = run('lint', '--no-such-option', '.');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /unknown option --no-such-option\nusage:/);
  const input = run('lint', '/nope/missing.c');
  assert.equal(input.code, 2);
  assert.doesNotMatch(input.err, /usage:/);
});

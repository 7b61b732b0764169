import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, 'main.ts');
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const GOOD =
  'void good(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n\tflush_dcache_page(page);\n}\n';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'bad.c'), BAD);
  writeFileSync(join(dir, 'sub', 'good.h'), GOOD);
  writeFileSync(join(dir, 'notes.txt'), BAD);
  return dir;
}

test('cli: text output is gcc-style, one line per finding, then a summary; exit 1', () => {
  const dir = tree();
  const r = run('lint', dir);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(
    lines[0],
    `${join(dir, 'bad.c')}:4:2: warning: ${lines[0]!.split(': warning: ')[1]}`,
  );
  assert.match(lines[0], /\[missing-flush-dcache-page\]$/);
  assert.match(lines[1]!, /1 finding in 2 files scanned/);
});

test('cli: json output follows the version 1 contract', () => {
  const dir = tree();
  const r = run('lint', '--format', 'json', dir);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out) as {
    version: number;
    filesScanned: number;
    findings: Record<string, unknown>[];
  };
  assert.equal(j.version, 1);
  assert.equal(j.filesScanned, 2);
  const f = j.findings[0]!;
  assert.deepEqual(Object.keys(f), [
    'rule',
    'severity',
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'function',
    'message',
    'path',
  ]);
  assert.deepEqual(
    [f.rule, f.severity, f.file, f.line, f.column, f.endLine, f.endColumn, f.function],
    ['missing-flush-dcache-page', 'warning', join(dir, 'bad.c'), 4, 2, 4, 10, 'bad'],
  );
  assert.ok(
    Array.isArray(f.path) &&
      (f.path as { line: number; note: string }[]).every(
        (s) => typeof s.line === 'number' && typeof s.note === 'string',
      ),
  );
});

test('cli: sarif output is SARIF 2.1.0 with rule metadata, help, locations and code flows', () => {
  const dir = tree();
  const r = run('lint', '--format', 'sarif', dir);
  assert.equal(r.code, 1);
  const s = JSON.parse(r.out) as {
    version: string;
    runs: {
      tool: { driver: { rules: { id: string; helpUri: string; help: { markdown: string } }[] } };
      results: {
        ruleId: string;
        locations: { physicalLocation: { region: { startLine: number } } }[];
        codeFlows: unknown[];
      }[];
    }[];
  };
  assert.equal(s.version, '2.1.0');
  const rule = s.runs[0]!.tool.driver.rules.find((x) => x.id === 'missing-flush-dcache-page');
  assert.ok(
    rule &&
      /^(file|https?):/.test(rule.helpUri) &&
      rule.help.markdown.includes('# missing-flush-dcache-page'),
  );
  const res = s.runs[0]!.results[0]!;
  assert.equal(res.ruleId, 'missing-flush-dcache-page');
  assert.equal(res.locations[0]!.physicalLocation.region.startLine, 4);
  assert.equal(res.codeFlows.length, 1);
});

test('cli: exit 0 without findings; --rule limits the rules', () => {
  const dir = tree();
  assert.equal(run('lint', join(dir, 'sub')).code, 0);
  const r = run('lint', '--rule', 'no-such-rule', dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown rule 'no-such-rule'/);
});

test('cli: a missing path is reported, the others are still checked, exit 2', () => {
  const dir = tree();
  const r = run('lint', '--format', 'json', join(dir, 'nope.c'), dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /nope\.c: no such file or directory/);
  assert.equal((JSON.parse(r.out) as { findings: unknown[] }).findings.length, 1);
});

test('cli: an unreadable file is reported and gives exit 2', () => {
  const dir = tree();
  const locked = join(dir, 'locked.c');
  writeFileSync(locked, BAD);
  chmodSync(locked, 0);
  const r = run('lint', locked);
  // root reads anything: then the file is simply linted.
  if (process.getuid?.() === 0) assert.equal(r.code, 1);
  else {
    assert.equal(r.code, 2);
    assert.match(r.err, /locked\.c: EACCES/);
  }
});

test('cli: a binary file is skipped with a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bin-'));
  writeFileSync(join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  const r = run('lint', dir);
  assert.equal(r.code, 0);
  assert.match(r.err, /blob\.c: skipped: binary file/);
});

test('cli: usage errors exit 2 with the usage text', () => {
  for (const args of [
    ['lint'],
    ['lint', '--format', 'xml', '.'],
    ['frobnicate'],
    ['lint', '--jobs', '0', '.'],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /usage:/);
  }
});

test('cli: worker threads give the same findings as one thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jobs-'));
  for (let i = 0; i < 70; i++)
    writeFileSync(join(dir, `f${String(i).padStart(2, '0')}.c`), i % 3 === 0 ? BAD : GOOD);
  const one = run('lint', '--format', 'json', '--jobs', '1', dir);
  const two = run('lint', '--format', 'json', '--jobs', '2', dir);
  assert.equal(one.code, 1);
  assert.equal(two.code, 1, two.err);
  assert.ok(two.out === one.out, 'same JSON from one and two threads');
  assert.equal((JSON.parse(one.out) as { findings: unknown[] }).findings.length, 24);
});

/** The CLI honours .flushguard.json and suppression comments the way the language server does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const withConfig = (dir: string, args: string[]): string[] => {
  const config = join(dir, '.flushguard.json');
  return [...(existsSync(config) ? ['--config', config] : []), ...args.map((a) => join(dir, a))];
};
const DEMO = readFileSync(join(__dirname, 'fixtures', 'demo.c'), 'utf8');

// The CLI runs from the repository (from source it finds the grammar through the working
// directory), on a temporary project named by path, with its configuration given by --config.
function run(dir: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'server/src/cli/main.ts'),
      'lint',
      '--format',
      'json',
      ...withConfig(dir, args),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function project(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
  mkdirSync(join(dir, 'gen'));
  writeFileSync(join(dir, 'a.c'), DEMO);
  writeFileSync(join(dir, 'gen', 'b.c'), DEMO);
  if (config !== undefined)
    writeFileSync(
      join(dir, '.flushguard.json'),
      typeof config === 'string' ? config : JSON.stringify(config),
    );
  return dir;
}

const findings = (out: string): { file: string; severity: string }[] =>
  (JSON.parse(out) as { findings: { file: string; severity: string }[] }).findings;

test('severity and exclude from .flushguard.json apply to the CLI', () => {
  const dir = project({
    rules: { 'missing-flush-dcache-page': { severity: 'error' } },
    exclude: ['gen/**'],
  });
  const r = run(dir, '.');
  assert.equal(r.code, 1, r.err);
  assert.deepEqual(
    findings(r.out).map((f) => [f.file, f.severity]),
    [[join(dir, 'a.c'), 'error']],
  );
  const off = project({ rules: { 'missing-flush-dcache-page': 'off' } });
  const r2 = run(off, '.');
  assert.equal(r2.code, 0, r2.err);
  assert.deepEqual(findings(r2.out), []);
});

test('a suppression comment silences the CLI too', () => {
  const dir = project();
  writeFileSync(
    join(dir, 'a.c'),
    DEMO.replace(
      '\tmemcpy(kaddr',
      '\t/* flushguard-disable-next-line missing-flush-dcache-page -- test */\n\tmemcpy(kaddr',
    ),
  );
  const r = run(dir, 'a.c');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(findings(r.out), []);
});

test('an invalid .flushguard.json stops the CLI with exit 2 and names file, key and expected value', () => {
  const dir = project({ rules: { 'missing-flush-dcache-page': { severity: 'loud' } } });
  const r = run(dir, '.');
  assert.equal(r.code, 2);
  assert.equal(
    r.err.trim(),
    `flushguard: ${join(dir, '.flushguard.json')}: rules.missing-flush-dcache-page.severity: expected one of off, hint, info, warning, error (got "loud")`,
  );
  const brokenDir = project('{"rules": ');
  const broken = run(brokenDir, '.');
  assert.equal(broken.code, 2);
  assert.ok(
    broken.err.startsWith(`flushguard: ${join(brokenDir, '.flushguard.json')}:1:`),
    broken.err,
  );
  assert.match(broken.err, /not valid JSON/);
});

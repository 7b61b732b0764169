import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAIN = join(__dirname, 'main.ts');
// Run from a directory outside the repository: the TypeScript loader is named by its path.
const TSX = pathToFileURL(
  join(__dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs'),
).href;
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const RULE = 'missing-flush-dcache-page';

interface Report {
  filesScanned: number;
  findings: { rule: string; severity: string; file: string }[];
}

/**
 * Two subtrees with their own `.flushguard.json` (one turns the rule off and excludes a file
 * relative to itself, the other raises the rule to error) and a file under neither.
 */
function trees(): { root: string; elsewhere: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'fg-perfile-'));
  for (const d of ['quiet', 'strict', 'plain', 'elsewhere', 'cache']) mkdirSync(join(root, d));
  mkdirSync(join(root, 'strict', 'gen'));
  writeFileSync(
    join(root, 'quiet', '.flushguard.json'),
    JSON.stringify({ rules: { [RULE]: 'off' } }),
  );
  writeFileSync(
    join(root, 'strict', '.flushguard.json'),
    JSON.stringify({ rules: { [RULE]: { severity: 'error' } }, exclude: ['gen/**'] }),
  );
  for (const f of ['quiet/a.c', 'strict/b.c', 'strict/gen/skip.c', 'plain/c.c'])
    writeFileSync(join(root, f), BAD);
  return { root, elsewhere: join(root, 'elsewhere'), cache: join(root, 'cache') };
}

function lint(
  cwd: string,
  cache: string,
  ...args: string[]
): { code: number | null; report: Report; err: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', TSX, MAIN, 'lint', '--format', 'json', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, FLUSHGUARD_CACHE_DIR: cache },
    },
  );
  return { code: r.status, report: JSON.parse(r.stdout) as Report, err: r.stderr };
}

const bySeverity = (r: Report): Record<string, string> =>
  Object.fromEntries(
    r.findings.filter((f) => f.rule === RULE).map((f) => [f.file.replace(/\\/g, '/'), f.severity]),
  );

test('cli: each file takes the .flushguard.json nearest it, in one report, from any directory', () => {
  const { root, elsewhere, cache } = trees();
  const paths = ['quiet', 'strict', 'plain'].map((d) => join(root, d));
  for (const pass of ['cold', 'cached']) {
    const r = lint(elsewhere, cache, ...paths);
    assert.equal(r.code, 1, `${pass}: ${r.err}`);
    // quiet/a.c: rule off; strict/b.c: error; strict/gen/skip.c: excluded; plain/c.c: default.
    assert.equal(r.report.filesScanned, 3, pass);
    assert.deepEqual(
      bySeverity(r.report),
      {
        [`${root}/strict/b.c`.replace(/\\/g, '/')]: 'error',
        [`${root}/plain/c.c`.replace(/\\/g, '/')]: 'warning',
      },
      pass,
    );
  }
});

test('cli: --config FILE applies to every linted file', () => {
  const { root, elsewhere, cache } = trees();
  const r = lint(
    elsewhere,
    cache,
    '--config',
    join(root, 'strict', '.flushguard.json'),
    join(root, 'quiet'),
    join(root, 'plain'),
  );
  assert.equal(r.code, 1, r.err);
  assert.deepEqual(Object.values(bySeverity(r.report)), ['error', 'error']);
});

test('cli: a broken configuration of any linted file fails the run with its name', () => {
  const { root, elsewhere, cache } = trees();
  writeFileSync(join(root, 'plain', '.flushguard.json'), '{ "rules": ');
  const r = spawnSync(
    process.execPath,
    ['--import', TSX, MAIN, 'lint', join(root, 'quiet'), join(root, 'plain')],
    {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, FLUSHGUARD_CACHE_DIR: cache },
    },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /plain[\\/]\.flushguard\.json/);
});

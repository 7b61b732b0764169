/**
 * Bounded reads on the paths the first round missed (issue 15, item 6): patch review's
 * `--patch` and `--baseline`, standard input, and the language server's workspace check. A FIFO
 * would hang a plain read, /dev/zero would fill memory, a sparse giant costs its size to skip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkspace, lintInThread } from '../../server/src/lsp/workspaceCheck';
import { emptySettings } from '../../server/src/config/settings';
import { testParser } from '../helpers';

const MAIN = join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts');
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

function specials(): { dir: string; fifo: string; zero: string; sparse: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bounded-'));
  const fifo = join(dir, 'fifo.patch');
  spawnSync('mkfifo', [fifo]);
  const zero = join(dir, 'zero.json');
  symlinkSync('/dev/zero', zero);
  const sparse = join(dir, 'sparse.c');
  writeFileSync(sparse, '');
  truncateSync(sparse, 1536 * 1024 * 1024);
  return { dir, fifo, zero, sparse };
}

function cli(args: string[], stdin?: number): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'lint', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    ...(stdin === undefined ? {} : { stdio: [stdin, 'pipe', 'pipe'] }),
  });
  assert.equal(r.error, undefined, 'the CLI hung or crashed');
  return { code: r.status, err: r.stderr };
}

test('bounded reads: --patch and --baseline refuse a FIFO, /dev/zero and a sparse giant', () => {
  const { dir, fifo, zero, sparse } = specials();
  for (const file of [fifo, zero, sparse]) {
    const patch = cli(['--patch', file, '--tree', dir]);
    assert.equal(patch.code, 2, patch.err);
    assert.ok(patch.err.includes(file), patch.err);
    assert.match(patch.err, /not a regular file|more than the/);
    writeFileSync(join(dir, 'ok.c'), BAD);
    const baseline = cli(['--baseline', file, join(dir, 'ok.c')]);
    assert.equal(baseline.code, 2, baseline.err);
    assert.match(baseline.err, /--baseline .*(?:not a regular file|more than the)/);
  }
});

test('bounded reads: C on standard input stops at the limit (lint - < /dev/zero)', () => {
  const r = cli(['-'], openSync('/dev/zero', 'r'));
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /standard input: more than the 64\.0 MiB read/);
});

test('bounded reads: the workspace check skips a sparse giant by its size and goes on', async () => {
  const { dir } = specials();
  writeFileSync(join(dir, 'z_bad.c'), BAD);
  const before = process.resourceUsage().maxRSS;
  const reported: string[] = [];
  const result = await checkWorkspace({
    roots: [dir],
    lint: lintInThread(await testParser()),
    settingsFor: () => emptySettings(),
    skip: () => false,
    report: (f) => {
      if (f.findings.length > 0) reported.push(f.path);
    },
    progress: () => undefined,
    cancelled: () => false,
  });
  assert.deepEqual(reported, [join(dir, 'z_bad.c')]);
  assert.equal(result.files, 2);
  // Reading the sparse file whole took 1.5 GB; its size is all that is looked at now.
  const grownMb = (process.resourceUsage().maxRSS - before) / 1024;
  assert.ok(grownMb < 512, `peak memory grew by ${grownMb.toFixed(0)} MB`);
});

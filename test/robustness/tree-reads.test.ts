/**
 * Bounded reads in the kernel tree (issue 15, item 6): the tree index and a whole-tree lint read
 * regular files only, with the size checked first. A FIFO, a link to /dev/zero and a 1.5 GB
 * sparse `.c` inside the tree cost a stat each; before, the sparse file took the index build to
 * 2.2 GB and a top Makefile that is a FIFO hung the run for good. The CLI cases need
 * `npm run build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTreeFacts } from '../../server/src/xref/build';
import { miniTree } from '../xref/miniTree';

/** The built CLI: the run starts inside the tree, where tsx cannot be resolved. */
const BIN = join(__dirname, '..', '..', 'bin', 'flushguard.js');
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

function hostileTree(): string {
  const root = miniTree({ 'drivers/demo/bad.c': BAD });
  const demo = join(root, 'drivers', 'demo');
  spawnSync('mkfifo', [join(demo, 'fifo.c')]);
  symlinkSync('/dev/zero', join(demo, 'zero.c'));
  writeFileSync(join(demo, 'sparse.c'), '');
  truncateSync(join(demo, 'sparse.c'), 1536 * 1024 * 1024);
  return root;
}

function lintTree(root: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'lint', '--no-progress', '--no-cache', '.'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('tree reads: the index skips a huge sparse file with why, and special files, in bounded memory', async () => {
  const root = hostileTree();
  const before = process.resourceUsage().maxRSS;
  const built = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const grownMb = (process.resourceUsage().maxRSS - before) / 1024;
  assert.ok(grownMb < 512, `peak memory grew by ${grownMb.toFixed(0)} MB`);
  assert.deepEqual(built.stats.skipped, [
    { file: 'drivers/demo/sparse.c', reason: '1536.0 MiB, more than the 16.0 MiB read' },
  ]);
  assert.deepEqual(
    built.facts.map((f) => f.file),
    ['drivers/demo/bad.c'],
  );
});

test('tree reads: a whole-tree lint skips them with a reason, and still lints the rest', () => {
  const r = lintTree(hostileTree());
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /drivers\/demo\/bad\.c:4:2: warning/);
  assert.match(r.err, /sparse\.c: skipped: 1536\.0 MiB, more than the 64\.0 MiB read/);
});

test('tree reads: a top Makefile that is a FIFO does not hang the run', () => {
  const root = hostileTree();
  rmSync(join(root, 'Makefile'));
  spawnSync('mkfifo', [join(root, 'Makefile')]);
  const r = lintTree(root);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.err}`);
  assert.match(r.out, /bad\.c:4:2: warning/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { miniTree } from '../../../test/xref/miniTree';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import { buildTreeFacts } from './build';
import { TreeIndex } from './treeIndex';

/** A buffer-head write_end; `full` is what it does after a copy that was not short. */
const writeEnd = (
  full: string,
): string => `int block_write_end(struct file *file, struct address_space *mapping,
\t\t    loff_t pos, unsigned len, unsigned copied,
\t\t    struct page *page, void *fsdata)
{
\tunsigned from = pos & (PAGE_SIZE - 1);

\tif (copied < len) {
\t\tzero_user(page, from + copied, len - copied);
\t\treturn copied;
\t}
${full}
\tmark_buffers_dirty(page, from, from + copied);
\treturn copied;
}
`;

/** A symlink writer in another file: copies the target into its page, leaves the flush to write_end. */
const SYMLINK = `int sx_write_link(struct address_space *mapping, struct page *page, const char *target, unsigned len)
{
\tchar *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, target, len);
\tkunmap_local(kaddr);
\treturn block_write_end(NULL, mapping, 0, len, len, page, NULL);
}
`;

async function lintTree(files: Record<string, string>, rel: string) {
  await initParser(wasmSources());
  const parser = createParser();
  const root = miniTree(files);
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const text = readFileSync(join(root, rel), 'utf8');
  const r = lintSource(parser, text, {
    rules: ['missing-flush-dcache-page'],
    tree: { tree: new TreeIndex(facts), file: rel },
  });
  parser.delete();
  return r.findings;
}

test('xref: a write_end that lost its flush on the full-copy path is reported, naming a caller from another file', async () => {
  const files = { 'fs/buffer.c': writeEnd(''), 'fs/sx/symlink.c': SYMLINK };
  const found = await lintTree(files, 'fs/buffer.c');
  assert.equal(found.length, 1, 'missing: block_write_end returns unflushed after a full copy');
  assert.equal(found[0]!.function, 'block_write_end');
  assert.match(found[0]!.message, /sx_write_link\(\) \(fs\/sx\/symlink\.c:1\)/);
  assert.deepEqual(
    found[0]!.path.map((s) => s.kind),
    ['origin', 'map', 'write', 'branch', 'return'],
  );
  // The caller keeps relying on the table: the finding is the helper's, not each caller's.
  assert.equal((await lintTree(files, 'fs/sx/symlink.c')).length, 0);
});

test('xref: a write_end that flushes on every path that copies is silent', async () => {
  const files = {
    'fs/buffer.c': writeEnd('\tflush_dcache_page(page);'),
    'fs/sx/symlink.c': SYMLINK,
  };
  assert.equal((await lintTree(files, 'fs/buffer.c')).length, 0, 'noisy: the flush is there');
});

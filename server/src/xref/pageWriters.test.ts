import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';
import { buildTreeFacts } from './build';
import { mayReport } from '../linter';
import { TreeIndex } from './treeIndex';
import { calledNameHashes, hashedCallsTreePageWriter, nameHash, namesByHash } from './pageWriters';

/** A decompressor in another file that fills the page it is handed through a kmap. */
const CODEC = `int zx_decompress(const u8 *src, struct page *dest, size_t len)
{
\tu8 *kaddr = kmap_local_page(dest);

\tmemcpy(kaddr, src, len);
\tkunmap_local(kaddr);
\treturn 0;
}
`;

/** A caller that names no mapping API: the page-cache page is filled by the codec. */
const CLONE = (
  tail: string,
): string => `static int zx_clone_inline(struct address_space *mapping, const u8 *src, size_t len)
{
\tstruct page *page;
\tint ret;

\tpage = find_or_create_page(mapping, 0, GFP_NOFS);
\tif (!page)
\t\treturn -ENOMEM;
\tret = zx_decompress(src, page, len);
\tif (ret)
\t\tgoto out;
${tail}\tSetPageUptodate(page);
out:
\tunlock_page(page);
\tput_page(page);
\treturn ret;
}
`;

test('xref: a file with no mapping word whose callee fills a page: flagged', async () => {
  const root = miniTree({ 'fs/zx/codec.c': CODEC, 'fs/zx/clone.c': CLONE('') });
  const r = await lintBoth(root, 'fs/zx/clone.c');
  assert.equal(r.alone, 0, 'judged alone the file has nothing to map');
  assert.equal(r.indexed, 1, 'missing: zx_decompress() filled the page through its kmap');
});

test('xref: the same file flushing after the callee: silent', async () => {
  const root = miniTree({
    'fs/zx/codec.c': CODEC,
    'fs/zx/clone.c': CLONE('\tflush_dcache_page(page);\n'),
  });
  const r = await lintBoth(root, 'fs/zx/clone.c');
  assert.equal(r.indexed, 0, 'noisy: the page is flushed before it is marked up to date');
});

test('xref: the index build keeps quiet only files that call no page writer of the tree', async () => {
  const root = miniTree({
    'fs/zx/codec.c': CODEC,
    'fs/zx/clone.c': CLONE(''),
    'fs/zx/super.c': 'int zx_fill_super(struct super_block *sb)\n{\n\treturn zx_setup(sb);\n}\n',
  });
  const built = await buildTreeFacts(root, { jobs: 1, noCache: true, lintable: mayReport });
  assert.ok(built.quiet.has('fs/zx/super.c'), 'a file calling no page writer stays quiet');
  assert.ok(!built.quiet.has('fs/zx/clone.c'), 'missing: clone.c calls zx_decompress()');
});

test('pageWriters: a quiet file known by the hashes of its calls is matched on every name of a hash', () => {
  const index = new TreeIndex([
    {
      file: 'fs/zx/codec.c',
      fields: {},
      callbacks: {},
      functions: [
        { name: 'zx_decompress', isStatic: false, line: 1, flushes: [], writes: [1], calls: [] },
      ],
    },
  ]);
  const calls = calledNameHashes(
    'int f(void) { if (x) return zx_decompress(s, p) + zx_decompress(s, q); }',
  );
  assert.deepEqual(
    [...calls],
    [nameHash('f'), nameHash('zx_decompress')],
    'each name once, keywords left out',
  );
  // Two names under one hash (a collision): the writer must not hide behind the other.
  const collided = new Map([[nameHash('zx_decompress'), ['zx_other', 'zx_decompress']]]);
  assert.equal(hashedCallsTreePageWriter(calls, collided, index, 'fs/zx/clone.c'), true);
  const none = calledNameHashes('int f(void) { return zx_setup(s); }');
  assert.equal(hashedCallsTreePageWriter(none, collided, index, 'fs/zx/super.c'), false);
  assert.equal(
    hashedCallsTreePageWriter(calls, namesByHash(index.writerNames()), index, 'fs/zx/clone.c'),
    true,
  );
});

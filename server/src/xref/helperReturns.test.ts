import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/** A network library hands out page arrays it allocates itself, in another file. */
const VECTOR = `struct page **blob_page_array(unsigned int count, gfp_t gfp)
{
\tstruct page **arr;
\tunsigned int k;

\tarr = kcalloc(count, sizeof(*arr), gfp);
\tif (!arr)
\t\treturn ERR_PTR(-ENOMEM);
\tfor (k = 0; k < count; k++) {
\t\tarr[k] = alloc_page(gfp);
\t\tif (!arr[k])
\t\t\tgoto fail;
\t}
\treturn arr;
fail:
\tblob_put_page_array(arr, k);
\treturn ERR_PTR(-ENOMEM);
}

struct page *blob_spare_page(struct blob_pool *bp)
{
\tstruct page *page = bp->spare;

\tif (page) {
\t\tbp->spare = NULL;
\t\treturn page;
\t}
\treturn alloc_page(GFP_NOFS);
}
`;

/** A filesystem copies a write into such an array (and a spare page) before sending it. */
const SEND = `int bfs_sync_send(struct bfs_conn *conn, struct iov_iter *from, unsigned int count)
{
\tstruct page **pages;
\tunsigned int n;

\tpages = blob_page_array(count, GFP_KERNEL);
\tif (IS_ERR(pages))
\t\treturn PTR_ERR(pages);
\tfor (n = 0; n < count; n++) {
\t\tif (copy_page_from_iter(pages[n], 0, PAGE_SIZE, from) != PAGE_SIZE)
\t\t\tbreak;
\t}
\treturn bfs_send_pages(conn, pages, count);
}
`;

test('xref: pages from a helper in another file that only returns fresh pages are private', async () => {
  const root = miniTree({ 'net/blob/pagevec.c': VECTOR, 'fs/bfs/send.c': SEND });
  const r = await lintBoth(root, 'fs/bfs/send.c');
  assert.equal(r.alone, 1, 'judged alone the array is of unknown origin');
  assert.equal(r.indexed, 0, 'noisy: blob_page_array() returns alloc_page pages only');
  assert.ok(
    r.notes.some((n) =>
      /blob_page_array\(\) only returns pages from alloc_page \(net\/blob\/pagevec\.c:14\)/.test(n),
    ),
    r.notes.join('\n'),
  );
  // The same helper filling its array from the page cache hands out pages user space maps.
  const cached = miniTree({
    'net/blob/pagevec.c': VECTOR.replace('alloc_page(gfp)', 'find_get_page(blob_mapping, k)'),
    'fs/bfs/send.c': SEND,
  });
  assert.equal((await lintBoth(cached, 'fs/bfs/send.c')).indexed, 1, 'missing: page cache');
});

const SPARE = `void bfs_fill_spare(struct blob_pool *bp, const void *src)
{
\tstruct page *page = blob_spare_page(bp);
\tvoid *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, src, PAGE_SIZE);
\tkunmap_local(kaddr);
}
`;

test('xref: a helper returning a field follows that field to its sources', async () => {
  const stored = `void blob_pool_refill(struct blob_pool *bp)
{
\tbp->spare = alloc_page(GFP_KERNEL);
}
`;
  const root = miniTree({
    'net/blob/pagevec.c': VECTOR + stored,
    'fs/bfs/spare.c': SPARE,
  });
  const r = await lintBoth(root, 'fs/bfs/spare.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: blob_pool.spare only holds alloc_page pages');
  // One store of a page-cache page into the field makes the helper's pages visible.
  const adopt = `void blob_pool_adopt(struct blob_pool *bp, struct address_space *m)
{
\tbp->spare = find_get_page(m, 0);
}
`;
  const mixed = miniTree({
    'net/blob/pagevec.c': VECTOR + stored + adopt,
    'fs/bfs/spare.c': SPARE,
  });
  assert.equal((await lintBoth(mixed, 'fs/bfs/spare.c')).indexed, 1, 'missing: a cache page');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPRESS_SUPER, lintBoth, miniTree } from '../../../test/xref/miniTree';

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

/** A driver's buffer pages: allocated privately, then inserted into the user's VMA. */
const SHARED = `struct shbuf_page {
\tstruct page *page_ptr;
};

int shbuf_install(struct shbuf_page *page, struct vm_area_struct *vma, unsigned long addr)
{
\tpage->page_ptr = alloc_page(GFP_KERNEL | __GFP_ZERO);
\tif (!page->page_ptr)
\t\treturn -ENOMEM;
\treturn vm_insert_page(vma, addr, page[0].page_ptr);
}

static struct page *shbuf_get_page(struct shbuf_page *pages, size_t index)
{
\tstruct shbuf_page *lru = &pages[index];

\treturn lru->page_ptr;
}

void shbuf_clear(struct shbuf_page *pages, size_t index)
{
\tstruct page *page = shbuf_get_page(pages, index);
\tvoid *kaddr = kmap_local_page(page);

\tmemset(kaddr, 0, PAGE_SIZE);
\tkunmap_local(kaddr);
}
`;

test('xref: a helper returning pages that an array element put into a user mapping stays visible', async () => {
  const root = miniTree({ 'drivers/shbuf/alloc.c': SHARED });
  const r = await lintBoth(root, 'drivers/shbuf/alloc.c');
  assert.equal(r.indexed, 1, 'missing: `page[0].page_ptr` is inserted into a user mapping');
  const kept = miniTree({
    'drivers/shbuf/alloc.c': SHARED.replace(
      'return vm_insert_page(vma, addr, page[0].page_ptr);',
      'return 0;',
    ),
  });
  assert.equal((await lintBoth(kept, 'drivers/shbuf/alloc.c')).indexed, 0, 'noisy: never mapped');
});

/** The page cache's own lookup helper, defined in the tree: it returns page-cache pages. */
const PAGEMAP = `static inline struct page *read_mapping_page(struct address_space *mapping,
\t\t\t\t\t     pgoff_t index, struct file *file)
{
\treturn read_cache_page(mapping, index, NULL, file);
}
`;

const BITMAP = `void cfs_mark_used(struct cfs_sb_info *sbi, pgoff_t idx, unsigned int bit)
{
\tstruct page *page = read_mapping_page(COMPRESS_MAPPING(sbi), idx, NULL);
\tunsigned long *map = kmap_local_page(page);

\tset_bit(bit, map);
\tkunmap_local(map);
\tput_page(page);
}
`;

test("xref: a lookup helper's page-cache return does not hide an internal inode's mapping", async () => {
  const root = miniTree({
    'include/linux/pagemap.h': PAGEMAP,
    'fs/cfs/super.c': COMPRESS_SUPER,
    'fs/cfs/bitmap.c': BITMAP,
  });
  const r = await lintBoth(root, 'fs/cfs/bitmap.c');
  assert.equal(r.indexed, 0, 'noisy: the compress inode is internal');
  const any = miniTree({
    'include/linux/pagemap.h': PAGEMAP,
    'fs/cfs/super.c': COMPRESS_SUPER.replace('CFS_COMPRESS_INO(sbi)', 'ino'),
    'fs/cfs/bitmap.c': BITMAP,
  });
  assert.equal((await lintBoth(any, 'fs/cfs/bitmap.c')).indexed, 1, 'missing: any inode');
});

/** A folio allocator under a memory policy: fresh folios, for whoever asks. */
const POLICY = `struct folio *policy_alloc_folio(gfp_t gfp, int order, pgoff_t index)
{
\tstruct folio *folio;

\tpolicy_enter(index);
\tfolio = folio_alloc(gfp, order);
\tpolicy_exit(index);
\treturn folio;
}
`;

/** A memory filesystem fills a fresh folio for its own page cache. */
const MEMFS = `int memfs_fill_atomic(struct address_space *mapping, pgoff_t index, const void __user *src)
{
\tstruct folio *folio = policy_alloc_folio(GFP_KERNEL, 0, index);
\tvoid *kaddr;

\tif (!folio)
\t\treturn -ENOMEM;
\tkaddr = kmap_local_folio(folio, 0);
\tif (copy_from_user(kaddr, src, PAGE_SIZE)) {
\t\tkunmap_local(kaddr);
\t\treturn -EFAULT;
\t}
\tkunmap_local(kaddr);
\treturn memfs_add_to_page_cache(folio, mapping, index);
}
`;

test("xref: a helper's fresh folio that the caller hands to a mapping is not private", async () => {
  const root = miniTree({ 'mm/policy.c': POLICY, 'mm/memfs.c': MEMFS });
  const r = await lintBoth(root, 'mm/memfs.c');
  assert.equal(r.indexed, 1, 'missing: the folio goes into the page cache of `mapping`');
  const kept = miniTree({
    'mm/policy.c': POLICY,
    'mm/memfs.c': MEMFS.replace(
      'memfs_add_to_page_cache(folio, mapping, index)',
      'memfs_send(folio, index)',
    ),
  });
  assert.equal((await lintBoth(kept, 'mm/memfs.c')).indexed, 0, 'noisy: the folio stays private');
  const anon = miniTree({
    'mm/policy.c': POLICY,
    'mm/memfs.c': MEMFS.replace(
      'memfs_add_to_page_cache(folio, mapping, index)',
      'memfs_map_anon(folio, vma, index)',
    ),
  });
  assert.equal((await lintBoth(anon, 'mm/memfs.c')).indexed, 1, 'missing: mapped into a VMA');
  const swap = miniTree({
    'mm/policy.c': POLICY,
    'mm/memfs.c': MEMFS.replace(
      'memfs_add_to_page_cache(folio, mapping, index)',
      'memfs_replace_entry(swap_mapping, index, folio)',
    ).replace('struct address_space *mapping', 'struct address_space *swap_mapping'),
  });
  assert.equal((await lintBoth(swap, 'mm/memfs.c')).indexed, 1, 'missing: into the swap cache');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPRESS_SUPER,
  PAGELIST,
  PAGELIST_PATCH,
  lintBoth,
  miniTree,
} from '../../../test/xref/miniTree';
import { buildTreeFacts } from './build';
import { TreeIndex } from './treeIndex';

test('xref: a page taken off a list head that only ever holds fresh pages is private', async () => {
  const root = miniTree({ 'net/core/pagelist.c': PAGELIST, 'fs/rfs/reconnect.c': PAGELIST_PATCH });
  const r = await lintBoth(root, 'fs/rfs/reconnect.c');
  assert.equal(r.alone, 1, 'judged alone the page is of unknown origin');
  assert.equal(r.indexed, 0, 'noisy: rfs_pagelist.head holds only __page_cache_alloc pages');
  assert.ok(
    r.notes.some((n) => /rfs_pagelist\.head is only assigned from/.test(n)),
    r.notes.join('\n'),
  );
  // One file that puts a page-cache page on the same list makes it visible.
  const cached = `void pagelist_adopt(struct rfs_pagelist *pl, struct address_space *m)
{
\tstruct page *page = find_get_page(m, 0);

\tlist_add(&page->lru, &pl->head);
}
`;
  const mixed = miniTree({
    'net/core/pagelist.c': PAGELIST,
    'net/core/adopt.c': cached,
    'fs/rfs/reconnect.c': PAGELIST_PATCH,
  });
  assert.equal((await lintBoth(mixed, 'fs/rfs/reconnect.c')).indexed, 1, 'missing: a cache page');
  // A fresh page added to the page cache in the same function is not private.
  const added = PAGELIST.replace(
    '\tlist_add_tail(&page->lru, &pl->spare);',
    '\tadd_to_page_cache_lru(page, NULL, 0, GFP_NOFS);\n\tlist_add_tail(&page->lru, &pl->spare);',
  );
  const published = miniTree({
    'net/core/pagelist.c': added,
    'fs/rfs/reconnect.c': PAGELIST_PATCH,
  });
  assert.equal((await lintBoth(published, 'fs/rfs/reconnect.c')).indexed, 1);
});

/** Field provenance at the index level, in kernel shapes (ported from the field index's tests). */
const RING = `struct ring {
\tstruct page **pages;
\tstruct page *spare_page;
\tstruct page *pool_page;
};

static int ring_pin(struct ring *r, unsigned long uaddr, int n)
{
\treturn pin_user_pages_fast(uaddr, n, FOLL_WRITE, r->pages);
}

static void ring_spare(struct ring *r, void *buf)
{
\tr->spare_page = alloc_page(GFP_KERNEL);
\tr->spare_page = virt_to_page(buf);
\tr->pool_page = alloc_page(GFP_KERNEL);
\tr->pool_page = NULL;
}
`;

test('xref: field origin: pinned user pages are visible, one unknown source is not private', async () => {
  const root = miniTree({ 'drivers/ring.c': RING });
  const index = new TreeIndex((await buildTreeFacts(root, { jobs: 1, noCache: true })).facts);
  assert.equal(index.fieldOrigin('ring.pages').value, 'visible');
  assert.equal(index.fieldOrigin('ring.spare_page').value, 'unknown');
  const pool = index.fieldOrigin('ring.pool_page');
  assert.equal(pool.value, 'private', 'NULL is no source');
  assert.match(pool.evidence, /alloc_page \(drivers\/ring\.c:16\)/);
});

const COMPRESS_CACHE = `void cfs_cache_page(struct cfs_sb_info *sbi, struct page *page, pgoff_t idx)
{
\tstruct page *cpage = cfs_grab_cache_page(COMPRESS_MAPPING(sbi), idx, true);
\tvoid *dst = kmap_local_page(cpage);

\tmemcpy(dst, page_address(page), PAGE_SIZE);
\tkunmap_local(dst);
\tSetPageUptodate(cpage);
}
`;

test('xref: any lookup in the mapping of an internal inode (a filesystem getter) is private', async () => {
  const root = miniTree({
    'fs/cfs/super.c': COMPRESS_SUPER,
    'fs/cfs/compress.c': COMPRESS_CACHE,
  });
  const r = await lintBoth(root, 'fs/cfs/compress.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: the compress inode is internal');
  assert.ok(
    r.notes.some((n) => /compress_inode holds an internal inode/.test(n)),
    r.notes.join('\n'),
  );
  const anyInode = miniTree({
    'fs/cfs/super.c': COMPRESS_SUPER.replace('CFS_COMPRESS_INO(sbi)', 'ino'),
    'fs/cfs/compress.c': COMPRESS_CACHE,
  });
  assert.equal((await lintBoth(anyInode, 'fs/cfs/compress.c')).indexed, 1, 'missing: any inode');
});

const CHUNK = `void lib_copy_chunk(struct page *page, const void *src, size_t len)
{
\tvoid *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, src, len);
\tkunmap_local(kaddr);
}
`;

/** The reader's file maps pages elsewhere: files that map no page at all are not linted. */
const READER = `void rfs_zero_tail(struct page *page, size_t from)
{
\tchar *kaddr = kmap_local_page(page);

\tmemset(kaddr + from, 0, PAGE_SIZE - from);
\tkunmap_local(kaddr);
\tflush_dcache_page(page);
}

int rfs_read_folio(struct address_space *mapping, const void *src)
{
\tstruct page *page = find_or_create_page(mapping, 0, GFP_KERNEL);

\tif (!page)
\t\treturn -ENOMEM;
\tlib_copy_chunk(page, src, PAGE_SIZE);
\tSetPageUptodate(page);
\tunlock_page(page);
\treturn 0;
}
`;

test("xref: a page written by a callee in another file needs the caller's flush", async () => {
  const root = miniTree({ 'lib/chunk.c': CHUNK, 'fs/rfs/read.c': READER });
  const r = await lintBoth(root, 'fs/rfs/read.c');
  assert.equal(r.alone, 0, 'judged alone the call writes nothing');
  assert.equal(r.indexed, 1, 'missing: lib_copy_chunk maps and writes the page');
  const flushed = READER.replace(
    '\tSetPageUptodate',
    '\tflush_dcache_page(page);\n\tSetPageUptodate',
  );
  const ok = miniTree({ 'lib/chunk.c': CHUNK, 'fs/rfs/read.c': flushed });
  assert.equal((await lintBoth(ok, 'fs/rfs/read.c')).indexed, 0, 'noisy: flushed after the call');
});

/** A pinning helper in another file: it fills the caller's array of page pointers, nothing more. */
const PIN = `static long pin_range(unsigned long start, unsigned long nr, struct page **pages)
{
\tlong i;

\tfor (i = 0; i < nr; i++) {
\t\tpages[i] = virt_to_page((void *)start);
\t\tstart += PAGE_SIZE;
\t}
\treturn i;
}

long lib_pin_pages(unsigned long start, unsigned long nr, struct page **pages)
{
\tvoid *probe = kmap_local_page(pages[0]);

\tkunmap_local(probe);
\treturn pin_range(start, nr, pages);
}
`;

const PIN_USER = `int drv_map_user(struct drv_buf *buf, unsigned long uaddr, int nr)
{
\tstruct page **pages = kmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
\tchar *kaddr;
\tlong res;

\tres = lib_pin_pages(uaddr, nr, pages);
\tif (res < nr)
\t\treturn -EFAULT;
\tkaddr = kmap_local_page(pages[0]);
\tbuf->first = kaddr[0];
\tkunmap_local(kaddr);
\tbuf->pages = pages;
\treturn 0;
}
`;

test('xref: filling an array of page pointers is no write of the pages', async () => {
  const root = miniTree({ 'mm/pin.c': PIN, 'drivers/drv/user.c': PIN_USER });
  const r = await lintBoth(root, 'drivers/drv/user.c');
  assert.equal(r.indexed, 0, 'noisy: lib_pin_pages stores page pointers, not page bytes');
  const facts = await buildTreeFacts(miniTree({ 'mm/pin.c': PIN }), { jobs: 1, noCache: true });
  const pin = facts.facts.flatMap((f) => f.functions).find((f) => f.name === 'pin_range');
  assert.deepEqual(pin?.writes ?? [], [], 'noisy: pin_range summarised as writing its pages');
});

/** Callees that touch a page without writing its bytes through a mapping of their own. */
const NOT_WRITERS = `int lib_fill_pages(unsigned long start, int nr, struct page **pages)
{
\tint i;

\tfor (i = 0; i < nr; i++)
\t\tpages[i] = lib_lookup(start + i * PAGE_SIZE);
\tpage_address(pages[0]);
\treturn nr;
}

void lib_tag_page(struct page *page, unsigned long v)
{
\tpage->index = v;
\tset_page_private(page, v);
\tpage_address(page);
}

void lib_linear_fill(struct page *page, const void *src)
{
\tmemcpy(page_address(page), src, PAGE_SIZE);
}
`;

const CALLS = `int rfs_fill(struct address_space *mapping, unsigned long start, const void *src)
{
\tstruct page *page = find_or_create_page(mapping, 0, GFP_KERNEL);
\tstruct page *pages[4];
\tvoid *kaddr;

\tif (!page)
\t\treturn -ENOMEM;
\tkaddr = kmap_local_page(page);
\tkunmap_local(kaddr);
\tlib_fill_pages(start, 4, pages);
\tlib_tag_page(page, start);
\tlib_linear_fill(page, src);
\tpin_user_pages_fast(start, 4, FOLL_WRITE, pages);
\tunlock_page(page);
\treturn 0;
}
`;

test('xref: filling a page array, tagging the struct page or a page_address copy in a callee writes no page at the call', async () => {
  const root = miniTree({ 'lib/notwriters.c': NOT_WRITERS, 'fs/rfs/fill.c': CALLS });
  assert.equal((await lintBoth(root, 'fs/rfs/fill.c')).indexed, 0);
  // The twin: the same caller with a callee that maps the page and writes it is flagged.
  const writer = CALLS.replace('\tlib_tag_page(page, start);', '\tlib_copy_chunk(page, src, 64);');
  const flagged = miniTree({
    'lib/notwriters.c': NOT_WRITERS,
    'lib/chunk.c': CHUNK,
    'fs/rfs/fill.c': writer,
  });
  assert.equal((await lintBoth(flagged, 'fs/rfs/fill.c')).indexed, 1);
});

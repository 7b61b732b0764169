import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';
import { buildTreeFacts } from './build';
import { TreeIndex } from './treeIndex';

/** A page list kept in a list head: pages come from a fresh allocation or the spare list. */
const PLIST = `struct plist {
\tstruct list_head head;
\tstruct list_head spare;
};

static int plist_addpage(struct plist *pl)
{
\tstruct page *page;

\tif (list_empty(&pl->spare))
\t\tpage = __page_cache_alloc(GFP_NOFS);
\telse
\t\tpage = list_first_entry(&pl->spare, struct page, lru);
\tif (!page)
\t\treturn -ENOMEM;
\tlist_add_tail(&page->lru, &pl->head);
\treturn 0;
}

int plist_reserve(struct plist *pl)
{
\tstruct page *page = __page_cache_alloc(GFP_NOFS);

\tlist_add_tail(&page->lru, &pl->spare);
\treturn 0;
}
`;

/** Another subsystem patches the first page of a page list it reaches through its own struct. */
const RECONNECT = `struct rstate {
\tstruct plist *pl;
\tint nr;
};

void rstate_patch(struct rstate *st)
{
\tstruct page *page = list_first_entry(&st->pl->head, struct page, lru);
\t__le32 *addr = kmap_atomic(page);

\t*addr = cpu_to_le32(st->nr);
\tkunmap_atomic(addr);
}
`;

test('xref: a page taken off a list head that only ever holds fresh pages is private', async () => {
  const root = miniTree({ 'net/core/plist.c': PLIST, 'fs/rfs/reconnect.c': RECONNECT });
  const r = await lintBoth(root, 'fs/rfs/reconnect.c');
  assert.equal(r.alone, 1, 'judged alone the page is of unknown origin');
  assert.equal(r.indexed, 0, 'noisy: plist.head holds only __page_cache_alloc pages');
  assert.ok(
    r.notes.some((n) => /plist\.head is only assigned from/.test(n)),
    r.notes.join('\n'),
  );
  // One file that puts a page-cache page on the same list makes it visible.
  const cached = `void plist_adopt(struct plist *pl, struct address_space *m)
{
\tstruct page *page = find_get_page(m, 0);

\tlist_add(&page->lru, &pl->head);
}
`;
  const mixed = miniTree({
    'net/core/plist.c': PLIST,
    'net/core/adopt.c': cached,
    'fs/rfs/reconnect.c': RECONNECT,
  });
  assert.equal((await lintBoth(mixed, 'fs/rfs/reconnect.c')).indexed, 1, 'missing: a cache page');
  // A fresh page added to the page cache in the same function is not private.
  const added = PLIST.replace(
    '\tlist_add_tail(&page->lru, &pl->spare);',
    '\tadd_to_page_cache_lru(page, NULL, 0, GFP_NOFS);\n\tlist_add_tail(&page->lru, &pl->spare);',
  );
  const published = miniTree({ 'net/core/plist.c': added, 'fs/rfs/reconnect.c': RECONNECT });
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

/** A filesystem's compressed-page cache: an internal inode's mapping behind a getter. */
const COMPRESS_SUPER = `struct cfs_sb_info {
\tstruct inode *compress_inode;
};

int cfs_init_compress_inode(struct cfs_sb_info *sbi, struct super_block *sb)
{
\tstruct inode *inode = cfs_iget(sb, CFS_COMPRESS_INO(sbi));

\tif (IS_ERR(inode))
\t\treturn PTR_ERR(inode);
\tsbi->compress_inode = inode;
\treturn 0;
}

struct address_space *COMPRESS_MAPPING(struct cfs_sb_info *sbi)
{
\treturn sbi->compress_inode->i_mapping;
}
`;

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

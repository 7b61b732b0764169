/**
 * Where a page (or a mapped address) comes from, by the call that produced it: a private
 * allocation no user mapping can reach, or a page user space can map (page cache, pinned user
 * memory). Documentation/core-api/cachetlb.rst: only pages that can have a user mapping need
 * flush_dcache_page().
 */
import { PRIVATE_PAGE_SOURCE, VISIBLE_PAGE_SOURCE } from '../knowledge/dcache';

const PRIVATE_CALLS = new Set([
  ...PRIVATE_PAGE_SOURCE,
  'alloc_pages_bulk',
  'alloc_pages_bulk_array',
  'alloc_pages_bulk_list',
  '__alloc_pages_bulk',
  'alloc_pages_exact_nid',
  '__folio_alloc',
  'dma_alloc_pages',
  'sgl_alloc',
  'sgl_alloc_order',
  'page_frag_alloc',
]);

/** Slab and DMA memory: private, and reached as pages through virt_to_page(). */
const PRIVATE_MEMORY =
  /^(?:k[mz]alloc\w*|kcalloc\w*|kvm?alloc\w*|kvzalloc\w*|kmem_cache_z?alloc\w*|__get_free_pages?|get_zeroed_page|dma_alloc_(?:coherent|attrs|noncoherent)|dmam_alloc_coherent)$/;

const VISIBLE_CALL =
  /^(?:__)?filemap_\w*(?:folio|page)s?$|^find_\w*(?:page|folio)s?\w*$|^grab_cache_page\w*$|^read_(?:mapping|cache)_(?:page|folio)\w*$|^shmem_read_\w+$|^(?:get|pin)_user_pages\w*$|^iov_iter_get_pages\w*$|^pagecache_get_page$|^sg_page$/;

/** Calls that fill a page array argument with user-visible pages (`pin_user_pages(..., pages)`). */
export const FILLS_VISIBLE_ARRAY =
  /^(?:get|pin)_user_pages\w*$|^iov_iter_get_pages\w*$|^find_get_pages\w*$|^filemap_get_folios\w*$/;
/** Calls that fill a page array argument with fresh private pages. */
export const FILLS_PRIVATE_ARRAY = /^(?:__)?alloc_pages_bulk\w*$/;
/** Calls that put a page into a user mapping: whatever field it is kept in is user-visible. */
export const INSERTS_USER_PAGE =
  /^(?:vm_insert_pages?|vmf_insert_page|vm_map_pages\w*|insert_page)$/;

export function classifyCall(callee: string): 'private' | 'visible' | 'memory' | undefined {
  if (PRIVATE_CALLS.has(callee)) return 'private';
  if (VISIBLE_PAGE_SOURCE.has(callee) || VISIBLE_CALL.test(callee)) return 'visible';
  if (PRIVATE_MEMORY.test(callee)) return 'memory';
  return undefined;
}

/**
 * A page allocated for the page cache is private until it is added to a mapping: the index counts
 * it private in a function that does not add it (include/linux/pagemap.h, __page_cache_alloc).
 */
export const FRESH_CACHE_PAGE = /^(?:__page_cache_alloc|filemap_alloc_folio|page_cache_alloc)$/;
export const ADDS_TO_CACHE = /\b(?:add_to_page_cache\w*|filemap_add_folio)\s*\(/;

/** Calls that put a list element (`&page->lru`) on the list head in their second argument. */
export const LIST_STORE = /^list_(?:add|add_tail|move|move_tail)$/;
/** Calls that take a page or folio off the list head in their first argument. */
export const LIST_ENTRY = /^list_(?:first_entry|last_entry|first_entry_or_null|entry)$/;

/** virt_to_page() and friends: the page of an address, private when the address is. */
export const ADDRESS_TO_PAGE = /^(?:virt_to_page|virt_to_head_page|virt_to_folio)$/;

/** Pages of bios and scatterlists come from requests: often page cache or user memory. */
export const REQUEST_PAGE_FIELD = /^(?:bv_page|page_link)$/;

/**
 * Internal inodes (the evidence rule): an inode obtained by an iget-like call of a fixed,
 * reserved inode number, spelled as an upper-case `*_INO`/`*_CNID`-like constant or macro
 * (`f2fs_iget(sb, F2FS_META_INO(sbi))`, `hfsplus_iget(sb, HFSPLUS_ALLOC_CNID)`). Such inodes
 * have no directory entry, so user space cannot open, let alone mmap, them.
 */
export const IGET_CALL = /iget\w*$/;
export const RESERVED_INO = /^[A-Z][A-Z0-9_]*(?:_INO|_CNID|_INODE|_INUM)(?:\(.*\))?$/s;

/**
 * The reading side (cachetlb.rst, flush_dcache_page case (b)) needs a user store through a shared
 * writable mapping of the same file. Mappings whose pages no supported user mapping writes:
 * - the page cache of a block device the kernel holds, reached through the block device or
 *   superblock that holds it (`bdev->bd_inode`, include/linux/blk_types.h:48 (6.1);
 *   `bdev->bd_mapping`, include/linux/blk_types.h:58 (6.12); `sb->s_bdev`,
 *   include/linux/fs.h:1341 (6.12), and `sb->s_bdev_file`, :1342; a driver's `bdev_file` from
 *   bdev_file_open_by_path(), include/linux/blkdev.h:1664 (6.12)): a filesystem's own metadata
 *   reads or an MTD emulation, not a file user space opened;
 * - an active quota file, reached through `sb_dqopt(sb)->files[type]`
 *   (include/linux/quotaops.h:17 (6.12)): quota code alone writes it while quota is on
 *   (vfs_setup_quota_inode marks it S_NOQUOTA, fs/quota/dquot.c:2419 (6.12)).
 */
export const HELD_BDEV_MAPPING =
  /(?:->|\.)\s*(?:bd_inode|bd_mapping|s_bdev|s_bdev_file|bdev_file)\b/;
export const QUOTA_FILE = /\bsb_dqopt\s*\(/;

/**
 * Calls that store a page into a scatterlist entry, by the index of the page argument:
 * `sg_assign_page(sg, page)` and `sg_set_page(sg, page, len, offset)`
 * (include/linux/scatterlist.h:107 and :136 (6.1, 6.12)), `sg_set_folio(sg, folio, len, offset)`
 * (:158 (6.12)). `sg_page(sg)` then gives back that page.
 */
export const SG_STORES_PAGE: ReadonlyMap<string, number> = new Map([
  ['sg_assign_page', 1],
  ['sg_set_page', 1],
  ['sg_set_folio', 1],
]);

/**
 * Fields that hold a scatterlist (`fl->sgl`, `cmd->t_data_sg`, `sglist->scatterlist`): every
 * store into one is recorded, known source or not, so that one scatterlist of unknown pages keeps
 * the field from passing for private (a field's sources decide what `sg_page()` of a cursor over
 * it gives, server/src/analysis/dcache/pageOrigin.ts).
 */
export const SG_FIELD = /(?:^|[._])(?:sgl?|sg_?list|scatterlist|sgt)$/i;

/**
 * Walking a scatterlist: `for_each_sg(sgl, sg, nents, i)` moves `sg` from `sgl` along the list
 * (include/linux/scatterlist.h:171 (6.1), :195 (6.12)), as `sg = sg_next(sg)` does by hand (the
 * table's next-entry role).
 */
export const SG_ITERATOR = /^for_each_sg$/;

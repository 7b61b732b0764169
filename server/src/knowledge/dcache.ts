/**
 * What FlushGuard knows about kernel APIs (Linux 6.1), as data. Sources:
 * Documentation/core-api/cachetlb.rst; include/linux/highmem.h (memcpy_to_page 397/404,
 * memzero_page 408/414, memcpy_page 364 and memset_page 377 do NOT flush); mm/highmem.c
 * zero_user_segments 391/437; include/linux/bvec.h; lib/scatterlist.c sg_miter_stop 918-919.
 */

/** Calls returning a kernel address of a page: name → index of the page argument. */
export const MAP_BY_PAGE = new Map<string, number>([
  ['kmap', 0],
  ['kmap_atomic', 0],
  ['kmap_local_page', 0],
  ['kmap_local_page_prot', 0],
  ['kmap_atomic_prot', 0],
  ['kmap_local_folio', 0],
  ['kmap_atomic_pfn', -1],
]);

/** Mappings of the lowmem linear map (no kmap): written pages still need the flush. */
export const LINEAR_ADDRESS = new Set(['page_address', 'folio_address', 'lowmem_page_address']);

/** `bvec_kmap_local(bv)`, `bvec_virt(bv)`: the page is `bv->bv_page`. */
export const MAP_BY_BVEC = new Set(['bvec_kmap_local', 'bvec_virt', 'bvec_kmap_irq']);

/** Unmapping calls; they end a mapping but do not make the write visible. */
export const UNMAP = new Set(['kunmap', 'kunmap_atomic', 'kunmap_local', 'bvec_kunmap_irq']);

/** Calls that make the page's kernel writes visible to other mappings: name → page argument. */
export const FLUSH = new Map<string, number>([
  ['flush_dcache_page', 0],
  ['flush_dcache_folio', 0],
  ['flush_kernel_dcache_page', 0],
  // Helpers that flush internally (highmem.h, bvec.h).
  ['memcpy_to_page', 0],
  ['memzero_page', 0],
  ['zero_user', 0],
  ['zero_user_segment', 0],
  ['zero_user_segments', 0],
  ['folio_zero_range', 0],
  ['folio_zero_segment', 0],
  ['folio_zero_segments', 0],
  ['folio_zero_tail', 0],
  ['memcpy_to_bvec', 0],
  ['memzero_bvec', 0],
  ['copy_user_highpage', 0],
]);

/**
 * Architecture and subsystem cache maintenance (`flush_cache_page`, `__cpuc_flush_dcache_area`,
 * `flush_uprobe_xol_access`, `copy_to_user_page`): treated as a flush of whatever page is pending.
 */
export const ARCH_FLUSH =
  /^_*(?:flush|clean|cpuc_flush|sync)_\w*cache|^flush_\w*_access$|^copy_to_user_page$|^flush_anon_page$/;

/**
 * Helpers that flush the pages a walk wrote (include/crypto/scatterwalk.h: scatterwalk_done →
 * scatterwalk_pagedone → flush_dcache_page when writing; __scatterwalk_flush_dcache_pages).
 */
export const FLUSHES_WALKED_PAGES = new Set([
  'scatterwalk_done',
  'scatterwalk_pagedone',
  '__scatterwalk_flush_dcache_pages',
  'scatterwalk_unmap_and_advance',
]);

/** Iterators over block-integrity (T10 PI) vectors: their pages are kmalloc'd protection buffers. */
export const PRIVATE_BVEC_ITERATOR = new Set(['bip_for_each_vec']);

/** Deprecated names of the flush, with what to write instead. */
export const DEPRECATED_FLUSH = new Map([['flush_kernel_dcache_page', 'flush_dcache_page']]);

/**
 * Page-level writes that do NOT flush in 6.1: name → index of the written page argument.
 * memcpy_page, memset_page and copy_page_from_iter_atomic kmap the page themselves, so their
 * writes are judged like kmap writes (KMAP_PAGE_WRITE); the others copy whole pages, mostly for
 * COW and migration where the architecture's copy_user_highpage handles the aliases.
 */
export const UNFLUSHED_PAGE_WRITE = new Map<string, number>([
  ['memcpy_page', 0],
  ['memset_page', 0],
  ['copy_highpage', 0],
  ['folio_copy', 0],
  ['clear_highpage', 0],
  ['copy_page_from_iter_atomic', 0],
]);

/** The UNFLUSHED_PAGE_WRITE helpers that are a kmap + write + kunmap in one call (highmem.h). */
export const KMAP_PAGE_WRITE = new Set([
  'memcpy_page',
  'memset_page',
  'copy_page_from_iter_atomic',
]);

/** Calls that write the memory their pointer argument (index) points to. */
export const WRITES_ARGUMENT = new Map<string, number[]>([
  ['memcpy', [0]],
  ['__memcpy', [0]],
  ['memmove', [0]],
  ['memset', [0]],
  ['__memset', [0]],
  ['memset16', [0]],
  ['memset32', [0]],
  ['memset64', [0]],
  ['memzero_explicit', [0]],
  ['memcpy_and_pad', [0]],
  ['memcpy_flushcache', [0]],
  ['memcpy_fromio', [0]],
  ['strcpy', [0]],
  ['strncpy', [0]],
  ['strscpy', [0]],
  ['strscpy_pad', [0]],
  ['strlcpy', [0]],
  ['strcat', [0]],
  ['strncat', [0]],
  ['strlcat', [0]],
  ['sprintf', [0]],
  ['snprintf', [0]],
  ['scnprintf', [0]],
  ['vsnprintf', [0]],
  ['vscnprintf', [0]],
  ['copy_from_user', [0]],
  ['__copy_from_user', [0]],
  ['__copy_from_user_inatomic', [0]],
  ['raw_copy_from_user', [0]],
  ['copy_from_user_nofault', [0]],
  ['strncpy_from_user', [0]],
  ['copy_from_iter', [0]],
  ['_copy_from_iter', [0]],
  ['copy_from_iter_full', [0]],
  ['copy_from_iter_nocache', [0]],
  ['copy_from_iter_flushcache', [0]],
  ['_copy_from_iter_nocache', [0]],
  ['csum_and_copy_from_iter', [0]],
  ['csum_and_copy_from_iter_full', [0]],
  ['copy_from_kernel_nofault', [0]],
  ['copy_mc_to_kernel', [0]],
  ['get_random_bytes', [0]],
  ['clear_page', [0]],
  ['copy_page', [0]],
  ['memcpy_from_page', [0]],
  ['memcpy_from_bvec', [0]],
  ['memcpy_from_msg', [0]],
  ['sg_copy_to_buffer', [2]],
  ['sg_pcopy_to_buffer', [2]],
  ['skb_copy_bits', [2]],
  ['skb_copy_datagram_iter', []],
  ['kernel_read', [1]],
  ['ioread8_rep', [1]],
  ['ioread16_rep', [1]],
  ['ioread32_rep', [1]],
  ['readsb', [1]],
  ['readsw', [1]],
  ['readsl', [1]],
  ['insb', [1]],
  ['insw', [1]],
  ['insl', [1]],
  ['lzo1x_decompress_safe', [2]],
  ['LZ4_decompress_safe', [1]],
  ['LZ4_decompress_safe_partial', [1]],
  ['crypto_cipher_encrypt_one', [1]],
  ['crypto_cipher_decrypt_one', [1]],
  ['put_unaligned', [1]],
  ['put_unaligned_le16', [1]],
  ['put_unaligned_le32', [1]],
  ['put_unaligned_le64', [1]],
  ['put_unaligned_be16', [1]],
  ['put_unaligned_be32', [1]],
  ['put_unaligned_be64', [1]],
  ['smp_store_release', [0]],
  ['bitmap_zero', [0]],
  ['bitmap_fill', [0]],
  ['cpu_to_le32s', [0]],
  ['cpu_to_le16s', [0]],
  ['cpu_to_be32s', [0]],
  ['le32_to_cpus', [0]],
]);

/** Macros that store to an lvalue or address argument: name → its index (`WRITE_ONCE(p->f, v)`). */
export const STORE_MACRO = new Map<string, number>([
  ['WRITE_ONCE', 0],
  ['__WRITE_ONCE', 0],
  ['atomic_set', 0],
  ['atomic64_set', 0],
  ['set_bit', 1],
  ['clear_bit', 1],
  ['__set_bit', 1],
  ['__clear_bit', 1],
]);

/**
 * An unknown callee that gets a mapped address most likely writes it when its name says it
 * fills a buffer ("read", "decompress", "decrypt", "fill", "copy_from", "recv", "inflate").
 */
export const WRITER_NAME =
  /(?:^|_)(?:read|readpage|recv|receive|decompress|decrypt|inflate|unpack|fill|copy_from|copy_in|get_data|load|uncompress)(?:_|$)/;

/** Calls whose returned page is in the page cache or otherwise mappable by user space. */
export const VISIBLE_PAGE_SOURCE = new Set([
  'find_get_page',
  'find_lock_page',
  'find_or_create_page',
  'grab_cache_page',
  'grab_cache_page_nowait',
  'grab_cache_page_write_begin',
  'read_mapping_page',
  'read_cache_page',
  'read_cache_page_gfp',
  'pagecache_get_page',
  'find_get_page_flags',
  'filemap_get_folio',
  '__filemap_get_folio',
  'filemap_grab_folio',
  'filemap_lock_folio',
  'read_mapping_folio',
  'read_cache_folio',
  'sg_page',
  'get_user_pages',
  'get_user_pages_fast',
  'pin_user_pages',
  'pin_user_pages_fast',
  'get_user_page_vma_remote',
  'vm_normal_page',
  'follow_page',
]);

/** Calls returning a page the function owns until it publishes it. */
export const PRIVATE_PAGE_SOURCE = new Set([
  'alloc_page',
  'alloc_pages',
  'alloc_pages_node',
  '__alloc_pages',
  'alloc_page_vma',
  'mempool_alloc',
  '__page_cache_alloc',
  'dev_alloc_page',
  'dev_alloc_pages',
  'folio_alloc',
  'balloon_page_alloc',
  'page_pool_dev_alloc_pages',
  'page_pool_alloc_pages',
  'alloc_pages_exact',
]);

/** Calls that hand a page to the page cache or to user space (its writes then matter). */
export const PUBLISH_PAGE = new Set([
  'add_to_page_cache_lru',
  'add_to_page_cache_locked',
  'filemap_add_folio',
  'vm_insert_page',
  'vm_insert_pages',
  'vmf_insert_page',
  'insert_page',
]);

/** Marking a page up to date makes its contents readable through any mapping. */
export const MARK_UPTODATE = new Set([
  'SetPageUptodate',
  'folio_mark_uptodate',
  'SetPageUptodate_nolock',
]);

/** An error path that leaves the page unpublished needs no flush (fs/cramfs/inode.c err:). */
export const MARK_NOT_UPTODATE = new Set([
  'ClearPageUptodate',
  'SetPageError',
  'folio_clear_uptodate',
  'folio_set_error',
]);

/** Expressions that name the same page as their argument: `page_folio(p)` is p's folio. */
export const SAME_PAGE = new Map<string, number>([
  ['page_folio', 0],
  ['folio_page', 0],
  ['folio_file_page', 0],
  ['compound_head', 0],
  ['nth_page', 0],
  ['kmap_to_page', 0],
  ['virt_to_page', 0],
  ['virt_to_folio', 0],
  ['vmalloc_to_page', 0],
]);

/** sg_miter: `sg_miter_next` maps `miter->addr`; `sg_miter_stop` flushes if SG_MITER_TO_SG. */
export const SG_MITER_START = 'sg_miter_start';
export const SG_MITER_NEXT = 'sg_miter_next';
export const SG_MITER_STOP = 'sg_miter_stop';

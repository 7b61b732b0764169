/**
 * What the dcache family knows about kernel APIs, derived from the table in apis.ts (sources
 * there), plus the name patterns no table can list. See Documentation/core-api/cachetlb.rst.
 */
import { indexBy, namesWith, withRole } from './table';
import { derivedFromTable } from './versions';

/** Calls returning a kernel address of a page: name → index of the page argument. */
export let MAP_BY_PAGE: Map<string, number>;

/** Mappings of the lowmem linear map (no kmap): written pages still need the flush. */
export let LINEAR_ADDRESS: Set<string>;

/** `bvec_kmap_local(bv)`, `bvec_virt(bv)`: the page is `bv->bv_page`. */
export let MAP_BY_BVEC: Set<string>;

/** Unmapping calls; they end a mapping but do not make the write visible. */
export let UNMAP: Set<string>;

/** Calls that make the page's kernel writes visible to other mappings: name → page argument. */
export let FLUSH: Map<string, number>;

/**
 * Architecture and subsystem cache maintenance (`flush_cache_page`, `__cpuc_flush_dcache_area`,
 * `flush_uprobe_xol_access`, `copy_to_user_page`): treated as a flush of whatever page is pending.
 */
export const ARCH_FLUSH =
  /^_*(?:flush|clean|cpuc_flush|sync)_\w*cache|^flush_\w*_access$|^copy_to_user_page$|^flush_anon_page$/;

/**
 * Helpers whose callers rely on them to flush what the callers wrote (a write_end, a publication
 * helper, a walk's completion): name → the page argument (-1: the walk's page) and whether every
 * path that does not fail must flush it. Their definitions are checked against it.
 */
export let FLUSH_CONTRACT: Map<string, { page: number; every: boolean }>;

/** Helpers that flush the pages a walk wrote (include/crypto/scatterwalk.h). */
export let FLUSHES_WALKED_PAGES: Set<string>;

/** Iterators over block-integrity (T10 PI) vectors: their pages are kmalloc'd protection buffers. */
export let PRIVATE_BVEC_ITERATOR: Set<string>;

/** Walks over every segment of a request or bio (`rq_for_each_segment`): the holder's argument. */
export let SEGMENT_WALK: Map<string, number>;

/** Deprecated or removed names, with what to write instead. */
export let DEPRECATED: Map<string, string>;

/** Deprecated or removed names whose replacement is a flush (`flush_kernel_dcache_page`). */
export let DEPRECATED_FLUSH: Map<string, string>;

/**
 * Page-level writes that do NOT flush: name → index of the written page argument.
 * memcpy_page, memset_page and copy_page_from_iter_atomic kmap the page themselves, so their
 * writes are judged like kmap writes (KMAP_PAGE_WRITE); the others copy whole pages, mostly for
 * COW and migration where the architecture's copy_user_highpage handles the aliases.
 */
export let UNFLUSHED_PAGE_WRITE: Map<string, number>;

/** The UNFLUSHED_PAGE_WRITE helpers that are a kmap + write + kunmap in one call (highmem.h). */
export let KMAP_PAGE_WRITE: Set<string>;

/** Calls that write the memory their pointer argument (index) points to. */
export let WRITES_ARGUMENT: Map<string, number[]>;

let WRITE_LENGTH: Map<string, { index: number; unit: number }>;

/** Bytes a WRITES_ARGUMENT call writes, when its length argument is a decimal literal. */
export function writeLength(
  name: string,
  argTexts: readonly (string | undefined)[],
): number | undefined {
  const len = WRITE_LENGTH.get(name);
  const t = len ? argTexts[len.index]?.trim() : undefined;
  return len && t && /^(?:\d+|0[xX][0-9a-fA-F]+)$/.test(t) ? Number(t) * len.unit : undefined;
}

/** Macros that store to an lvalue or address argument: name → its index (`WRITE_ONCE(p->f, v)`). */
export let STORE_MACRO: Map<string, number>;

/**
 * An unknown callee that gets a mapped address most likely writes it when its name says it
 * fills a buffer ("read", "decompress", "decrypt", "fill", "copy_from", "recv", "inflate").
 */
export const WRITER_NAME =
  /(?:^|_)(?:read|readpage|recv|receive|decompress|decrypt|inflate|unpack|fill|copy_from|copy_in|get_data|load|uncompress)(?:_|$)/;

/** Calls whose returned page is in the page cache or otherwise mappable by user space. */
export let VISIBLE_PAGE_SOURCE: Set<string>;

/** Calls returning a page the function owns until it publishes it. */
export let PRIVATE_PAGE_SOURCE: Set<string>;

/** Calls that hand a page to the page cache or to user space (its writes then matter). */
export let PUBLISH_PAGE: Set<string>;

/** Marking a page up to date makes its contents readable through any mapping. */
export let MARK_UPTODATE: Set<string>;

/** An error path that leaves the page unpublished needs no flush (fs/cramfs/inode.c err:). */
export let MARK_NOT_UPTODATE: Set<string>;

/** Calls that run a `get_block` callback on a page's buffer heads: name → the arguments. */
export let GET_BLOCK_CALLER: Map<string, { page: number; callback: number; head: number }>;

/** Expressions that name the same page as their argument: `page_folio(p)` is p's folio. */
export let SAME_PAGE: Map<string, number>;

const miterStep = (step: string): string =>
  withRole('sg-miter').find(([, r]) => r.step === step)?.[0] ?? '';
/** sg_miter: `sg_miter_next` maps `miter->addr`; `sg_miter_stop` flushes if SG_MITER_TO_SG. */
export let SG_MITER_START: string;
export let SG_MITER_NEXT: string;
export let SG_MITER_STOP: string;

/** Calls that update a file's size: a buffer-head write before one is file data. */
export let FILE_SIZE_UPDATE: Set<string>;

/** Calls returning a pointer stored earlier in a container (xa_load, radix_tree_lookup...). */
export let CONTAINER_LOOKUP: Set<string>;

/** Calls that read a page (or folio) argument through their own kernel mapping: name → index. */
export let READS_PAGE: Map<string, number>;

/** Calls that read the memory their pointer arguments point to: name → indexes. */
export let READS_MEMORY: Map<string, number[]>;

/** Loads of memory another party may store to (READ_ONCE): name → the loaded argument. */
export let LOADS_SHARED: Map<string, number>;

/** Page-cache lookups: their result, or what they fill through a `&x` argument, is file data. */
export let PAGE_CACHE_LOOKUP: Set<string>;

/** Calls that make a bio_vec hold a page: name → the bio_vec and page arguments. */
export let SETS_BVEC_PAGE: Map<string, { bvec: number; page: number }>;

/** Calls that make an iterator over bio_vecs: name → the iterator, direction and bvec arguments. */
export let BVEC_ITERATOR: Map<string, { iter: number; direction: number; bvec: number }>;

/**
 * Calls that fill an ITER_DEST iterator by direct I/O: name → the iterator argument. The device
 * writes the pages; a block driver that copies by CPU flushes them itself (cachetlb.rst).
 */
export let DEVICE_FILLED_ITERATOR: Map<string, number>;

/** Tests whether a file has shared writable user mappings (include/linux/fs.h). */
export let WRITABLY_MAPPED_TEST: Set<string>;

/**
 * Calls announcing a kernel access to a page of a user mapping (`flush_anon_page`): name → the
 * page argument. They maintain anonymous pages only; a page-cache page needs flush_dcache_page.
 */
export let USER_PAGE_ACCESS: Map<string, number>;

derivedFromTable(() => {
  MAP_BY_PAGE = indexBy(
    'map',
    (r) => r.page,
    (r) => r.via === 'kmap',
  );
  LINEAR_ADDRESS = namesWith('map', (r) => r.via === 'linear');
  MAP_BY_BVEC = namesWith('map', (r) => r.via === 'bvec');
  UNMAP = namesWith('unmap');
  FLUSH = new Map([
    ...indexBy('flush', (r) => r.page),
    ...indexBy('flushes-internally', (r) => r.page),
    ...indexBy(
      'flushes-for-callers',
      (r) => r.page,
      (r) => r.page >= 0,
    ),
  ]);
  FLUSH_CONTRACT = new Map(
    withRole('flushes-for-callers').map(([n, r]) => [n, { page: r.page, every: r.every }]),
  );
  FLUSHES_WALKED_PAGES = namesWith('flushes-walked-pages');
  PRIVATE_BVEC_ITERATOR = namesWith('private-bvec-iterator');
  SEGMENT_WALK = indexBy('segment-walk', (r) => r.holder);
  DEPRECATED = new Map(withRole('deprecated').map(([n, r]) => [n, r.use]));
  DEPRECATED_FLUSH = new Map([...DEPRECATED].filter(([, use]) => FLUSH.has(use)));
  UNFLUSHED_PAGE_WRITE = indexBy('writes-page', (r) => r.page);
  KMAP_PAGE_WRITE = namesWith('writes-page', (r) => r.kmaps);
  WRITES_ARGUMENT = new Map(withRole('writes').map(([n, r]) => [n, r.args]));
  WRITE_LENGTH = new Map(
    withRole('writes').flatMap(([n, r]) =>
      r.length === undefined ? [] : [[n, { index: r.length, unit: r.unit ?? 1 }] as const],
    ),
  );
  STORE_MACRO = indexBy('stores', (r) => r.arg);
  VISIBLE_PAGE_SOURCE = namesWith('returns-visible-page');
  PRIVATE_PAGE_SOURCE = namesWith('allocates-private-page');
  PUBLISH_PAGE = namesWith('publishes-page');
  MARK_UPTODATE = namesWith('marks-uptodate');
  MARK_NOT_UPTODATE = namesWith('marks-not-uptodate');
  SAME_PAGE = indexBy('same-page', (r) => r.arg);
  GET_BLOCK_CALLER = new Map(
    withRole('calls-get-block').map(([n, r]) => [
      n,
      { page: r.page, callback: r.callback, head: r.head },
    ]),
  );
  SG_MITER_START = miterStep('start');
  SG_MITER_NEXT = miterStep('next');
  SG_MITER_STOP = miterStep('stop');
  FILE_SIZE_UPDATE = namesWith('updates-file-size');
  CONTAINER_LOOKUP = namesWith('looks-up-stored');
  READS_PAGE = indexBy('reads', (r) => r.page);
  READS_MEMORY = new Map(withRole('reads-memory').map(([n, r]) => [n, r.args]));
  LOADS_SHARED = indexBy('loads-shared', (r) => r.arg);
  PAGE_CACHE_LOOKUP = namesWith('page-cache-lookup');
  WRITABLY_MAPPED_TEST = namesWith('tests-writably-mapped');
  USER_PAGE_ACCESS = indexBy('announces-user-page-access', (r) => r.page);
  SETS_BVEC_PAGE = new Map(
    withRole('sets-bvec-page').map(([n, r]) => [n, { bvec: r.bvec, page: r.page }]),
  );
  DEVICE_FILLED_ITERATOR = indexBy('fills-iterator-by-device', (r) => r.iter);
  BVEC_ITERATOR = new Map(
    withRole('bvec-iterator').map(([n, r]) => [
      n,
      { iter: r.iter, direction: r.direction, bvec: r.bvec },
    ]),
  );
});

/**
 * What a copy's return value says when it failed. The uaccess copies return the bytes they could
 * not copy, so non-zero is a failure (include/linux/uaccess.h:158, 6.12); the iterator copies
 * return the bytes they copied, so zero is (lib/iov_iter.c:460, 6.12). On a failure branch the
 * caller drops or retries the page: nothing it wrote is published.
 */
export function copyFailsWhen(name: string): 'nonzero' | 'zero' | undefined {
  if (
    /^_*(?:raw_)?copy_from_user(?:_inatomic|_nofault)?$|^copy_from_kernel_nofault$|^copy_mc_to_kernel$/.test(
      name,
    )
  )
    return 'nonzero';
  if (/^_*copy_\w*from_iter/.test(name)) return 'zero';
  return undefined;
}

/**
 * Logging and tracing macros only read their arguments: a mapped address passed to one is
 * printed, not written (include/linux/printk.h, include/linux/dev_printk.h, include/asm-generic/bug.h).
 */
export const LOGS =
  /^(?:pr_\w+|printk\w*|no_printk|dev_(?:emerg|alert|crit|err|warn|notice|info|dbg|printk)\w*|netdev_\w+|trace_\w+|WARN\w*|BUG\w*|VM_BUG_ON\w*|VM_WARN\w*|print_hex_dump\w*)$/;

/**
 * Writeback of a mapping or folio write-protects its user mappings first and flushes them on the
 * way (folio_clear_dirty_for_io → folio_mkclean → page_vma_mkclean_one → flush_cache_page,
 * mm/page-writeback.c:3028 and mm/rmap.c:1047, 6.12): what user space stored before is in
 * memory when the kernel reads the page afterwards.
 */
export const CLEANS_USER_MAPPINGS =
  /^(?:filemap_fdatawrite(?:_range|_wbc)?|filemap_write_and_wait(?:_range)?|file_write_and_wait_range|write_inode_now|sync_inode_metadata|folio_clear_dirty_for_io|clear_page_dirty_for_io)$/;

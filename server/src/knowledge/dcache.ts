/**
 * What the dcache family knows about kernel APIs, derived from the table in apis.ts (sources
 * there), plus the name patterns no table can list. See Documentation/core-api/cachetlb.rst.
 */
import { indexBy, namesWith, withRole } from './table';

/** Calls returning a kernel address of a page: name → index of the page argument. */
export const MAP_BY_PAGE = indexBy(
  'map',
  (r) => r.page,
  (r) => r.via === 'kmap',
);

/** Mappings of the lowmem linear map (no kmap): written pages still need the flush. */
export const LINEAR_ADDRESS = namesWith('map', (r) => r.via === 'linear');

/** `bvec_kmap_local(bv)`, `bvec_virt(bv)`: the page is `bv->bv_page`. */
export const MAP_BY_BVEC = namesWith('map', (r) => r.via === 'bvec');

/** Unmapping calls; they end a mapping but do not make the write visible. */
export const UNMAP = namesWith('unmap');

/** Calls that make the page's kernel writes visible to other mappings: name → page argument. */
export const FLUSH = new Map([
  ...indexBy('flush', (r) => r.page),
  ...indexBy('flushes-internally', (r) => r.page),
]);

/**
 * Architecture and subsystem cache maintenance (`flush_cache_page`, `__cpuc_flush_dcache_area`,
 * `flush_uprobe_xol_access`, `copy_to_user_page`): treated as a flush of whatever page is pending.
 */
export const ARCH_FLUSH =
  /^_*(?:flush|clean|cpuc_flush|sync)_\w*cache|^flush_\w*_access$|^copy_to_user_page$|^flush_anon_page$/;

/** Helpers that flush the pages a walk wrote (include/crypto/scatterwalk.h). */
export const FLUSHES_WALKED_PAGES = namesWith('flushes-walked-pages');

/** Iterators over block-integrity (T10 PI) vectors: their pages are kmalloc'd protection buffers. */
export const PRIVATE_BVEC_ITERATOR = namesWith('private-bvec-iterator');

/** Deprecated or removed names, with what to write instead. */
export const DEPRECATED = new Map(withRole('deprecated').map(([n, r]) => [n, r.use]));

/** Deprecated names of the flush itself. */
export const DEPRECATED_FLUSH = new Map([...DEPRECATED].filter(([n]) => FLUSH.has(n)));

/**
 * Page-level writes that do NOT flush: name → index of the written page argument.
 * memcpy_page, memset_page and copy_page_from_iter_atomic kmap the page themselves, so their
 * writes are judged like kmap writes (KMAP_PAGE_WRITE); the others copy whole pages, mostly for
 * COW and migration where the architecture's copy_user_highpage handles the aliases.
 */
export const UNFLUSHED_PAGE_WRITE = indexBy('writes-page', (r) => r.page);

/** The UNFLUSHED_PAGE_WRITE helpers that are a kmap + write + kunmap in one call (highmem.h). */
export const KMAP_PAGE_WRITE = namesWith('writes-page', (r) => r.kmaps);

/** Calls that write the memory their pointer argument (index) points to. */
export const WRITES_ARGUMENT = new Map(withRole('writes').map(([n, r]) => [n, r.args]));

const WRITE_LENGTH = new Map(
  withRole('writes').flatMap(([n, r]) =>
    r.length === undefined ? [] : [[n, { index: r.length, unit: r.unit ?? 1 }] as const],
  ),
);

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
export const STORE_MACRO = indexBy('stores', (r) => r.arg);

/**
 * An unknown callee that gets a mapped address most likely writes it when its name says it
 * fills a buffer ("read", "decompress", "decrypt", "fill", "copy_from", "recv", "inflate").
 */
export const WRITER_NAME =
  /(?:^|_)(?:read|readpage|recv|receive|decompress|decrypt|inflate|unpack|fill|copy_from|copy_in|get_data|load|uncompress)(?:_|$)/;

/** Calls whose returned page is in the page cache or otherwise mappable by user space. */
export const VISIBLE_PAGE_SOURCE = namesWith('returns-visible-page');

/** Calls returning a page the function owns until it publishes it. */
export const PRIVATE_PAGE_SOURCE = namesWith('allocates-private-page');

/** Calls that hand a page to the page cache or to user space (its writes then matter). */
export const PUBLISH_PAGE = namesWith('publishes-page');

/** Marking a page up to date makes its contents readable through any mapping. */
export const MARK_UPTODATE = namesWith('marks-uptodate');

/** An error path that leaves the page unpublished needs no flush (fs/cramfs/inode.c err:). */
export const MARK_NOT_UPTODATE = namesWith('marks-not-uptodate');

/** Expressions that name the same page as their argument: `page_folio(p)` is p's folio. */
export const SAME_PAGE = indexBy('same-page', (r) => r.arg);

const miterStep = (step: string): string =>
  withRole('sg-miter').find(([, r]) => r.step === step)?.[0] ?? '';
/** sg_miter: `sg_miter_next` maps `miter->addr`; `sg_miter_stop` flushes if SG_MITER_TO_SG. */
export const SG_MITER_START = miterStep('start');
export const SG_MITER_NEXT = miterStep('next');
export const SG_MITER_STOP = miterStep('stop');

/** Calls that update a file's size: a buffer-head write before one is file data. */
export const FILE_SIZE_UPDATE = namesWith('updates-file-size');

/** Calls returning a pointer stored earlier in a container (xa_load, radix_tree_lookup...). */
export const CONTAINER_LOOKUP = namesWith('looks-up-stored');

/** Calls that read a page (or folio) argument through their own kernel mapping: name → index. */
export const READS_PAGE = indexBy('reads', (r) => r.page);

/** Calls that read the memory their pointer arguments point to: name → indexes. */
export const READS_MEMORY = new Map(withRole('reads-memory').map(([n, r]) => [n, r.args]));

/** Page-cache lookups: their result, or what they fill through a `&x` argument, is file data. */
export const PAGE_CACHE_LOOKUP = namesWith('page-cache-lookup');

/** Tests whether a file has shared writable user mappings (include/linux/fs.h). */
export const WRITABLY_MAPPED_TEST = namesWith('tests-writably-mapped');

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

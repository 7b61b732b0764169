/**
 * What the vmap family knows about kernel APIs, derived from the table in apis.ts, plus the
 * name patterns, fields and constants no table of functions can list. Sources:
 * Documentation/core-api/cachetlb.rst (last section: flush_kernel_vmap_range before I/O,
 * invalidate_kernel_vmap_range after read I/O); fs/xfs/xfs_bio_io.c xfs_rw_bdev;
 * block/blk-map.c bio_map_kern 403-405 and bio_invalidate_vmalloc_pages 356-367;
 * drivers/md/dm-io.c dp_init 504-505 and complete_io 124-126 (DM_IO_VMA) (Linux 6.1).
 */
import { indexBy, namesWith, withRole, wordTest } from './table';
import { derivedFromTable } from './versions';

/** Calls returning a vmap/vmalloc alias of some pages (or memory that may be one). */
export let VMAP_SOURCE: Set<string>;

/** The VMAP_SOURCE calls that alias existing pages (not a fresh allocation). */
export let PAGES_ALIAS_SOURCE: Set<string>;

/** Calls that end an alias; flush_cache_vunmap writes it back (mm/vmalloc.c). */
export let UNMAP_ALIAS: Set<string>;

/** Attaching pages to a bio (or a dm-io region): the request leaves the function to be submitted. */
export const BIO_ATTACH = /^(?:__)?bio_add_\w*page$|^vm_dp_init$/;

/** Calls that may return vmalloc memory: an alias only where `is_vmalloc_addr` says so. */
export let MAYBE_VMAP_SOURCE: Set<string>;

/** Tests of an address that are true for a vmap alias: `is_vmalloc_addr(p)`, `xfs_buf_is_vmapped(bp)`. */
export const VMAP_TEST =
  /^(?:is_vmalloc_addr|is_vmalloc_or_module_addr|\w+_is_vmapped|\w+_is_vmalloc)$/;

/**
 * Protections that map without caching: stores through such an alias go to memory and leave no
 * dirty line under its colour, so it needs no flush_kernel_vmap_range(). Every aliasing
 * architecture maps pgprot_noncached uncached (arch/arm/include/asm/pgtable.h:115,
 * arch/mips/include/asm/pgtable.h:448, arch/parisc/include/asm/pgtable.h:466, 6.1) and
 * pgprot_writecombine falls back to it where not its own (include/linux/pgtable.h:987, 6.1).
 */
export const UNCACHED_PROT =
  /^(?:pgprot_(?:noncached|writecombine|uncached|dmacoherent|device)|PAGE_KERNEL_NOCACHE)$/;

/** Calls whose argument (index 0) is an address inside a vmap alias whose page is wanted for I/O. */
export let ALIAS_PAGE: Set<string>;

/** Calls that attach an address range (not a page) to I/O: name → index of the address. */
export let ATTACH_ADDR: Map<string, number>;

/** The ATTACH_ADDR calls that flush the alias themselves for write I/O (bio_add_vmalloc, 6.16). */
export let ATTACH_ADDR_FLUSHES: Set<string>;

const only = (names: Set<string>): string => [...names][0] ?? '';
export let FLUSH_VMAP: string;
export let INVALIDATE_VMAP: string;

/** Calls that attach pages to an I/O object without starting the I/O: name → index of the page. */
export let ATTACH_PAGE: Map<string, number>;

/** Calls that start block I/O on a bio or request: name → synchronous (returns after completion). */
export let SUBMIT_BIO: Map<string, boolean>;

/** URB submission; the direction comes from the pipe (usb_sndbulkpipe / usb_rcvbulkpipe). */
export let SUBMIT_URB: Set<string>;

/** DMA calls that hand memory to the device: name → index of the direction argument. */
export let DMA_FOR_DEVICE: Map<string, number>;

/**
 * DMA calls that give memory back to the CPU after the device wrote it: name → direction index.
 * Unmapping ends DMA too, but mostly in teardown: only an explicit DMA_FROM_DEVICE counts.
 */
export let DMA_FOR_CPU: Map<string, number>;

/** Hash and cipher requests: the engine reads the scatterlist (drivers/md/dm-verity-target.c 118). */
export let CRYPTO_SUBMIT: Set<string>;

/** Kernel helpers that flush and invalidate for their caller (sources in apis.ts). */
export let HANDLES_VMAP: Set<string>;

/** dm_io() handles the vmap alias only when the request says DM_IO_VMA. */
export let DM_IO: string;
export let DM_IO_VMA: RegExp;

/** Fields and ops that install a completion callback: `bio->bi_end_io = f`, `urb->complete = f`. */
export const CALLBACK_FIELD = new Set(['bi_end_io', 'complete']);
/** Fields that carry the owner of the buffer to the callback. */
export const PRIVATE_FIELD = new Set(['bi_private', 'context']);
/** usb_fill_*_urb(urb, dev, pipe, buf, len, complete, context): indexes of buf, len, complete, context. */
export let USB_FILL: Map<string, [number, number, number, number]>;
/** Callback slots whose function runs after the device wrote the buffer and before the CPU reads it. */
export const CPU_ACCESS_OP = new Set(['begin_cpu_access', 'finish']);
/** Callback slots that run before the device reads the buffer. */
export const DEVICE_ACCESS_OP = new Set(['end_cpu_access', 'prepare']);

/** Calls in a completion callback that do not hand the buffer on (reference drops, logging, locks). */
export const NOT_A_USE =
  /(?:^|_)(?:put|free|kfree|unlock|lock|dec|inc|err|warn|info|dbg|debug|printk|print|ratelimited|trace|status|errno|error|ioerror|stat|stats|count|uninit)(?:_|$)|^trace_\w+$|^(?:offset_in_page|virt_to_\w+|\w+_to_page|page_address|min|max|min_t|max_t|bio_data_dir|bio_op|op_is_write|WARN\w*|BUG\w*|pr_\w+|dev_\w+|atomic_\w+|cmpxchg|spin_\w+|mutex_\w+|likely|unlikely|usb_free_urb|bio_put|kfree|blk_status_to_errno)$/;

/** Direction constants: the device reads memory (write I/O) or writes it (read I/O). */
export const WRITE_CONST =
  /^(?:REQ_OP_WRITE|REQ_OP_WRITE_ZEROES|REQ_OP_DRV_OUT|WRITE|DMA_TO_DEVICE|XBF_WRITE|ITER_SOURCE)$/;
export const READ_CONST = /^(?:REQ_OP_READ|REQ_OP_DRV_IN|READ|DMA_FROM_DEVICE|XBF_READ|ITER_DEST)$/;
/** Calls true for write I/O: `op_is_write(op)`, `bio_data_dir(bio) == WRITE` is handled as a comparison. */
export let WRITE_TEST: Set<string>;

/** Calls that set a bio's operation: name → index of the op argument. */
export let SETS_BIO_OP: Map<string, number>;

/** A text test for the URB calls: usb_fill_*_urb and usb_submit_urb. */
export let URB_CALL: RegExp;

/** Text tests for pipes toward the device (`usb_sndbulkpipe`) and from it (`usb_rcvbulkpipe`). */
export let URB_PIPE_OUT: RegExp;
export let URB_PIPE_IN: RegExp;

/** Calls true for a vmalloc address: `is_vmalloc_addr(p)`. */
export let VMAP_ADDRESS_TEST: Set<string>;

derivedFromTable(() => {
  VMAP_SOURCE = namesWith('vmap-source');
  PAGES_ALIAS_SOURCE = namesWith('vmap-source', (r) => r.aliasesPages);
  UNMAP_ALIAS = namesWith('unmaps-alias');
  MAYBE_VMAP_SOURCE = namesWith('maybe-vmap-source');
  ALIAS_PAGE = namesWith('alias-page');
  ATTACH_ADDR = indexBy('attaches-address', (r) => r.arg);
  ATTACH_ADDR_FLUSHES = namesWith('attaches-address', (r) => r.flushes === true);
  FLUSH_VMAP = only(namesWith('flushes-vmap'));
  INVALIDATE_VMAP = only(namesWith('invalidates-vmap'));
  ATTACH_PAGE = indexBy('attaches-page', (r) => r.page);
  SUBMIT_BIO = new Map(
    withRole('submits-io').flatMap(([n, r]) => (r.via === 'bio' ? [[n, r.sync] as const] : [])),
  );
  SUBMIT_URB = namesWith('submits-io', (r) => r.via === 'urb');
  DMA_FOR_DEVICE = indexBy(
    'dma',
    (r) => r.direction,
    (r) => r.toward === 'device',
  );
  DMA_FOR_CPU = indexBy(
    'dma',
    (r) => r.direction,
    (r) => r.toward === 'cpu',
  );
  CRYPTO_SUBMIT = namesWith('submits-io', (r) => r.via === 'crypto');
  HANDLES_VMAP = namesWith('handles-vmap');
  const dmIo = withRole('handles-vmap-if')[0];
  DM_IO = dmIo?.[0] ?? '';
  DM_IO_VMA = new RegExp(`\\b${dmIo?.[1].flag ?? '$^'}\\b`);
  USB_FILL = new Map(
    withRole('fills-urb').map(([n, r]) => [
      n,
      [r.buffer, r.length, r.complete, r.context] as [number, number, number, number],
    ]),
  );
  WRITE_TEST = namesWith('tests-write');
  SETS_BIO_OP = indexBy('sets-bio-op', (r) => r.arg);
  VMAP_ADDRESS_TEST = namesWith('tests-vmap-address');
  URB_CALL = wordTest([...USB_FILL.keys(), ...SUBMIT_URB]);
  URB_PIPE_OUT = wordTest(namesWith('urb-pipe', (r) => r.write));
  URB_PIPE_IN = wordTest(namesWith('urb-pipe', (r) => !r.write));
});

/**
 * What FlushGuard knows about vmap aliases and I/O (Linux 6.1), as data. Sources:
 * Documentation/core-api/cachetlb.rst (last section: flush_kernel_vmap_range before I/O,
 * invalidate_kernel_vmap_range after read I/O); fs/xfs/xfs_bio_io.c xfs_rw_bdev;
 * block/blk-map.c bio_map_kern 403-405 and bio_invalidate_vmalloc_pages 356-367;
 * drivers/md/dm-io.c dp_init 504-505 and complete_io 124-126 (DM_IO_VMA).
 */

/** Calls returning a vmap/vmalloc alias of some pages (or memory that may be one). */
export const VMAP_SOURCE = new Set([
  'vmap',
  'vm_map_ram',
  'vmalloc',
  'vzalloc',
  '__vmalloc',
  'vmalloc_user',
  'vmalloc_32',
  'vmalloc_32_user',
  'vmalloc_node',
  'vzalloc_node',
  '__vmalloc_node',
  'vmalloc_array',
  'vcalloc',
  'dma_vmap_noncontiguous',
  'vmap_pfn',
  'f2fs_vmap',
]);

/** The VMAP_SOURCE calls that alias existing pages (not a fresh allocation). */
export const PAGES_ALIAS_SOURCE = new Set([
  'vmap',
  'vm_map_ram',
  'dma_vmap_noncontiguous',
  'vmap_pfn',
  'f2fs_vmap',
]);

/** Calls that end an alias; flush_cache_vunmap writes it back (mm/vmalloc.c). */
export const UNMAP_ALIAS = new Set([
  'vunmap',
  'vm_unmap_ram',
  'vfree',
  'kvfree',
  'dma_vunmap_noncontiguous',
]);

/** Attaching pages to a bio (or a dm-io region): the request leaves the function to be submitted. */
export const BIO_ATTACH = /^(?:__)?bio_add_\w*page$|^vm_dp_init$/;

/** Calls that may return vmalloc memory: an alias only where `is_vmalloc_addr` says so. */
export const MAYBE_VMAP_SOURCE = new Set([
  'kvmalloc',
  'kvzalloc',
  'kvcalloc',
  'kvmalloc_array',
  'kvrealloc',
  'kvmalloc_node',
  'kvzalloc_node',
]);

/** Tests of an address that are true for a vmap alias: `is_vmalloc_addr(p)`, `xfs_buf_is_vmapped(bp)`. */
export const VMAP_TEST =
  /^(?:is_vmalloc_addr|is_vmalloc_or_module_addr|\w+_is_vmapped|\w+_is_vmalloc)$/;

/** Calls whose argument (index 0) is an address inside a vmap alias whose page is wanted for I/O. */
export const ALIAS_PAGE = new Set(['vmalloc_to_page', 'vmalloc_to_pfn', 'kmem_to_page']);

/** Calls that attach an address range (not a page) to I/O: name → index of the address. */
export const ATTACH_ADDR = new Map<string, number>([
  ['vm_dp_init', 1],
  ['bio_map_kern', 1],
]);

export const FLUSH_VMAP = 'flush_kernel_vmap_range';
export const INVALIDATE_VMAP = 'invalidate_kernel_vmap_range';

/** Calls that attach pages to an I/O object without starting the I/O: name → index of the page. */
export const ATTACH_PAGE = new Map<string, number>([
  ['bio_add_page', 1],
  ['__bio_add_page', 1],
  ['bio_add_pc_page', 2],
  ['bio_add_hw_page', 2],
  ['sg_set_page', 1],
  ['sg_set_buf', 1],
  ['sg_init_one', 1],
]);

/** Calls that start block I/O on a bio or request: name → synchronous (returns after completion). */
export const SUBMIT_BIO = new Map<string, boolean>([
  ['submit_bio', false],
  ['submit_bio_noacct', false],
  ['submit_bh', false],
  ['submit_bio_wait', true],
  ['blk_execute_rq', true],
  ['blk_execute_rq_nowait', false],
]);

/** URB submission; the direction comes from the pipe (usb_sndbulkpipe / usb_rcvbulkpipe). */
export const SUBMIT_URB = new Set(['usb_submit_urb']);

/** DMA calls that hand memory to the device: name → index of the direction argument. */
export const DMA_FOR_DEVICE = new Map<string, number>([
  ['dma_sync_single_for_device', 3],
  ['dma_sync_sg_for_device', 3],
  ['dma_sync_sgtable_for_device', 2],
  ['dma_map_single', 3],
  ['dma_map_sg', 3],
  ['dma_map_sgtable', 2],
  ['dma_map_page', 4],
  ['dma_sync_single_range_for_device', 4],
]);

/** DMA calls that give memory back to the CPU after the device wrote it: name → direction index. */
export const DMA_FOR_CPU = new Map<string, number>([
  ['dma_sync_single_for_cpu', 3],
  ['dma_sync_sg_for_cpu', 3],
  ['dma_sync_sgtable_for_cpu', 2],
  // Unmapping ends DMA too, but mostly in teardown: only an explicit DMA_FROM_DEVICE counts.
  ['dma_unmap_single', 3],
  ['dma_unmap_sg', 3],
  ['dma_unmap_sgtable', 2],
  ['dma_unmap_page', 3],
  ['dma_sync_single_range_for_cpu', 4],
]);

/** Hash and cipher requests: the engine reads the scatterlist (drivers/md/dm-verity-target.c 118). */
export const CRYPTO_SUBMIT = new Set([
  'crypto_ahash_update',
  'crypto_ahash_digest',
  'crypto_ahash_finup',
]);

/**
 * Kernel helpers that flush and invalidate for their caller: a vmap'd buffer passed to them
 * needs nothing more. xfs_rw_bdev (fs/xfs/xfs_bio_io.c 26-27, 56-57); bio_map_kern and
 * blk_rq_map_kern (block/blk-map.c 403-405, end_io 356-367); dm_io with DM_IO_VMA
 * (drivers/md/dm-io.c 504-505, 124-126); the SCSI and NVMe helpers that map through blk_rq_map_kern.
 */
export const HANDLES_VMAP = new Set([
  'xfs_rw_bdev',
  'bio_map_kern',
  'blk_rq_map_kern',
  'bio_copy_kern',
  'scsi_execute',
  'scsi_execute_req',
  'scsi_execute_cmd',
  '__scsi_execute',
  'nvme_submit_sync_cmd',
  '__nvme_submit_sync_cmd',
  'dma_buf_begin_cpu_access',
  'dma_buf_end_cpu_access',
]);

/** dm_io() handles the vmap alias only when the request says DM_IO_VMA. */
export const DM_IO = 'dm_io';
export const DM_IO_VMA = /\bDM_IO_VMA\b/;

/** Fields and ops that install a completion callback: `bio->bi_end_io = f`, `urb->complete = f`. */
export const CALLBACK_FIELD = new Set(['bi_end_io', 'complete']);
/** Fields that carry the owner of the buffer to the callback. */
export const PRIVATE_FIELD = new Set(['bi_private', 'context']);
/** usb_fill_*_urb(urb, dev, pipe, buf, len, complete, context): indexes of buf, len, complete, context. */
export const USB_FILL = new Map<string, [number, number, number, number]>([
  ['usb_fill_bulk_urb', [3, 4, 5, 6]],
  ['usb_fill_int_urb', [3, 4, 5, 6]],
  ['usb_fill_control_urb', [4, 5, 6, 7]],
]);
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
export const WRITE_TEST = new Set(['op_is_write']);

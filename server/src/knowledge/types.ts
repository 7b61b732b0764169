/**
 * The shape of the kernel-API table (apis.ts): what one kernel function or macro does, as far as
 * D-cache aliasing is concerned. Every word list, argument table and hover text the engine uses
 * is derived from the table (dcache.ts, vmap.ts, hover.ts), so a new API is one entry.
 */

/** How a mapping call reaches the page: kmap-like, the lowmem linear map, or a bio_vec. */
export type MapVia = 'kmap' | 'linear' | 'bvec';

export type Role =
  /** Returns a kernel address of the page (or folio) in argument `page` (-1: a pfn, no page). */
  | { role: 'map'; via: MapVia; page: number }
  /** Ends a kmap-like mapping; never flushes. */
  | { role: 'unmap' }
  /**
   * Writes the memory its pointer arguments `args` point to; `length` is the index of the byte
   * count (times `unit` bytes, for memset16-like calls).
   */
  | { role: 'writes'; args: number[]; length?: number; unit?: number }
  /** Writes a whole page (or a range of it) without flushing; `kmaps`: it kmaps the page itself. */
  | { role: 'writes-page'; page: number; kmaps: boolean }
  /**
   * Reads the page (or folio) in argument `page` through a kernel mapping of its own; on an
   * aliasing D-cache it sees stale bytes if user space wrote the page through a shared mapping
   * and nothing flushed (cachetlb.rst, flush_dcache_page case (b)).
   */
  | { role: 'reads'; page: number }
  /**
   * Calls the filesystem's `get_block` in argument `callback` on the buffer heads of the page (or
   * folio) in argument `page`, the buffer head as the callback's argument `head`: what the
   * callback writes through `bh->b_page` it writes into that page.
   */
  | { role: 'calls-get-block'; page: number; callback: number; head: number }
  /** Reads the memory its pointer arguments `args` point to (`memcpy` reads argument 1). */
  | { role: 'reads-memory'; args: number[] }
  /**
   * Loads argument `arg` (an lvalue, or a pointer) once, as memory another party may store to
   * at any time: another CPU, or user space through a shared mapping (`READ_ONCE(hdr->status)`).
   */
  | { role: 'loads-shared'; arg: number }
  /**
   * A page-cache lookup: its result, or the page/folio/batch it fills through a `&x` argument,
   * holds pages of a file that user space may map shared and writable.
   */
  | { role: 'page-cache-lookup' }
  /** True when some user mapping of the file is shared and writable (`mapping_writably_mapped`). */
  | { role: 'tests-writably-mapped' }
  /** Stores to its lvalue or address argument (`WRITE_ONCE(p->f, v)`, `set_bit(nr, addr)`). */
  | { role: 'stores'; arg: number }
  /** Makes the kernel's writes to the page in argument `page` visible to other mappings. */
  | { role: 'flush'; page: number }
  /** Writes the page in argument `page` and flushes it before returning. */
  | { role: 'flushes-internally'; page: number }
  /** Flushes the pages a scatterlist walk wrote. */
  | { role: 'flushes-walked-pages' }
  /**
   * Its callers write a page through a kernel alias and rely on it to flush that page (a
   * write_end, a publication helper, a walk's completion): the page in argument `page` (-1: the
   * page the walk or iterator in its first argument holds). Checked at its definition: `every`,
   * on every path that does not return an error; otherwise on some path (a flush under the
   * walk's direction).
   */
  | { role: 'flushes-for-callers'; page: number; every: boolean }
  /** Architecture cache maintenance of a user mapping (cachetlb.rst). */
  | { role: 'arch-flush' }
  /**
   * Says the kernel is about to access the page in argument `page`, taken from a user mapping,
   * and does the maintenance for an anonymous page only: a page-cache page still needs
   * flush_dcache_page() before the kernel reads it.
   */
  | { role: 'announces-user-page-access'; page: number }
  /** An iterator macro over private (kmalloc'd) bio_vec pages. */
  | { role: 'private-bvec-iterator' }
  /** Walks every segment of the request or bio in argument `holder`, one bio_vec at a time. */
  | { role: 'segment-walk'; holder: number }
  /** Returns a page that user space may map (page cache, pinned user pages). */
  | { role: 'returns-visible-page' }
  /** Returns a page the caller owns until it publishes it. */
  | { role: 'allocates-private-page' }
  /** Hands the page in argument `page` (-1: inside a PTE or a pfn) to the page cache or user space. */
  | { role: 'publishes-page'; page?: number }
  /** Fills its pages argument with user pages it pins (get_user_pages, pin_user_pages). */
  | { role: 'pins-user-pages' }
  | { role: 'marks-uptodate' }
  | { role: 'marks-not-uptodate' }
  /** Its value names the same page as argument `arg` (`page_folio(p)`). */
  | { role: 'same-page'; arg: number }
  /** Makes the bio_vec in argument `bvec` hold the page (or folio) in argument `page`. */
  | { role: 'sets-bvec-page'; bvec: number; page: number }
  /**
   * Makes the iterator in argument `iter` walk the bio_vecs in argument `bvec`, in the direction
   * of argument `direction` (ITER_DEST/READ: whoever consumes it fills the pages).
   */
  | { role: 'bvec-iterator'; iter: number; direction: number; bvec: number }
  /**
   * Consumes the ITER_DEST iterator in argument `iter` by direct I/O: the device fills the pages
   * (or the block driver that copies by CPU, which owns the flush), not a kernel mapping here.
   */
  | { role: 'fills-iterator-by-device'; iter: number }
  /** The sg_miter walk: `next` maps `miter->addr`, `stop` flushes when writing to the list. */
  | { role: 'sg-miter'; step: 'start' | 'next' | 'stop' }
  /** Returns a vmap/vmalloc alias; `aliasesPages`: of existing pages rather than fresh memory. */
  | { role: 'vmap-source'; aliasesPages: boolean }
  /** May return vmalloc memory (kvmalloc): an alias only where is_vmalloc_addr says so. */
  | { role: 'maybe-vmap-source' }
  | { role: 'unmaps-alias' }
  /** Its argument `arg` is an address inside a vmap alias whose page is wanted. */
  | { role: 'alias-page'; arg: number }
  /**
   * Attaches the address range in argument `arg` to I/O; `flushes`: it flushes a vmap alias
   * itself for write I/O (the caller still invalidates after read I/O).
   */
  | { role: 'attaches-address'; arg: number; flushes?: boolean }
  | { role: 'attaches-page'; page: number }
  | { role: 'flushes-vmap' }
  | { role: 'invalidates-vmap' }
  /** Starts I/O; `sync`: returns after completion. The direction comes from the request. */
  | { role: 'submits-io'; via: 'bio' | 'urb' | 'crypto'; sync: boolean }
  /** Maps or syncs memory for DMA, toward the device or back to the CPU; `direction` argument. */
  | { role: 'dma'; toward: 'device' | 'cpu'; direction: number }
  /** Flushes and invalidates a vmap'd buffer for its caller. */
  | { role: 'handles-vmap' }
  /** As handles-vmap, when the request carries `flag`. */
  | { role: 'handles-vmap-if'; flag: string }
  /** usb_fill_*_urb: argument indexes of the buffer, its length, the callback and its context. */
  | { role: 'fills-urb'; buffer: number; length: number; complete: number; context: number }
  /** True for write I/O (`op_is_write(op)`). */
  | { role: 'tests-write' }
  /** Updates the file size: a page written before it holds file data (buffer-head writes). */
  | { role: 'updates-file-size' }
  /** Returns a pointer stored earlier in a container (xarray, radix tree, idr). */
  | { role: 'looks-up-stored' }
  /** Sets a bio's operation (and so its direction) from argument `arg`. */
  | { role: 'sets-bio-op'; arg: number }
  /** True when its address argument is a vmalloc (vmap) address. */
  | { role: 'tests-vmap-address' }
  /**
   * Returns the direction or operation of a request (`bio_data_dir(bio) == WRITE`,
   * `bio_op(bio) == REQ_OP_READ`): a branch on it is a branch on the I/O direction.
   */
  | { role: 'io-direction' }
  /** Builds a USB pipe whose direction is in its name: `usb_sndbulkpipe` sends (write I/O). */
  | { role: 'urb-pipe'; write: boolean }
  /** Tests a page or folio flag: uptodate (its bytes are valid) or slab (kmalloc memory). */
  | { role: 'tests-page-flag'; flag: 'uptodate' | 'slab' }
  /** The number of base pages of a page or folio (the bound of a loop over its subpages). */
  | { role: 'page-count' }
  /**
   * Hands the rest of the work to another context (a waiter, a work item, a tasklet): a
   * completion handler that calls it has passed the buffer on.
   */
  | { role: 'hands-off' }
  /** True in atomic context, where a sleeping mapping such as kmap() must not be used. */
  | { role: 'tests-atomic-context' }
  /** Returns the entry after argument `arg` in the same list (`sg_next`): a cursor stays in its list. */
  | { role: 'next-entry'; arg: number }
  /** Deprecated or removed: what to call instead. */
  | { role: 'deprecated'; use: string };

export type RoleName = Role['role'];

/**
 * A role can hold for only some versions (the entry's since/until bound the name itself):
 * `since` is the first release with the behaviour, `until` the first without it.
 */
export type VersionedRole = Role & { since?: string; until?: string };

export interface KernelApi {
  name: string;
  roles: VersionedRole[];
  /** The first release that has the name, when an older one the table covers lacks it. */
  since?: string;
  /** The first release that no longer has it. */
  until?: string;
  /** One line for the editor's hover. */
  hover?: string;
  /** Which kernel document the hover links to. */
  doc?: 'cachetlb' | 'highmem';
  /**
   * Where it is defined: `file:line (version)` in a tree checked here, or for a release no
   * local tree has, the public commit that added or removed it (`commit <sha> (6.16)`).
   */
  source: string;
}

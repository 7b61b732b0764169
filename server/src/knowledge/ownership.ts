/**
 * Memory a subsystem owns outright: pages it allocates, names by frame or hands between its own
 * structures, and that no page-cache lookup or user mapping reaches. A kernel write to such a page
 * has no user alias to make coherent, so flush_dcache_page() has nothing to serve
 * (Documentation/core-api/cachetlb.rst, "flush_dcache_page": pages of the page cache and pages
 * user space maps). Each contract cites the kernel source it rests on.
 */

export interface OwnedMemory {
  /** Tree-relative source files the contract covers. */
  files?: readonly string[];
  /** Or: every tree-relative path this pattern matches (a kind of directory, not one driver). */
  paths?: RegExp;
  /**
   * Or: the files that define an instance of this operations structure (a filesystem's backend
   * for a VFS service), wherever they are.
   */
  implements?: string;
  /** What the files touch, and why no user mapping of it exists (shown in `--verbose`). */
  why: string;
  /** Where the kernel says so: file:line (version). */
  source: string;
}

/**
 * Subsystems whose files touch only memory of their own. The pages are often reached from a
 * frame number or a physical address (`pfn_to_page(dst_pfn)`, a handle's pfn bits), which by
 * itself proves nothing (vhost's IOTLB and amdgpu's iomem writes reach user pages that way): it
 * is the subsystem's contract that decides.
 */
export const OWNED_BY_SUBSYSTEM: readonly OwnedMemory[] = [
  {
    files: ['kernel/power/snapshot.c'],
    why: 'the hibernation image and its bitmaps are pages the snapshot code allocates (get_image_page), written while every user task is frozen (hibernate() and software_resume() call freeze_processes() first)',
    source:
      'kernel/power/snapshot.c:189, kernel/power/hibernate.c:752 and :1018 (6.1); kernel/power/snapshot.c:191, kernel/power/hibernate.c:783 and :1034 (6.12)',
  },
  {
    files: ['kernel/kexec_core.c', 'arch/x86/kernel/crash.c'],
    why: "kexec segments are loaded into the image's own pages (kimage_alloc_pages) or the reserved crash-kernel region, read only by the next kernel after machine_kexec(); on CPU or memory hotplug x86 rewrites the crash image's elfcorehdr segment in that reserved region",
    source:
      'kernel/kexec_core.c:300, :776 and :844 (6.1); kernel/kexec_core.c:267, :709 and :780, arch/x86/kernel/crash.c:499 (6.12)',
  },
  {
    files: ['mm/zsmalloc.c'],
    why: "zsmalloc's zspages are pages the pool allocates itself (alloc_zspage), reached through object handles and read back through kernel mappings only; they are never in the page cache or mapped to user space",
    source: 'mm/zsmalloc.c:1040 and :1060 (6.1); mm/zsmalloc.c:973 and :993 (6.12)',
  },
  {
    files: ['fs/jfs/jfs_metapage.c'],
    why: "JFS metapages live in the mapping of the filesystem's direct inode (new_inode() at mount, never given a directory entry) or of the inode they index: a directory or one of the special allocation-map inodes; regular file data never goes through a metapage",
    source:
      'fs/jfs/super.c:545 and :555, fs/jfs/jfs_metapage.c:600 (6.1); fs/jfs/super.c:545 and :555, fs/jfs/jfs_metapage.c:601 (6.12)',
  },
  {
    files: ['fs/btrfs/free-space-cache.c'],
    why: 'the v1 free-space cache is kept in the page cache of free-space inodes that btrfs creates in the root tree (btrfs_insert_empty_inode, found through a BTRFS_FREE_SPACE_OBJECTID item) and never links into a directory, so user space cannot open or mmap them',
    source:
      'fs/btrfs/free-space-cache.c:74, :88 and :174 (6.1); fs/btrfs/free-space-cache.c:81, :94 and :180 (6.12)',
  },
  {
    files: ['fs/nilfs2/page.c'],
    why: "nilfs's buffer and page copy helpers serve its metadata caches only: the b-tree node cache (btnode.c) and the shadow maps of the metadata files (mdt.c), internal mappings user space cannot mmap",
    source:
      'fs/nilfs2/btnode.c:277, fs/nilfs2/mdt.c:544, :575 and :638 (6.1); fs/nilfs2/btnode.c:311, fs/nilfs2/mdt.c:543, :576 and :641 (6.12)',
  },
  {
    files: ['fs/reiserfs/xattr.c'],
    why: 'reiserfs keeps extended attributes in files under its hidden .reiserfs_priv root, marked S_PRIVATE and hidden from lookup (xattr_lookup_poison_ops), so user space cannot open or mmap them',
    source: 'fs/reiserfs/xattr.c:891 and :962 (6.1); fs/reiserfs/xattr.c:955 and :966 (6.12)',
  },
  {
    files: ['fs/xfs/scrub/xfile.c'],
    why: 'an xfile is scrub scratch memory in a kernel-internal shmem file (shmem_kernel_file_setup: S_PRIVATE, no file descriptor), never exported to user space',
    source: 'fs/xfs/scrub/xfile.c:64, mm/shmem.c:5385 (6.12)',
  },
  {
    files: ['crypto/async_tx/async_raid6_recov.c'],
    why: "RAID-6 recovery computes lost blocks into the stripe cache's own pages (raid5 grow_buffers alloc_page) or its per-CPU spare page; the array's only copy to or from bio pages is async_memcpy, in another file",
    source:
      'drivers/md/raid5.c:542, :1839 and :2285 (6.1); drivers/md/raid5.c:548, :1826 and :2272 (6.12)',
  },
  {
    paths: /^(?!tools\/).*\/selftests\//,
    why: 'in-kernel self-tests (built only with a developer option such as DRM_I915_SELFTEST, "Recommended for driver developers only") exercise objects the test creates inside the kernel, with no handle held by a user process',
    source:
      'drivers/gpu/drm/i915/Kconfig.debug:169 (6.1), :191 (6.12); drivers/gpu/drm/i915/gem/i915_gem_mman.c:1138 (6.1), :1156 (6.12)',
  },
  {
    paths: /^drivers\/vfio\/pci\/[^/]+\//,
    why: 'VFIO PCI variant drivers add live migration and dirty tracking to vfio-pci-core: the pages they write are their own migration and tracker buffers, which user space reaches only by read() and write() on the migration data_fd (an anonymous-inode file without .mmap) or the device reaches by DMA; the regions user space maps are device BARs (pfn maps, vfio_pci_core_mmap), not pages',
    source:
      'include/uapi/linux/vfio.h:865 and :940, drivers/vfio/pci/mlx5/main.c:222 and :341, drivers/vfio/pci/vfio_pci_core.c:1701 (6.1); include/uapi/linux/vfio.h:1049 and :1157, drivers/vfio/pci/mlx5/main.c:583 and :998, drivers/vfio/pci/vfio_pci_core.c:1712 (6.12)',
  },
  {
    files: ['drivers/gpu/drm/i915/gt/shmem_utils.c'],
    why: "i915's shmem helpers serve the driver's own shmem files: engine default context images (copied from a kernel context's state object) and context parameters, created by shmem_file_setup without a file descriptor and never handed to user space",
    source:
      'drivers/gpu/drm/i915/gt/shmem_utils.c:20, drivers/gpu/drm/i915/gt/intel_gt.c:548 (6.1); drivers/gpu/drm/i915/gt/shmem_utils.c:22, drivers/gpu/drm/i915/gt/intel_gt.c:611 (6.12)',
  },
  {
    files: ['mm/swapfile.c'],
    why: "the pages swapfile.c writes through a kernel mapping are swap-count continuation pages: alloc_page'd by add_swap_count_continuation and linked behind the page of the vmalloc'd swap_map, read back only by the swap code",
    source: 'mm/swapfile.c:3090, :3470 and :3544 (6.1); mm/swapfile.c:3479, :3832 and :3901 (6.12)',
  },
  {
    files: ['drivers/gpu/drm/vmwgfx/vmwgfx_mob.c'],
    why: 'memory-object page tables and object tables that the driver builds in buffer objects it creates itself (vmw_bo_create_and_populate) for the virtual device to read; no user handle names them',
    source:
      'drivers/gpu/drm/vmwgfx/vmwgfx_mob.c:254 and :416 (6.1); drivers/gpu/drm/vmwgfx/vmwgfx_mob.c:255 and :419 (6.12)',
  },
  {
    files: ['fs/btrfs/lzo.c', 'fs/btrfs/zlib.c', 'fs/btrfs/zstd.c'],
    why: "btrfs's compressors write their own output pages (alloc_page, btrfs_alloc_compr_folio) and read file pages of a range under writeback, whose dirty bits compress_file_range cleared for I/O first (page_mkclean writes back and write-protects every user mapping); the page a decompressor fills in place is flushed by btrfs_decompress's callers",
    source:
      'fs/btrfs/lzo.c:153, fs/btrfs/zlib.c:124, fs/btrfs/inode.c:735 and :7250, fs/btrfs/reflink.c:119 (6.1); fs/btrfs/lzo.c:155, fs/btrfs/zlib.c:133, fs/btrfs/inode.c:963, fs/btrfs/reflink.c:124 (6.12)',
  },
  {
    files: ['fs/btrfs/compression.c'],
    why: "btrfs's compression core copies decompressed data into file pages with memcpy_to_page (which flushes), hands the page of an inline extent to a decompressor whose callers flush it, and reads file pages without a flush only to sample them for the compressibility heuristic, where stale bytes change a guess and never the data written",
    source:
      'fs/btrfs/compression.c:1329 and :1584, fs/btrfs/inode.c:7250 (6.1); fs/btrfs/compression.c:1196 and :1451, fs/btrfs/reflink.c:124 (6.12)',
  },
  {
    files: ['fs/btrfs/send.c'],
    why: 'btrfs send reads only inodes of read-only subvolumes (the send root, its parent and every clone source must be read-only), which no one can open for writing, so no shared writable user mapping of their pages exists',
    source:
      'fs/btrfs/send.c:7948, :8084 and :8118 (6.1); fs/btrfs/send.c:8202, :8347 and :8381 (6.12)',
  },
  {
    files: ['fs/hugetlbfs/inode.c'],
    why: "a hugetlbfs page is mapped for user space only at a huge-page-aligned address (hugetlbfs_file_mmap, hugetlb_get_unmapped_area), and the kernel's linear address of a huge page is aligned alike, so every byte's user and kernel aliases share a cache colour: there is nothing to make coherent",
    source:
      'fs/hugetlbfs/inode.c:155, :208 and :267 (6.1); fs/hugetlbfs/inode.c:127, :179 and :236 (6.12)',
  },
  {
    files: ['fs/smb/client/smbdirect.c'],
    why: "SMB Direct is a transport: it receives into the pages of the read its caller set up (cifs_readv_from_socket), which are cifs's own pages for an uncached read (cifs_read_allocate_pages) or page-cache pages that the read's completion flushes before they are marked up to date (cifs_readv_complete; netfs_unlock_read_folio in 6.12)",
    source:
      'fs/smb/client/connect.c:756, fs/smb/client/file.c:3862 and :4675 (6.1); fs/smb/client/connect.c:755, fs/netfs/read_collect.c:42 (6.12)',
  },
  {
    files: ['fs/ext2/dir.c', 'fs/minix/dir.c', 'fs/sysv/dir.c', 'fs/ufs/dir.c', 'fs/nilfs2/dir.c'],
    why: "the page-cache directory code of these filesystems reads and writes only pages of directory inodes: the directory's own mapping (its page getter) and a new directory's first page (make_empty); a directory has no mmap file operation",
    source:
      'fs/ext2/dir.c:203 and :629, fs/ufs/dir.c:192 and :543, fs/minix/dir.c:70, fs/sysv/dir.c:58, fs/nilfs2/dir.c:193 (6.1); fs/ext2/dir.c:193 and :617, fs/ufs/dir.c:189 and :533 (6.12)',
  },
  {
    files: ['drivers/target/tcm_fc/tfc_io.c'],
    why: "tcm_fc submits its commands without scatterlists of its own (target_submit_prep with no SGL), so the data pages it copies frames into and out of are the target core's own allocation (target_alloc_sgl), consumed by the backend",
    source:
      'drivers/target/tcm_fc/tfc_cmd.c:557, drivers/target/target_core_transport.c:2826 (6.1); drivers/target/tcm_fc/tfc_cmd.c:552, drivers/target/target_core_transport.c:2828 (6.12)',
  },
  {
    files: ['crypto/af_alg.c'],
    why: "AF_ALG copies a sender's data only into pages it allocates for the socket's transmit list (alloc_page) and merges later data only into the last of those: spliced or sent pages clear ctx->merge; the cipher reads the list through the kernel's own mapping",
    source: 'crypto/af_alg.c:624, :892 and :920 (6.1); crypto/af_alg.c:1003 and :1030 (6.12)',
  },
  {
    files: ['net/rds/message.c'],
    why: "RDS copies user data into pages it allocates for the message (rds_page_remainder_alloc); a zerocopy send pins the user's pages into the message but never writes them",
    source: 'net/rds/message.c:376 and :453 (6.1); net/rds/message.c:402 and :477 (6.12)',
  },
  {
    implements: 'fsverity_operations',
    why: "a filesystem's fs-verity backend reads and writes the Merkle tree and descriptor, kept past i_size (ext4, f2fs) or in their own items (btrfs) of a read-only file: pages fully beyond i_size are not visible to user space, and a verity file cannot be opened for writing",
    source:
      'Documentation/filesystems/fsverity.rst:510 and :537 (6.1), :602 and :627 (6.12); struct fsverity_operations, include/linux/fsverity.h:29 (6.1), :30 (6.12)',
  },
];

/**
 * The contract covering tree-relative `file`, if one does; `defines(T)` tells whether the file
 * defines an instance of `struct T`.
 */
export function ownedBySubsystem(
  file: string | undefined,
  defines: (type: string) => boolean,
): OwnedMemory | undefined {
  return OWNED_BY_SUBSYSTEM.find((c) =>
    c.implements
      ? defines(c.implements)
      : file !== undefined && ((c.files ?? []).includes(file) || (c.paths?.test(file) ?? false)),
  );
}

/**
 * Pages of socket-buffer fragments belong to the network stack. A fragment user space or the
 * page cache can reach is marked: vmsplice and sendfile mark its skb SKBFL_SHARED_FRAG
 * (include/linux/skbuff.h:515 (6.1), :509 (6.12)), MSG_ZEROCOPY makes it a zerocopy skb, and the
 * stack copies such fragments (skb_copy_ubufs, skb_cow_data) before it writes them; receive fragments reach user space only through TCP zerocopy receive, which
 * inserts them read-only after the device filled them (net/ipv4/tcp.c:2145 (6.1), :2010 (6.12)).
 * So the page a kernel write into a fragment finds has no user alias.
 */
export const STACK_FRAGMENT = {
  /** `skb_frag_page(frag)` (include/linux/skbuff.h:3455 (6.1), :3645 (6.12)). */
  page: 'skb_frag_page',
  /**
   * `skb_frag_foreach_page(f, f_off, f_len, p, p_off, p_len, copied)` walks a fragment's pages
   * in `p`, argument 3 (include/linux/skbuff.h:440 (6.1), :436 (6.12)).
   */
  iterator: 'skb_frag_foreach_page',
  iteratorPage: 3,
  why: 'a page of a socket-buffer fragment: the network stack writes only fragments it owns (SKBFL_SHARED_FRAG ones are copied first, include/linux/skbuff.h:515 (6.1))',
} as const;

/**
 * Inode-type tests (include/uapi/linux/stat.h:21 and :23, 6.1 and 6.12): the page cache of a
 * symlink or a directory is read and written by the filesystem alone. Neither has an `mmap` file
 * operation (a directory's file_operations read it through ->iterate_shared, a symlink is never
 * opened for I/O: O_PATH or ELOOP), so no user mapping of such a page exists.
 */
export const UNMAPPABLE_INODE_TEST = /^S_IS(?:LNK|DIR)$/;

/**
 * `scsi_for_each_prot_sg(cmd, sg, nseg, i)` walks a SCSI command's protection-information
 * scatterlist (include/scsi/scsi_cmnd.h:325 (6.1), :331 (6.12)), mapped from the request's
 * integrity payload: the buffer bio_integrity_prep() kmallocs (block/bio-integrity.c:237 (6.1),
 * :444 (6.12)). User integrity buffers reach only NVMe passthrough (blk_rq_integrity_map_user,
 * drivers/nvme/host/ioctl.c:199 (6.12)), never a SCSI command.
 */
export const PROTECTION_SG = {
  iterator: 'scsi_for_each_prot_sg',
  cursor: 1,
  why: "a page of the SCSI command's protection-information scatterlist, the block layer's own integrity buffer (bio_integrity_prep, block/bio-integrity.c:237 (6.1), :444 (6.12))",
} as const;

/**
 * A socket message's scatterlist (`struct sk_msg`, its entries in `msg->sg.data[]`): the entries
 * whose pages user space or the page cache shares (zerocopy send) carry the `sg.copy` bit
 * (include/linux/skmsg.h:33 (6.1, 6.12); set by sk_msg_sg_copy_set, net/tls/tls_sw.c:1119 (6.1),
 * :1170 (6.12)), and a writer copies such an entry into a page of its own first
 * (bpf_msg_pull_data, net/core/filter.c:2676 (6.1), :2714 (6.12)). A page the kernel writes in a
 * message is one the socket allocated (sk_msg_alloc's page fragments).
 */
export const SOCKET_MESSAGE = {
  type: 'sk_msg',
  why: 'a page of a socket message (struct sk_msg): entries shared with user space carry the sg.copy bit and are copied before a write (net/core/filter.c:2676 (6.1))',
} as const;

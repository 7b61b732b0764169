/* vmap section: writes through a vmap alias that is vunmapped are written back by flush_cache_vunmap;
 * callers of a dm_io(DM_IO_VMA)-like helper rely on the callee's flush. Not this rule's findings. */

/* Silent: vmap of several pages, decompress into the alias, vunmap. */
static int vx_decompress_cluster(struct page **pages, unsigned int nr, const void *src, size_t srclen)
{
	void *dst = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	int ret;

	if (!dst)
		return -ENOMEM;
	ret = vx_lz4_decompress(src, dst, srclen, nr * PAGE_SIZE);
	memset(dst + ret, 0, nr * PAGE_SIZE - ret);
	vunmap(dst);
	return 0;
}

/* Silent: vm_map_ram alias, written, per-page flush_dcache_page on completion, vm_unmap_ram. */
static void vx_fill_pages(struct page **pages, unsigned int nr, u8 v)
{
	u8 *dst = vm_map_ram(pages, nr, -1);
	unsigned int i;

	memset(dst, v, nr * PAGE_SIZE);
	for (i = 0; i < nr; i++)
		flush_dcache_page(pages[i]);
	vm_unmap_ram(dst, nr);
}

/* Silent: a caller passing a vmalloc'd buffer to the I/O helper, which does the flush/invalidate itself. */
static int vx_read_chunk(struct vx_store *s, sector_t sector, void *vbuf, size_t len)
{
	struct vx_io_request req = {
		.mem.type = VX_IO_VMA,
		.mem.ptr.vma = vbuf,
	};

	memset(vbuf, 0, len);
	return vx_io(&req, s->bdev, sector, len);
}

/* Silent: the textbook vmalloc I/O shape: flush before a write, invalidate after a read. */
static int vx_rw_bdev(struct block_device *bdev, sector_t sector, void *data, unsigned int count, blk_opf_t op)
{
	bool is_vmalloc = is_vmalloc_addr(data);
	int error;

	if (is_vmalloc && op_is_write(op))
		flush_kernel_vmap_range(data, count);
	error = vx_submit_pages(bdev, sector, data, count, op);
	if (is_vmalloc && !op_is_write(op))
		invalidate_kernel_vmap_range(data, count);
	return error;
}

/* Shape 14: writes through page_address()/bvec_virt() of page-cache or user-mapped pages, with no kmap at all. */

/* Shape 14, silent: page-cache pages rewritten through page_address, each flushed before it is republished. */
static int nw_write_data(struct inode *inode, const void *data, size_t bytes)
{
	pgoff_t idx;

	for (idx = 0; bytes; idx++) {
		size_t op = min_t(size_t, bytes, PAGE_SIZE);
		struct page *page = nw_map_page(inode->i_mapping, idx);

		if (IS_ERR(page))
			return PTR_ERR(page);
		lock_page(page);
		ClearPageUptodate(page);
		memcpy(page_address(page), data, op);
		flush_dcache_page(page);
		SetPageUptodate(page);
		unlock_page(page);
		nw_unmap_page(page);
		bytes -= op;
		data += op;
	}
	return 0;
}

/* Shape 14 + 9, must flag: ClearPageUptodate before the write is not an error path; the page is republished unflushed. */
static int nw_write_data_noflush(struct inode *inode, const void *data, size_t op)
{
	struct page *page = read_mapping_page(inode->i_mapping, 0, NULL);

	if (IS_ERR(page))
		return PTR_ERR(page);
	lock_page(page);
	ClearPageUptodate(page);
	memcpy(page_address(page), data, op); // expect: missing-flush-dcache-page
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Shape 14, must flag: a page-cache page from find_or_create_page zeroed through its lowmem address. */
static int nw_zero_cached(struct address_space *mapping, pgoff_t index)
{
	struct page *page = find_or_create_page(mapping, index, GFP_NOFS);
	void *kaddr;

	if (!page)
		return -ENOMEM;
	kaddr = page_address(page);
	memset(kaddr, 0, PAGE_SIZE); // expect: missing-flush-dcache-page
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Shape 14, silent: the frame status in a user-mmapped ring is written and the frame's page flushed. */
static void nw_set_frame_status(struct nw_ring *rb, void *frame, u32 status)
{
	struct nw_frame_hdr *h = frame;

	WRITE_ONCE(h->status, status);
	flush_dcache_page(nw_pgv_to_page(&h->status));
	smp_wmb();
}

/* Shape 14, silent: a vmalloc'd ring written by address, then each backing page flushed via vmalloc_to_page. */
static void nw_flush_ring_range(void *vaddr, size_t size)
{
	unsigned long offset = offset_in_page(vaddr);
	void *start = vaddr - offset;

	size = round_up(size + offset, PAGE_SIZE);
	while (size) {
		flush_dcache_page(vmalloc_to_page(start));
		start += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
}

static void nw_post_entry(struct nw_ring *rb, const struct nw_entry *e)
{
	struct nw_entry *slot = rb->base + rb->head * sizeof(*slot);

	*slot = *e;
	nw_flush_ring_range(slot, sizeof(*slot));
}

/* Shape 14, silent: bvec_virt() used only as a source to hash. */
static u32 nw_hash_bvec(struct bio_vec *bv)
{
	return crc32c(0, bvec_virt(bv), bv->bv_len);
}

/* Shape 14, must flag: bvec_virt() of a bio page written by an emulated block device without a flush. */
static void nw_ebs_read_bvec(struct nw_ebs *ec, struct bio_vec *bv, sector_t block)
{
	u8 *ba = bvec_virt(bv);

	memcpy(ba, nw_ebs_block(ec, block), bv->bv_len); // expect: missing-flush-dcache-page
}

/* Shape 14, silent: the same emulated read, flushed. */
static void nw_ebs_read_bvec_flushed(struct nw_ebs *ec, struct bio_vec *bv, sector_t block)
{
	u8 *ba = bvec_virt(bv);

	memcpy(ba, nw_ebs_block(ec, block), bv->bv_len);
	flush_dcache_page(bv->bv_page);
}

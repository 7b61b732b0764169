/* Shape 2: the flush comes after the unmap; that order is as valid as flushing before it. */

/* Shape 2, silent: kunmap_local first, flush_dcache_page afterwards. */
static void sr_read_stuffed(struct page *page, const void *dinode_data, size_t dsize)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, dinode_data, dsize);
	memset(kaddr + dsize, 0, PAGE_SIZE - dsize);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	SetPageUptodate(page);
}

/* Shape 2, silent: kunmap_atomic first, flush afterwards, several statements later. */
static int sr_copy_resident(struct page *page, const u8 *res, u32 rsize, u32 vbo)
{
	u8 *kaddr;
	u32 use;

	if (vbo >= rsize)
		use = 0;
	else
		use = rsize - vbo;
	kaddr = kmap_atomic(page);
	if (use)
		memcpy(kaddr, res + vbo, use);
	memset(kaddr + use, 0, PAGE_SIZE - use);
	kunmap_atomic(kaddr);
	sr_stats_account(use);
	flush_dcache_page(page);
	return 0;
}

/* Shape 2, silent: zeroing a range of pages, each unmapped then flushed inside the loop. */
static void sr_zero_pages(struct page **pages, unsigned int first, unsigned int nr)
{
	unsigned int i;

	for (i = first; i < first + nr; i++) {
		char *p = kmap_local_page(pages[i]);

		memset(p, 0, PAGE_SIZE);
		kunmap_local(p);
		flush_dcache_page(pages[i]);
	}
}

/* Shape 2, must flag: unmapped but never flushed. */
static void sr_read_stuffed_noflush(struct page *page, const void *data, size_t dsize)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, data, dsize); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	SetPageUptodate(page);
}

/* Shape 2, must flag: the flush after the unmap is under a condition unrelated to the write. */
static void sr_fill_maybe_flush(struct page *page, const void *data, size_t dsize, bool verbose)
{
	void *kaddr = kmap_atomic(page);

	memcpy(kaddr, data, dsize); // expect: missing-flush-dcache-page
	kunmap_atomic(kaddr);
	if (verbose)
		flush_dcache_page(page);
}

/* Shape 2, must flag: the loop zeroes every page but the flush was put after the loop for one page only. */
static void sr_zero_pages_last_only(struct page **pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		char *p = kmap_local_page(pages[i]);

		memset(p, 0, PAGE_SIZE); // expect: missing-flush-dcache-page
		kunmap_local(p);
	}
	flush_dcache_page(pages[0]);
}

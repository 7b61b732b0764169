/* Shape 1: kmap + write + flush_dcache_page + kunmap, the flush before the unmap. */

/* Shape 1, silent: kmap, memcpy, flush, kunmap on the only path. */
static void qf_store_record(struct page *page, unsigned int off, const void *rec, size_t len)
{
	char *kaddr = kmap(page);

	memcpy(kaddr + off, rec, len);
	flush_dcache_page(page);
	kunmap(page);
}

/* Shape 1, silent: kmap_atomic variant, memset then flush before kunmap_atomic. */
static void qf_clear_tail(struct page *page, unsigned int from)
{
	char *kaddr = kmap_atomic(page);

	memset(kaddr + from, 0, PAGE_SIZE - from);
	flush_dcache_page(page);
	kunmap_atomic(kaddr);
}

/* Shape 1, silent: kmap_local_page, the inline payload is copied and flushed before unmap. */
static int qf_fill_inline(struct inode *inode, struct page *page, const char *payload, size_t size)
{
	void *kaddr;

	if (size > PAGE_SIZE)
		return -EINVAL;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, payload, size);
	memset(kaddr + size, 0, PAGE_SIZE - size);
	flush_dcache_page(page);
	kunmap_local(kaddr);
	SetPageUptodate(page);
	return 0;
}

/* Shape 1, must flag: same shape with the flush forgotten (page is a parameter of unknown origin). */
static void qf_store_record_noflush(struct page *page, unsigned int off, const void *rec, size_t len)
{
	char *kaddr = kmap(page);

	memcpy(kaddr + off, rec, len); // expect: missing-flush-dcache-page
	kunmap(page);
}

/* Shape 1, must flag: the flush names another page than the one written. */
static void qf_copy_wrong_flush(struct page *dst, struct page *src, size_t len)
{
	char *d = kmap_local_page(dst);

	memset(d, 0xff, len); // expect: missing-flush-dcache-page
	flush_dcache_page(src);
	kunmap_local(d);
}

/* Shape 1, must flag: kmap_atomic + memset without any flush. */
static void qf_poison(struct page *page)
{
	void *kaddr = kmap_atomic(page);

	memset(kaddr, 0x6b, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_atomic(kaddr);
}

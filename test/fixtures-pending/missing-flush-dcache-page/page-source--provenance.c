/* Shape 13 (provenance): page-cache / GUP / sg pages need the flush; the page's origin decides, not its name. */

/* Must flag: a page from find_lock_page, written and not flushed. */
static int ps_update_cached(struct address_space *mapping, pgoff_t index, const void *src, size_t len)
{
	struct page *page = find_lock_page(mapping, index);
	void *kaddr;

	if (!page)
		return -ENOENT;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, src, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	set_page_dirty(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Silent: the same update, flushed. */
static int ps_update_cached_ok(struct address_space *mapping, pgoff_t index, const void *src, size_t len)
{
	struct page *page = find_lock_page(mapping, index);
	void *kaddr;

	if (!page)
		return -ENOENT;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, src, len);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	set_page_dirty(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Must flag: a user page pinned with pin_user_pages_fast is written by the kernel. */
static int ps_fill_user_page(unsigned long uaddr, const void *src, size_t len)
{
	struct page *page;
	void *kaddr;

	if (pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	memcpy(kaddr + offset_in_page(uaddr), src, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	unpin_user_page(page);
	return 0;
}

/* Silent: the pinned user page written and flushed (then dirtied). */
static int ps_fill_user_page_ok(unsigned long uaddr, const void *src, size_t len)
{
	struct page *page;
	void *kaddr;

	if (pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	memcpy(kaddr + offset_in_page(uaddr), src, len);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	unpin_user_pages_dirty_lock(&page, 1, true);
	return 0;
}

/* Must flag: a page of unknown origin returned by an extern lookup. */
static void ps_write_looked_up(struct ps_ctx *ctx, unsigned int n, u32 v)
{
	struct page *page = ps_lookup_page(ctx, n);
	u32 *p = kmap_atomic(page);

	p[0] = v; // expect: missing-flush-dcache-page
	kunmap_atomic(p);
}

/* Silent: a private page from alloc_page: same code as above, different origin. */
static void ps_write_private(u32 v)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u32 *p;

	if (!page)
		return;
	p = kmap_atomic(page);
	p[0] = v;
	kunmap_atomic(p);
	ps_keep(page);
}

/* Silent: the NULL test on the mapping cannot lead to an unflushed write (the write is after it). */
static int ps_fill_checked(struct page *page, const void *src, size_t len)
{
	void *kaddr = kmap(page);

	if (!kaddr)
		return -ENOMEM;
	memcpy(kaddr, src, len);
	flush_dcache_page(page);
	kunmap(page);
	return 0;
}

/* Must flag: the page pointer is reassigned between write and flush; the flush is for the new page. */
static void ps_flush_after_reassign(struct page **pages, const u8 *src)
{
	struct page *page = pages[0];
	u8 *p = kmap_local_page(page);

	memcpy(p, src, 64); // expect: missing-flush-dcache-page
	kunmap_local(p);
	page = pages[1];
	flush_dcache_page(page);
}

/* Shape 6: the mapping is handed to a helper defined elsewhere; its name or direction flag says whether it writes. */

/* Shape 6, must flag: an extern "read inline data into buffer" helper fills the page. */
static int wn_readpage_inline(struct inode *inode, struct page *page)
{
	void *kaddr = kmap_atomic(page);
	int len;

	len = wn_read_inline_data(inode, kaddr, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_atomic(kaddr);
	SetPageUptodate(page);
	return len;
}

/* Shape 6, silent: the same helper, then zero the tail and flush. */
static int wn_readpage_inline_ok(struct inode *inode, struct page *page)
{
	void *kaddr = kmap_atomic(page);
	int len = wn_read_inline_data(inode, kaddr, PAGE_SIZE);

	memset(kaddr + len, 0, PAGE_SIZE - len);
	flush_dcache_page(page);
	kunmap_atomic(kaddr);
	SetPageUptodate(page);
	return 0;
}

/* Shape 6, silent: an extern helper that sends the page out only reads it. */
static int wn_send_page(struct wn_conn *conn, struct page *page, size_t len)
{
	void *kaddr = kmap(page);
	int ret = wn_sock_send(conn, kaddr, len);

	kunmap(page);
	return ret;
}

/* Shape 6, must flag: an extern decompressor writes its output into the mapped page. */
static int wn_decompress_page(struct wn_sb *sb, struct page *page, const void *src, size_t srclen)
{
	void *dst = kmap_local_page(page);
	int ret;

	ret = wn_decompress(sb, src, srclen, dst, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_local(dst);
	return ret;
}

/* Shape 6, silent: a copy actor callback fills the page, and the function flushes after it. */
static size_t wn_partial_copy(struct wn_desc *desc, struct page *page, unsigned int base, size_t len,
			      size_t (*copy_actor)(struct wn_desc *, void *, size_t))
{
	char *to = kmap_atomic(page);
	size_t copied = copy_actor(desc, to + base, len);

	kunmap_atomic(to);
	flush_dcache_page(page);
	return copied;
}

/* Shape 6 + 9, silent: block I/O helper with a direction flag; flush when the block was read into the page. */
static int wn_blockio(struct wn_host *host, struct page *page, unsigned int off, size_t len, bool read)
{
	u8 *buf = kmap(page) + off;
	int ret = wn_pio(host, buf, len, read);

	kunmap(page);
	if (read)
		flush_dcache_page(page);
	return ret;
}

/* Shape 6, must flag: an extern "receive into buffer" helper fills a page passed in. */
static int wn_recv_page(struct wn_conn *conn, struct page *page, size_t len)
{
	char *kaddr = kmap_local_page(page);
	int ret;

	ret = wn_sock_recv(conn, kaddr, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	return ret;
}

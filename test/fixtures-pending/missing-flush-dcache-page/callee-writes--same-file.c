/* Shape 6: the write goes through a helper that receives the mapped address. */

/* Helper (same file) that fills a buffer it is given: callers that pass a mapping write the page. */
static int il_read_inline(struct il_inode *ii, void *buf, size_t len)
{
	size_t n = min(len, ii->inline_size);

	memcpy(buf, ii->inline_data, n);
	return n;
}

/* Helper (same file) that only reads the buffer it is given. */
static u32 il_sum_buffer(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* Shape 6, must flag: the same-file helper writes through kaddr, and nothing flushes the page. */
static int il_readpage_inline(struct il_inode *ii, struct page *page)
{
	void *kaddr = kmap_local_page(page);
	int n;

	n = il_read_inline(ii, kaddr, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	SetPageUptodate(page);
	return n;
}

/* Shape 6, silent: the same helper write, followed by the flush. */
static int il_readpage_inline_flushed(struct il_inode *ii, struct page *page)
{
	void *kaddr = kmap_local_page(page);
	int n;

	n = il_read_inline(ii, kaddr, PAGE_SIZE);
	memset(kaddr + n, 0, PAGE_SIZE - n);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	SetPageUptodate(page);
	return 0;
}

/* Shape 6 + 12, silent: the same-file helper only reads the mapping. */
static u32 il_page_sum(struct page *page)
{
	void *kaddr = kmap_atomic(page);
	u32 sum = il_sum_buffer(kaddr, PAGE_SIZE);

	kunmap_atomic(kaddr);
	return sum;
}

/* Shape 6, must flag: copy_from_user writes its first argument, here the page mapping. */
static int il_fill_from_user(struct page *page, const void __user *ubuf, size_t len)
{
	char *kaddr = kmap(page);
	int ret = 0;

	if (copy_from_user(kaddr, ubuf, len)) // expect: missing-flush-dcache-page
		ret = -EFAULT;
	kunmap(page);
	return ret;
}

/* Shape 6 + 12, silent: copy_to_user only reads the mapping. */
static int il_copy_out(struct page *page, void __user *ubuf, size_t len)
{
	char *kaddr = kmap(page);
	int ret = 0;

	if (copy_to_user(ubuf, kaddr, len))
		ret = -EFAULT;
	kunmap(page);
	return ret;
}

/* Shape 6, silent: a direction-flagged transfer callback that reads into the page, and the flush for that direction. */
static void il_pio_xfer(struct il_port *port, struct page *page, unsigned int off, size_t n, bool to_dev)
{
	unsigned char *buf = kmap_atomic(page);

	port->ops->data_xfer(port, buf + off, n, to_dev);
	kunmap_atomic(buf);
	if (!to_dev)
		flush_dcache_page(page);
}

/* Helper (same file) that writes through the pointer it is passed, two levels down. */
static void il_fill_pattern(u8 *dst, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = seed + i;
}

static void il_fill_header_and_pattern(u8 *dst, size_t n)
{
	dst[0] = 0xa5;
	il_fill_pattern(dst + 1, n - 1, 3);
}

/* Shape 6, must flag: the write is two same-file calls away. */
static void il_prepare_page(struct page *page)
{
	u8 *kaddr = kmap_local_page(page);

	il_fill_header_and_pattern(kaddr, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
}

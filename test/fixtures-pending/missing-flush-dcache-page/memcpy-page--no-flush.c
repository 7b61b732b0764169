/* Helper semantics (6.1): memcpy_page()/memset_page()/copy_page_from_iter_atomic() do not flush. */

/* Helper semantics, must flag: memcpy_page into a page-cache page, no flush. */
static void mp_dup_block(struct page *dst, struct page *src, size_t off, size_t len)
{
	memcpy_page(dst, off, src, off, len); // expect: missing-flush-dcache-page
}

/* Helper semantics, silent: memcpy_page followed by flush_dcache_page of the destination. */
static void mp_dup_block_flushed(struct page *dst, struct page *src, size_t off, size_t len)
{
	memcpy_page(dst, off, src, off, len);
	flush_dcache_page(dst);
}

/* Helper semantics, must flag: memcpy_page flushed on the source page instead of the destination. */
static void mp_dup_block_wrong(struct page *dst, struct page *src, size_t len)
{
	memcpy_page(dst, 0, src, 0, len); // expect: missing-flush-dcache-page
	flush_dcache_page(src);
}

/* Helper semantics, must flag: memset_page does not flush. */
static void mp_fill_tail(struct page *page, size_t from, int c)
{
	memset_page(page, from, c, PAGE_SIZE - from); // expect: missing-flush-dcache-page
}

/* Helper semantics, silent: memset_page with the flush after it. */
static void mp_fill_tail_flushed(struct page *page, size_t from, int c)
{
	memset_page(page, from, c, PAGE_SIZE - from);
	flush_dcache_page(page);
}

/* Helper semantics, must flag: copy_page_from_iter_atomic leaves the flush to its caller. */
static ssize_t mp_perform_write(struct address_space *mapping, struct iov_iter *i, loff_t pos, struct page *page)
{
	size_t offset = offset_in_page(pos);
	size_t bytes = min_t(size_t, PAGE_SIZE - offset, iov_iter_count(i));
	size_t copied;

	copied = copy_page_from_iter_atomic(page, offset, bytes, i); // expect: missing-flush-dcache-page
	return mp_write_end(mapping, pos, bytes, copied, page);
}

/* Helper semantics, silent: the generic write loop flushes after copy_page_from_iter_atomic. */
static ssize_t mp_perform_write_ok(struct address_space *mapping, struct iov_iter *i, loff_t pos, struct page *page)
{
	size_t offset = offset_in_page(pos);
	size_t bytes = min_t(size_t, PAGE_SIZE - offset, iov_iter_count(i));
	size_t copied;

	if (mapping_writably_mapped(mapping))
		flush_dcache_page(page);
	copied = copy_page_from_iter_atomic(page, offset, bytes, i);
	flush_dcache_page(page);
	return mp_write_end(mapping, pos, bytes, copied, page);
}

/* Helper semantics, silent: memcpy_to_page flushes internally. */
static void mp_put_bytes(struct page *page, size_t off, const char *from, size_t len)
{
	memcpy_to_page(page, off, from, len);
}

/* Helper semantics, silent: memzero_page flushes internally. */
static void mp_zero_tail(struct page *page, size_t from)
{
	memzero_page(page, from, PAGE_SIZE - from);
}

/* Helper semantics, silent: zero_user_segments / zero_user_segment / zero_user flush internally. */
static void mp_zero_around(struct page *page, unsigned int from, unsigned int to)
{
	zero_user_segments(page, 0, from, to, PAGE_SIZE);
	zero_user_segment(page, to, PAGE_SIZE);
	zero_user(page, 0, from);
}

/* Helper semantics, silent: folio_zero_range flushes (via zero_user_segments). */
static void mp_zero_folio_tail(struct folio *folio, size_t from)
{
	folio_zero_range(folio, from, folio_size(folio) - from);
}

/* Helper semantics, silent: a redundant flush_dcache_folio after folio_zero_range is not a bug to report. */
static int mp_simple_read_folio(struct file *file, struct folio *folio)
{
	folio_zero_range(folio, 0, folio_size(folio));
	flush_dcache_folio(folio);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	return 0;
}

/* Helper semantics, silent: clear_highpage followed by the flush, as shmem does. */
static void mp_clear_new(struct page *page)
{
	clear_highpage(page);
	flush_dcache_page(page);
	SetPageUptodate(page);
}

/* Helper semantics, must flag: memcpy_page inside a loop over pages, flush missing. */
static void mp_dup_pages(struct page **dst, struct page **src, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		memcpy_page(dst[i], 0, src[i], 0, PAGE_SIZE); // expect: missing-flush-dcache-page
}

/* Helper semantics, silent: memcpy_page into a private alloc_page'd copy. */
static struct page *mp_snapshot_page(struct page *src)
{
	struct page *copy = alloc_page(GFP_KERNEL);

	if (copy)
		memcpy_page(copy, 0, src, 0, PAGE_SIZE);
	return copy;
}

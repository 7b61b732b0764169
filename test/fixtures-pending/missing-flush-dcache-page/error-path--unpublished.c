/* Shape 9 (error path): a path that leaves the page unpublished (!Uptodate / PageError) needs no flush. */

/* Shape 9, silent: success flushes and publishes; err: unmaps, ClearPageUptodate + SetPageError. */
static int cr_read_folio(struct cr_sb *sb, struct page *page)
{
	void *pgdata = kmap(page);
	int filled;

	filled = cr_decompress(sb, pgdata, PAGE_SIZE, page->index);
	if (filled < 0)
		goto err;
	memset(pgdata + filled, 0, PAGE_SIZE - filled);
	flush_dcache_page(page);
	kunmap(page);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
err:
	kunmap(page);
	ClearPageUptodate(page);
	SetPageError(page);
	unlock_page(page);
	return 0;
}

/* Shape 9, silent: the function publishes with SetPageUptodate on success only; the early return never publishes. */
static int cr_read_block_page(struct cr_sb *sb, struct page *page)
{
	char *kaddr = kmap_local_page(page);
	int ret;

	memset(kaddr, 0, PAGE_SIZE);
	ret = cr_fill(sb, kaddr, page->index);
	if (ret) {
		kunmap_local(kaddr);
		unlock_page(page);
		return ret;
	}
	kunmap_local(kaddr);
	flush_dcache_page(page);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}

/* Shape 9, silent: the error path marks the page with SetPageError only. */
static int cr_fill_or_fail(struct cr_sb *sb, struct page *page)
{
	void *kaddr = kmap_atomic(page);

	memcpy(kaddr, sb->cache, PAGE_SIZE);
	kunmap_atomic(kaddr);
	if (!cr_verify(sb, page)) {
		SetPageError(page);
		return -EIO;
	}
	flush_dcache_page(page);
	return 0;
}

/* Shape 9, must flag: the error path still publishes the page (SetPageUptodate) without the flush. */
static int cr_read_folio_publish_anyway(struct cr_sb *sb, struct page *page)
{
	void *pgdata = kmap(page);
	int filled;

	filled = cr_decompress(sb, sb->bounce, PAGE_SIZE, page->index);
	if (filled < 0) {
		memset(pgdata, 0, PAGE_SIZE); // expect: missing-flush-dcache-page
		kunmap(page);
		SetPageUptodate(page);
		return 0;
	}
	memcpy(pgdata, sb->bounce, filled);
	flush_dcache_page(page);
	kunmap(page);
	SetPageUptodate(page);
	return 0;
}

/* Shape 9, must flag: a plain early return on error, in a function that never publishes, skips the flush. */
static int cr_patch_page(struct cr_sb *sb, struct page *page, unsigned int off, u32 v)
{
	u32 *kaddr = kmap_local_page(page);

	kaddr[off] = v; // expect: missing-flush-dcache-page
	if (cr_log_patch(sb, page, off)) {
		kunmap_local(kaddr);
		return -EIO;
	}
	kunmap_local(kaddr);
	flush_dcache_page(page);
	return 0;
}

/* Shape 9, silent: folio variant of the unpublished error path (folio_clear_uptodate + folio_set_error). */
static int cr_read_folio_fill(struct cr_sb *sb, struct folio *folio)
{
	void *kaddr = kmap_local_folio(folio, 0);
	int ret = cr_fill(sb, kaddr, folio->index);

	kunmap_local(kaddr);
	if (ret) {
		folio_clear_uptodate(folio);
		folio_set_error(folio);
		folio_unlock(folio);
		return ret;
	}
	flush_dcache_folio(folio);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	return 0;
}

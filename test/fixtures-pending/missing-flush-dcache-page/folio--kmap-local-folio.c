/* Folios: kmap_local_folio writes need flush_dcache_folio (or flush_dcache_page of the folio's page). */

/* Silent: kmap_local_folio + memcpy + flush_dcache_folio. */
static int fo_read_inline(struct folio *folio, const void *data, size_t len)
{
	void *kaddr = kmap_local_folio(folio, 0);

	memcpy(kaddr, data, len);
	memset(kaddr + len, 0, folio_size(folio) - len);
	kunmap_local(kaddr);
	flush_dcache_folio(folio);
	folio_mark_uptodate(folio);
	return 0;
}

/* Must flag: the same without the flush. */
static int fo_read_inline_noflush(struct folio *folio, const void *data, size_t len)
{
	void *kaddr = kmap_local_folio(folio, 0);

	memcpy(kaddr, data, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	folio_mark_uptodate(folio);
	return 0;
}

/* Silent: offset mapping into a folio, unmapped by that address, flushed via the folio's page. */
static void fo_patch(struct folio *folio, size_t offset, const void *src, size_t len)
{
	char *p = kmap_local_folio(folio, offset);

	memcpy(p, src, len);
	kunmap_local(p);
	flush_dcache_page(&folio->page);
}

/* Must flag: the flush targets a different folio. */
static void fo_patch_wrong(struct folio *dst, struct folio *src, size_t len)
{
	char *p = kmap_local_folio(dst, 0);

	memset(p, 0, len); // expect: missing-flush-dcache-page
	kunmap_local(p);
	flush_dcache_folio(src);
}

/* Silent: a folio-sized copy chunked page by page, one flush_dcache_folio at the end. */
static void fo_fill(struct folio *folio, const u8 *src)
{
	size_t off;

	for (off = 0; off < folio_size(folio); off += PAGE_SIZE) {
		void *kaddr = kmap_local_folio(folio, off);

		memcpy(kaddr, src + off, PAGE_SIZE);
		kunmap_local(kaddr);
	}
	flush_dcache_folio(folio);
}

/* Must flag: a folio from filemap_get_folio written with a field store and not flushed. */
static int fo_stamp_cached(struct address_space *mapping, pgoff_t index, u32 v)
{
	struct folio *folio = filemap_get_folio(mapping, index);
	__le32 *p;

	if (!folio)
		return -ENOENT;
	p = kmap_local_folio(folio, 0);
	*p = cpu_to_le32(v); // expect: missing-flush-dcache-page
	kunmap_local(p);
	folio_put(folio);
	return 0;
}

/* Silent: folio_page()/kmap_local_page on one page of a folio, flushed with flush_dcache_folio. */
static void fo_fill_subpage(struct folio *folio, unsigned int n, u8 v)
{
	u8 *p = kmap_local_page(folio_page(folio, n));

	memset(p, v, PAGE_SIZE);
	kunmap_local(p);
	flush_dcache_folio(folio);
}

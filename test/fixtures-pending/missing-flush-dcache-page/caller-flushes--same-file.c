/* Shape 7: the flush is done by a same-file caller, by a same-file callee, or the mapping is handed out. */

/* Shape 7, silent: the write has no flush here, but the only same-file caller flushes the page after the call. */
static void pa_copy_chunk(struct page *page, unsigned int off, const void *src, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr + off, src, len);
	kunmap_local(kaddr);
}

static int pa_readpage_block(struct page *page, const void *src, size_t len)
{
	pa_copy_chunk(page, 0, src, len);
	flush_dcache_page(page);
	SetPageUptodate(page);
	return 0;
}

/* Shape 7, must flag: a parameter page written with no flush, and no same-file caller flushes it. */
static void pa_copy_chunk_orphan(struct page *page, const void *src, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, src, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
}

/* Same-file flush helper: every caller that passes the page through it is flushed. */
static void pa_flush_range(struct page **pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		flush_dcache_page(pages[i]);
}

/* Shape 7, silent: the flush happens in a same-file callee. */
static void pa_zero_pages(struct page **pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(pages[i]);

		memset(p, 0, PAGE_SIZE);
		kunmap_local(p);
	}
	pa_flush_range(pages, nr);
}

/* Same-file single-page flush wrapper. */
static inline void pa_flush_one(struct page *page)
{
	flush_dcache_page(page);
}

/* Shape 7, silent: write then a same-file wrapper that flushes the page. */
static void pa_store_word(struct page *page, unsigned int idx, u32 v)
{
	u32 *w = kmap_atomic(page);

	w[idx] = v;
	kunmap_atomic(w);
	pa_flush_one(page);
}

/* Shape 7, silent: the page actor maps the next page and returns the address; the caller owns the flush. */
static void *pa_actor_next_page(struct pa_actor *actor)
{
	if (actor->next_page == actor->pages)
		return NULL;
	if (actor->last_page)
		kunmap_local(actor->pageaddr);
	actor->last_page = actor->page[actor->next_page];
	actor->pageaddr = kmap_local_page(actor->page[actor->next_page++]);
	return actor->pageaddr;
}

/* Shape 7, silent: maps, writes a header, returns the mapping to the caller, which finishes and flushes. */
static void *pa_begin_record(struct page *page, u16 type)
{
	u8 *kaddr = kmap_local_page(page);

	kaddr[0] = type & 0xff;
	kaddr[1] = type >> 8;
	return kaddr + 2;
}

/* Shape 7, must flag: a same-file callee exists but it flushes a different page than the one written. */
static void pa_store_word_other(struct page *page, struct page *meta, unsigned int idx, u32 v)
{
	u32 *w = kmap_atomic(page);

	w[idx] = v; // expect: missing-flush-dcache-page
	kunmap_atomic(w);
	pa_flush_one(meta);
}

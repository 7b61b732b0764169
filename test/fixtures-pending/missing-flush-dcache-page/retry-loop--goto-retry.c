/* Shape 9 (retry): flush, unmap and `goto retry`; the backward edge must not be mistaken for a missing flush. */

/* Shape 9, silent: on -ENOENT the page is filled outside the lock, flushed, and the operation retried. */
static int uf_copy_atomic(struct uf_ctx *ctx, unsigned long src_addr)
{
	struct page *page = NULL;
	int err;

retry:
	err = uf_install_pte(ctx, src_addr, &page);
	if (err == -ENOENT) {
		void *kaddr = kmap_local_page(page);

		memset(kaddr, 0, PAGE_SIZE);
		uf_copy_payload(kaddr, ctx->payload, ctx->payload_len);
		kunmap_local(kaddr);
		flush_dcache_page(page);
		goto retry;
	}
	if (page)
		put_page(page);
	return err;
}

/* Shape 9, silent: a journal copy that re-maps after a section switch: flush + kunmap_local + goto retry_kmap. */
static void jr_copy_sectors(struct jr_ctx *jc, struct bio_vec *bv, unsigned int n)
{
	char *mem;

retry_kmap:
	mem = kmap_local_page(bv->bv_page);
	while (n) {
		unsigned int chunk = min(n, jc->section_left);

		memcpy(mem + bv->bv_offset, jc->journal_ptr, chunk);
		n -= chunk;
		bv->bv_offset += chunk;
		if (jr_next_section(jc)) {
			flush_dcache_page(bv->bv_page);
			kunmap_local(mem);
			goto retry_kmap;
		}
	}
	flush_dcache_page(bv->bv_page);
	kunmap_local(mem);
}

/* Shape 9, must flag: the section switch unmaps and retries without flushing the page it just wrote. */
static void jr_copy_sectors_noflush(struct jr_ctx *jc, struct bio_vec *bv, unsigned int n)
{
	char *mem;

retry_kmap:
	mem = kmap_local_page(bv->bv_page);
	while (n) {
		unsigned int chunk = min(n, jc->section_left);

		memcpy(mem + bv->bv_offset, jc->journal_ptr, chunk); // expect: missing-flush-dcache-page
		n -= chunk;
		bv->bv_offset += chunk;
		if (jr_next_section(jc)) {
			kunmap_local(mem);
			bv++;
			goto retry_kmap;
		}
	}
	flush_dcache_page(bv->bv_page);
	kunmap_local(mem);
}

/* Shape 9, silent: a do/while retry; each attempt rewrites the page and the loop exit flushes. */
static int uf_fill_until_stable(struct uf_ctx *ctx, struct page *page)
{
	void *kaddr = kmap_local_page(page);
	unsigned int seq;

	do {
		seq = uf_read_seq(ctx);
		memcpy(kaddr, ctx->snapshot, PAGE_SIZE);
	} while (uf_read_seq(ctx) != seq);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	return 0;
}

/* Shape 9, must flag: the retry budget runs out and the function bails out through a return that skips the flush. */
static int uf_fill_bounded(struct uf_ctx *ctx, struct page *page)
{
	void *kaddr = kmap_local_page(page);
	int tries = 0;

again:
	memcpy(kaddr, ctx->snapshot, PAGE_SIZE); // expect: missing-flush-dcache-page
	if (uf_changed(ctx)) {
		if (++tries < 3)
			goto again;
		kunmap_local(kaddr);
		return -EAGAIN;
	}
	kunmap_local(kaddr);
	flush_dcache_page(page);
	return 0;
}

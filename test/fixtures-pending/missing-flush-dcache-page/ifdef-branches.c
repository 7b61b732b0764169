/* Shape 7 (preprocessor): flush helpers defined twice under #if / #else, and #ifdef around the write or the flush. */

#if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE
static void nt_flush_bvec(const struct bio_vec *bvec, size_t size, size_t seek)
{
	struct bvec_iter bi = { .bi_size = size };
	struct bio_vec bv;

	bvec_iter_advance(bvec, &bi, seek & PAGE_MASK);
	for_each_bvec(bv, bvec, bi, bi)
		flush_dcache_page(bv.bv_page);
}
#else
static inline void nt_flush_bvec(const struct bio_vec *bvec, size_t size, size_t seek)
{
}
#endif

/* Shape 7, silent: the receive path writes the bvec pages and calls the flush-only helper (two definitions). */
static int nt_recv_into_bvec(struct nt_sock *s, struct bio_vec *bvec, size_t size, size_t seek)
{
	struct bio_vec *bv = &bvec[0];
	void *kaddr = bvec_kmap_local(bv);
	int ret;

	ret = nt_sock_copy(s, kaddr, bv->bv_len);
	memcpy(kaddr, s->pending, s->pending_len);
	kunmap_local(kaddr);
	nt_flush_bvec(bvec, size, seek);
	return ret;
}

/* Silent: the flush itself is inside #if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE, which is exactly the configuration that needs it. */
static void nt_fill_guarded(struct page *page, const void *src, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, src, len);
	kunmap_local(kaddr);
#if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE
	flush_dcache_page(page);
#endif
}

/* Silent: the write differs per configuration, the flush after the #endif covers both branches. */
static void nt_fill_highmem_or_not(struct page *page, const void *src, size_t len)
{
#ifdef CONFIG_HIGHMEM
	void *kaddr = kmap(page);

	memcpy(kaddr, src, len);
	kunmap(page);
#else
	memcpy(page_address(page), src, len);
#endif
	flush_dcache_page(page);
}

/* Must flag: the flush only exists under an unrelated debug option; other configs miss it. */
static void nt_fill_debug_flush(struct page *page, const void *src, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, src, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
#ifdef CONFIG_NT_DEBUG
	flush_dcache_page(page);
#endif
}

/* Must flag: both #if branches write, only the #else branch flushes. */
static void nt_fill_split(struct page *page, const void *src, size_t len)
{
	char *kaddr = kmap_atomic(page);

#if defined(CONFIG_NT_FAST)
	memcpy(kaddr, src, len); // expect: missing-flush-dcache-page
	kunmap_atomic(kaddr);
#else
	memcpy(kaddr, src, len);
	kunmap_atomic(kaddr);
	flush_dcache_page(page);
#endif
}

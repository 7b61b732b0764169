/* Shape 4: two pages mapped at once; only the destination is written and needs the flush. */

/* Shape 4, silent: shift data from one page into another, flushing only the destination. */
static void sh_move_left(struct page *dpage, unsigned int doff, struct page *spage, unsigned int soff, size_t n)
{
	char *vto = kmap_atomic(dpage);
	char *vfrom = kmap_atomic(spage);

	memmove(vto + doff, vfrom + soff, n);
	kunmap_atomic(vfrom);
	kunmap_atomic(vto);
	flush_dcache_page(dpage);
}

/* Shape 4, must flag: the flush is applied to the source page, the destination is left dirty. */
static void sh_move_right_wrong_page(struct page *dpage, struct page *spage, size_t n)
{
	char *vto = kmap_atomic(dpage);
	char *vfrom = kmap_atomic(spage);

	memcpy(vto, vfrom, n); // expect: missing-flush-dcache-page
	flush_dcache_page(spage);
	kunmap_atomic(vfrom);
	kunmap_atomic(vto);
}

/* Shape 4 + 12, silent: both pages are mapped only to be compared. */
static int sh_pages_identical(struct page *a, struct page *b)
{
	char *pa = kmap_local_page(a);
	char *pb = kmap_local_page(b);
	int ret = memcmp(pa, pb, PAGE_SIZE);

	kunmap_local(pb);
	kunmap_local(pa);
	return ret == 0;
}

/* Shape 4, must flag: the source page is flushed after the copy, not the destination (kmap_local order). */
static void sh_copy_pages(struct page *to, struct page *from)
{
	void *vfrom = kmap_local_page(from);
	void *vto = kmap_local_page(to);

	memcpy(vto, vfrom, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_local(vto);
	kunmap_local(vfrom);
	flush_dcache_page(from);
}

/* Shape 4, silent: copy across two scatterlist walks; memcpy_page does not flush, so the code flushes dst. */
static void sh_copy_sglist_chunk(struct page *dpage, unsigned int doff, struct page *spage, unsigned int soff, size_t len)
{
	memcpy_page(dpage, doff, spage, soff, len);
	flush_dcache_page(dpage);
}

/* Shape 4, silent: both mapped, the destination flushed after both unmaps in reverse order. */
static void sh_xor_into(struct page *dst, struct page *src)
{
	unsigned long *d = kmap_local_page(dst);
	unsigned long *s = kmap_local_page(src);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(long); i++)
		d[i] ^= s[i];
	kunmap_local(s);
	kunmap_local(d);
	flush_dcache_page(dst);
}

/* Shape 4, must flag: XOR into the destination with no flush at all. */
static void sh_xor_into_noflush(struct page *dst, struct page *src)
{
	unsigned long *d = kmap_local_page(dst);
	unsigned long *s = kmap_local_page(src);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(long); i++)
		d[i] ^= s[i]; // expect: missing-flush-dcache-page
	kunmap_local(s);
	kunmap_local(d);
}

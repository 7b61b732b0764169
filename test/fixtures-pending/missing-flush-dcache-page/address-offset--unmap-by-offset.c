/* Shape 3: the mapping is offset before use, and unmapped through the offset pointer or a stored copy. */

/* Shape 3, silent: dst = kmap_atomic(page) + offset; unmapped by the offset pointer, then flushed. */
static void oc_copy_into_sg(struct scatterlist *sg, unsigned int offset, const u8 *src, size_t len)
{
	struct page *page = sg_page(sg);
	u8 *dst = kmap_atomic(page) + sg->offset + offset;

	memcpy(dst, src, len);
	kunmap_atomic(dst);
	flush_dcache_page(page);
}

/* Shape 3, must flag: the same offset mapping without the flush. */
static void oc_copy_into_sg_noflush(struct scatterlist *sg, unsigned int offset, const u8 *src, size_t len)
{
	u8 *dst = kmap_atomic(sg_page(sg)) + sg->offset + offset;

	memcpy(dst, src, len); // expect: missing-flush-dcache-page
	kunmap_atomic(dst);
}

/* Shape 3 + 12, silent: kmap_local_page(page) + pgoff, only read to verify a checksum. */
static int oc_check_sector(struct page *page, u32 pgoff, u32 len, const u8 *want)
{
	u8 csum[32];
	char *kaddr = kmap_local_page(page) + pgoff;

	oc_hash_digest(kaddr, len, csum);
	kunmap_local(kaddr);
	if (memcmp(csum, want, sizeof(csum)))
		return -EIO;
	return 0;
}

/* Shape 3 + 5, must flag: a store through a cast of the offset pointer is a write. */
static void oc_stamp_sector(struct page *page, u32 pgoff, u32 seq)
{
	char *kaddr = kmap_local_page(page) + pgoff;

	*(__le32 *)kaddr = cpu_to_le32(seq); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
}

/* Shape 3, silent: a derived pointer (base + offset computed later) is written, unmapped by the base, flushed. */
static void oc_patch_word(struct page *page, unsigned int word, u32 val)
{
	u32 *base = kmap_atomic(page);
	u32 *slot = base + word;

	*slot = val;
	kunmap_atomic(base);
	flush_dcache_page(page);
}

/* Shape 3, must flag: the same derived pointer write, no flush. */
static void oc_patch_word_noflush(struct page *page, unsigned int word, u32 val)
{
	u32 *base = kmap_atomic(page);
	u32 *slot = base + word;

	*slot = val; // expect: missing-flush-dcache-page
	kunmap_atomic(base);
}

struct oc_iter {
	struct page *page;
	unsigned int off;
	void *addr;
	bool to_page;
};

/* Shape 3 + 7, silent: the iterator stores the offset address in a struct; the paired stop function flushes and unmaps. */
static bool oc_iter_next(struct oc_iter *it)
{
	it->addr = kmap_atomic(it->page) + it->off;
	return true;
}

static void oc_iter_stop(struct oc_iter *it)
{
	if (it->to_page)
		flush_dcache_page(it->page);
	kunmap_atomic(it->addr - it->off);
	it->addr = NULL;
}

/* Shape 3, silent: address kept in a struct field, written, unmapped through the field, flushed. */
static void oc_fill_via_field(struct oc_iter *it, const void *src, size_t len)
{
	it->addr = kmap_atomic(it->page);
	memcpy(it->addr + it->off, src, len);
	kunmap_atomic(it->addr);
	flush_dcache_page(it->page);
}

/* Shape 3, must flag: the same, unmapped through the field but never flushed (it->page is a caller's page). */
static void oc_fill_via_field_noflush(struct oc_iter *it, const void *src, size_t len)
{
	it->addr = kmap_atomic(it->page);
	memcpy(it->addr + it->off, src, len); // expect: missing-flush-dcache-page
	kunmap_atomic(it->addr);
}

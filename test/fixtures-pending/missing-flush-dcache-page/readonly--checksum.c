/* Shape 12: read-only mappings need no flush; writing the result back into the page does. */

/* Shape 12, silent: checksum over a kmap_atomic mapping. */
static __wsum ck_csum_page(struct page *page, int offset, int copy)
{
	char *kaddr = kmap_atomic(page);
	__wsum csum = csum_partial(kaddr + offset, copy, 0);

	kunmap_atomic(kaddr);
	return csum;
}

/* Shape 12, silent: crc32c over a kmap_local mapping, chunked by length. */
static u32 ck_crc_page(u32 crc, struct page *page, unsigned int off, unsigned int len)
{
	char *kaddr = kmap_local_page(page);

	crc = crc32c(crc, kaddr + off, len);
	kunmap_local(kaddr);
	return crc;
}

/* Shape 12, silent: hashing through a digest helper; reads only. */
static int ck_digest_page(struct shash_desc *desc, struct page *page, unsigned int off, unsigned int len, u8 *out)
{
	void *data = kmap_local_page(page);
	int err = crypto_shash_digest(desc, data + off, len, out);

	kunmap_local(data);
	return err;
}

/* Shape 12, silent: a loop reads words out of the page into a local accumulator and an output array. */
static unsigned int ck_count_zero_words(struct page *page, u32 *first_nonzero)
{
	u32 *w = kmap_local_page(page);
	unsigned int i, zeros = 0;

	*first_nonzero = 0;
	for (i = 0; i < PAGE_SIZE / 4; i++) {
		if (w[i] == 0)
			zeros++;
		else if (!*first_nonzero)
			*first_nonzero = w[i];
	}
	kunmap_local(w);
	return zeros;
}

/* Shape 12, silent: memcpy out of the page (page is the source). */
static void ck_snapshot(struct page *page, void *dst, size_t len)
{
	void *kaddr = kmap(page);

	memcpy(dst, kaddr, len);
	kunmap(page);
}

/* Shape 12, silent: memcpy_from_page reads only. */
static void ck_snapshot_helper(struct page *page, void *dst, size_t off, size_t len)
{
	memcpy_from_page(dst, page, off, len);
}

/* Shape 12, silent: the mapped pointer is advanced (a pointer variable write, not a page write). */
static u32 ck_sum_bytes(struct page *page, size_t len)
{
	const u8 *p = kmap_local_page(page);
	const u8 *base = p;
	u32 sum = 0;

	while (len--)
		sum += *p++;
	kunmap_local(base);
	return sum;
}

/* Shape 12 + 5, must flag: after checksumming, the result is stored back into the page trailer. */
static void ck_seal_page(struct page *page)
{
	u8 *kaddr = kmap_local_page(page);
	u32 crc = crc32c(~0, kaddr, PAGE_SIZE - 4);

	put_unaligned_le32(crc, kaddr + PAGE_SIZE - 4); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
}

/* Shape 12 + 5, silent: the same seal, flushed. */
static void ck_seal_page_flushed(struct page *page)
{
	u8 *kaddr = kmap_local_page(page);
	u32 crc = crc32c(~0, kaddr, PAGE_SIZE - 4);

	put_unaligned_le32(crc, kaddr + PAGE_SIZE - 4);
	kunmap_local(kaddr);
	flush_dcache_page(page);
}

/* Shape 10: loops over bio_vecs with bvec_kmap_local / memcpy_to_bvec. */

/* Shape 10, silent: each bvec is mapped, filled, unmapped and flushed inside the loop. */
static void wc_bio_copy_block(struct bio *bio, const u8 *data, unsigned int size)
{
	while (size) {
		struct bio_vec bv = bio_iter_iovec(bio, bio->bi_iter);
		unsigned int len = min(bv.bv_len, size);
		char *buf = bvec_kmap_local(&bv);

		memcpy(buf, data, len);
		kunmap_local(buf);
		flush_dcache_page(bv.bv_page);
		data += len;
		size -= len;
		bio_advance(bio, len);
	}
}

/* Shape 10, must flag: the same loop without the flush. */
static void wc_bio_copy_block_noflush(struct bio *bio, const u8 *data, unsigned int size)
{
	while (size) {
		struct bio_vec bv = bio_iter_iovec(bio, bio->bi_iter);
		unsigned int len = min(bv.bv_len, size);
		char *buf = bvec_kmap_local(&bv);

		memcpy(buf, data, len); // expect: missing-flush-dcache-page
		kunmap_local(buf);
		data += len;
		size -= len;
		bio_advance(bio, len);
	}
}

/* Helper semantics, silent: memcpy_to_bvec flushes (it wraps memcpy_to_page). */
static void wc_fill_bio(struct bio *bio, const u8 *data)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter) {
		memcpy_to_bvec(&bv, data);
		data += bv.bv_len;
	}
}

/* Helper semantics, silent: memzero_bvec flushes. */
static void wc_zero_bio(struct bio *bio)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter)
		memzero_bvec(&bv);
}

/* Shape 12, silent: bvec mappings only read to compute a digest. */
static u32 wc_bio_digest(struct bio *bio)
{
	struct bio_vec bv;
	struct bvec_iter iter;
	u32 crc = ~0;

	bio_for_each_segment(bv, bio, iter) {
		void *p = bvec_kmap_local(&bv);

		crc = crc32c(crc, p, bv.bv_len);
		kunmap_local(p);
	}
	return crc;
}

/* Shape 10, must flag: bio_for_each_segment with a block body that writes the bvec page and does not flush. */
static void wc_bio_stamp(struct bio *bio, u8 tag)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter) {
		u8 *p = bvec_kmap_local(&bv);

		p[0] = tag; // expect: missing-flush-dcache-page
		kunmap_local(p);
	}
}

/* Shape 10 + 14, must flag: bvec_virt() of a bio page written without any kmap or flush. */
static void wc_bio_fill_lowmem(struct bio *bio, u8 pattern)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter)
		memset(bvec_virt(&bv), pattern, bv.bv_len); // expect: missing-flush-dcache-page
}

/* Shape 10 + 14, silent: bvec_virt() write followed by the flush of the bvec page. */
static void wc_bio_fill_lowmem_flushed(struct bio *bio, u8 pattern)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter) {
		memset(bvec_virt(&bv), pattern, bv.bv_len);
		flush_dcache_page(bv.bv_page);
	}
}

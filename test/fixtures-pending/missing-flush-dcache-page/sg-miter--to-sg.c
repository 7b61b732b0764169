/* Shapes 7 + 10: sg_miter loops; sg_miter_stop() flushes the pages when SG_MITER_TO_SG is set. */

/* Shape 10, silent: copy a buffer into the scatterlist with SG_MITER_TO_SG; sg_miter_stop flushes. */
static size_t sm_copy_to_sg(struct scatterlist *sgl, unsigned int nents, const u8 *buf, size_t buflen)
{
	struct sg_mapping_iter miter;
	size_t offset = 0;

	sg_miter_start(&miter, sgl, nents, SG_MITER_ATOMIC | SG_MITER_TO_SG);
	while (offset < buflen && sg_miter_next(&miter)) {
		size_t len = min(miter.length, buflen - offset);

		memcpy(miter.addr, buf + offset, len);
		offset += len;
	}
	sg_miter_stop(&miter);
	return offset;
}

/* Shape 12, silent: SG_MITER_FROM_SG and the mapping is only read. */
static size_t sm_copy_from_sg(struct scatterlist *sgl, unsigned int nents, u8 *buf, size_t buflen)
{
	struct sg_mapping_iter miter;
	size_t offset = 0;

	sg_miter_start(&miter, sgl, nents, SG_MITER_ATOMIC | SG_MITER_FROM_SG);
	while (offset < buflen && sg_miter_next(&miter)) {
		size_t len = min(miter.length, buflen - offset);

		memcpy(buf + offset, miter.addr, len);
		offset += len;
	}
	sg_miter_stop(&miter);
	return offset;
}

/* Shape 10, must flag: the iterator was started FROM_SG, so sg_miter_stop will not flush the pages written here. */
static void sm_scrub_sg(struct scatterlist *sgl, unsigned int nents)
{
	struct sg_mapping_iter miter;

	sg_miter_start(&miter, sgl, nents, SG_MITER_FROM_SG);
	while (sg_miter_next(&miter))
		memset(miter.addr, 0, miter.length); // expect: missing-flush-dcache-page
	sg_miter_stop(&miter);
}

/* Shape 10, silent: the direction is chosen at run time; the flag follows the direction of the copy. */
static size_t sm_copy_buffer(struct scatterlist *sgl, unsigned int nents, void *buf, size_t buflen, bool to_buffer)
{
	struct sg_mapping_iter miter;
	unsigned int sg_flags = SG_MITER_ATOMIC;
	size_t offset = 0;

	if (to_buffer)
		sg_flags |= SG_MITER_FROM_SG;
	else
		sg_flags |= SG_MITER_TO_SG;
	sg_miter_start(&miter, sgl, nents, sg_flags);
	while (offset < buflen && sg_miter_next(&miter)) {
		size_t len = min(miter.length, buflen - offset);

		if (to_buffer)
			memcpy(buf + offset, miter.addr, len);
		else
			memcpy(miter.addr, buf + offset, len);
		offset += len;
	}
	sg_miter_stop(&miter);
	return offset;
}

/* Shape 10, must flag: an early return inside the loop skips sg_miter_stop, so the written page is never flushed. */
static int sm_fill_until(struct scatterlist *sgl, unsigned int nents, const u8 *src, size_t n, u8 stop)
{
	struct sg_mapping_iter miter;
	size_t done = 0;

	sg_miter_start(&miter, sgl, nents, SG_MITER_TO_SG);
	while (done < n && sg_miter_next(&miter)) {
		size_t len = min(miter.length, n - done);

		memcpy(miter.addr, src + done, len); // expect: missing-flush-dcache-page
		if (src[done] == stop)
			return -EINVAL;
		done += len;
	}
	sg_miter_stop(&miter);
	return 0;
}

/* Shape 7 + 10, silent: the write uses the sg iterator of a caller-owned struct; the owner calls sg_miter_stop. */
static void sm_push_bytes(struct sm_host *host, const u8 *data, size_t n)
{
	struct sg_mapping_iter *sgm = &host->sg_miter;

	if (!sg_miter_next(sgm))
		return;
	memcpy(sgm->addr, data, min(n, sgm->length));
	sgm->consumed = min(n, sgm->length);
}

/* Shapes 9 + 10, silent: data area pages copied to/from the sg list by direction; the data area page is flushed when written. */
static void sm_copy_data_area(struct sm_dev *dev, struct scatterlist *sg, unsigned int nents, size_t len, int to_area)
{
	struct sg_mapping_iter it;
	struct page *page = sm_data_page(dev, 0);
	void *area;

	sg_miter_start(&it, sg, nents, SG_MITER_ATOMIC | (to_area ? SG_MITER_FROM_SG : SG_MITER_TO_SG));
	if (!to_area)
		flush_dcache_page(page);
	area = kmap_atomic(page);
	while (len && sg_miter_next(&it)) {
		size_t cp = min(it.length, len);

		if (to_area)
			memcpy(area, it.addr, cp);
		else
			memcpy(it.addr, area, cp);
		len -= cp;
		it.consumed = cp;
	}
	sg_miter_stop(&it);
	kunmap_atomic(area);
	if (to_area)
		flush_dcache_page(page);
}

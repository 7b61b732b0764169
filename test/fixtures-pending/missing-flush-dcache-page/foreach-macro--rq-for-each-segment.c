/* Shape 10: kernel for-each macros (rq_for_each_segment, bio_for_each_segment, for_each_sg) as loops. */

/* Shape 10, silent: the request's first bio page is written through kmap; a single-statement
 * rq_for_each_segment loop then flushes every segment page, which includes that one. */
static int bt_do_read(struct bt_dev *dev, struct request *req, unsigned long block, unsigned long nsect)
{
	struct req_iterator iter;
	struct bio_vec bvec;
	char *buf;
	int err = 0;

	buf = kmap(bio_page(req->bio)) + bio_offset(req->bio);
	for (; nsect > 0; nsect--, block++, buf += 512)
		memcpy(buf, dev->cache + block * 512, 512);
	kunmap(bio_page(req->bio));

	rq_for_each_segment(bvec, req, iter)
		flush_dcache_page(bvec.bv_page);
	return err;
}

/* Shape 10, silent: the pages are filled by a same-file helper through the sg list; the macro loop flushes them all. */
static int bt_read_sg(struct bt_dev *dev, struct scatterlist *sgl, int nents)
{
	return sg_copy_from_buffer(sgl, nents, dev->cache, dev->size);
}

static void bt_do_work(struct bt_dev *dev, struct request *req)
{
	struct req_iterator iter;
	struct bio_vec bvec;
	int ret;

	blk_rq_map_sg(req->q, req, dev->sgl);
	ret = bt_read_sg(dev, dev->sgl, dev->nents);
	rq_for_each_segment(bvec, req, iter)
		flush_dcache_page(bvec.bv_page);
	blk_mq_end_request(req, errno_to_blk_status(ret));
}

/* Shape 10, silent: single-statement macro body, the flush is part of that one statement (a same-file call). */
static void bt_flush_segment(struct bio_vec *bv)
{
	flush_dcache_page(bv->bv_page);
}

static void bt_zero_request(struct request *req)
{
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, req, iter) {
		void *p = bvec_kmap_local(&bvec);

		memset(p, 0, bvec.bv_len);
		kunmap_local(p);
		bt_flush_segment(&bvec);
	}
}

/* Shape 10, must flag: the request pages are written and never flushed. */
static void bt_fill_request(struct request *req, u8 fill)
{
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, req, iter) {
		void *p = bvec_kmap_local(&bvec);

		memset(p, fill, bvec.bv_len); // expect: missing-flush-dcache-page
		kunmap_local(p);
	}
}

/* Shape 10, must flag: single-statement rq_for_each_segment body writing through memcpy_page (no flush). */
static void bt_copy_request(struct request *req, struct page *src)
{
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, req, iter)
		memcpy_page(bvec.bv_page, bvec.bv_offset, src, 0, bvec.bv_len); // expect: missing-flush-dcache-page
}

/* Shape 10, silent: single-statement rq_for_each_segment body using memcpy_to_page (flushes). */
static void bt_copy_request_ok(struct request *req, const char *src)
{
	struct req_iterator iter;
	struct bio_vec bvec;

	rq_for_each_segment(bvec, req, iter)
		memcpy_to_page(bvec.bv_page, bvec.bv_offset, src, bvec.bv_len);
}

/* Shape 10 + 13, silent: a bounce copy where the written pages are freshly allocated bounce pages. */
static void bt_bounce_copy_from(struct bio *bio)
{
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter) {
		struct page *bounce = alloc_page(GFP_NOIO);
		char *vto = kmap_local_page(bounce);
		char *vfrom = bvec_kmap_local(&bv);

		memcpy(vto + bv.bv_offset, vfrom, bv.bv_len);
		kunmap_local(vfrom);
		kunmap_local(vto);
		bt_queue_bounce(bio, bounce);
	}
}

/* Shape 10 + 11, silent: before reading user-visible bio pages into the bounce page, flush the source (read side). */
static void bt_bounce_copy_flush_src(struct bio *bio, struct page *bounce)
{
	struct bio_vec from;
	struct bvec_iter iter;

	bio_for_each_segment(from, bio, iter) {
		flush_dcache_page(from.bv_page);
		memcpy_from_page(page_address(bounce), from.bv_page, from.bv_offset, from.bv_len);
	}
}

/* Shape 10, must flag: for_each_sg over a table, each sg page written, flush missing. */
static void bt_fill_sgt(struct sg_table *sgt, u8 v)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgt->sgl, sg, sgt->nents, i) {
		u8 *p = kmap_local_page(sg_page(sg));

		memset(p + sg->offset, v, sg->length); // expect: missing-flush-dcache-page
		kunmap_local(p);
	}
}

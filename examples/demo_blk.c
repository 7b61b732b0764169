// SPDX-License-Identifier: GPL-2.0
/*
 * A small block-style driver written for the FlushGuard demo: it copies data into the pages of a
 * request, the way RAM-disk and PIO drivers do. Two functions forget the flush on some path; on
 * writes, demo_do_bvec() reads the page with no flush before it (a note: the reading side).
 */
#include <linux/blkdev.h>
#include <linux/highmem.h>

struct demo_dev {
	void *store;
	size_t size;
};

/* Read: copy from the device store into the bio's page. The early return skips the flush. */
static int demo_read_page(struct demo_dev *dev, struct page *page, unsigned int off,
			  unsigned int len, sector_t sector)
{
	void *dst = kmap_local_page(page);
	int err = 0;

	if (sector * 512 + len > dev->size) {
		memset(dst + off, 0, len);
		kunmap_local(dst);
		return -EIO;
	}
	memcpy(dst + off, dev->store + sector * 512, len);
	kunmap_local(dst);
	flush_dcache_page(page);
	return err;
}

/* Write: the page is only read here; a flush before the read is the caller's (brd does one). */
static void demo_write_page(struct demo_dev *dev, struct page *page, unsigned int off,
			    unsigned int len, sector_t sector)
{
	void *src = kmap_local_page(page);

	memcpy(dev->store + sector * 512, src + off, len);
	kunmap_local(src);
}

static blk_status_t demo_do_bvec(struct demo_dev *dev, struct bio_vec *bv, sector_t sector,
				 bool write)
{
	if (write)
		demo_write_page(dev, bv->bv_page, bv->bv_offset, bv->bv_len, sector);
	else if (demo_read_page(dev, bv->bv_page, bv->bv_offset, bv->bv_len, sector))
		return BLK_STS_IOERR;
	return BLK_STS_OK;
}

/* Status block in a page user space maps with mmap(): written, never flushed. */
static void demo_update_status(struct page *status_page, u32 head, u32 tail)
{
	struct demo_status {
		u32 head;
		u32 tail;
	} *st = kmap_atomic(status_page);

	st->head = head;
	st->tail = tail;
	kunmap_atomic(st);
}

/* A private bounce page: written, but nobody else maps it. */
static struct page *demo_bounce(const void *data, size_t len)
{
	struct page *page = alloc_page(GFP_NOIO);
	void *p;

	if (!page)
		return NULL;
	p = kmap_local_page(page);
	memcpy(p, data, len);
	kunmap_local(p);
	return page;
}

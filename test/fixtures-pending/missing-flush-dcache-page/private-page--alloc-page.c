/* Shape 13: driver-private pages (alloc_page, mempool_alloc, pool structs filled from alloc_page) need no flush. */

struct pl_list {
	struct page *tail_page;
	void *mapped_tail;
	size_t room;
};

/* Shape 13, silent: a fresh page is kept kmapped as the tail of a private list. */
static int pl_add_page(struct pl_list *pl)
{
	struct page *page = alloc_page(GFP_NOFS);

	if (!page)
		return -ENOMEM;
	pl->tail_page = page;
	pl->mapped_tail = kmap(page);
	memset(pl->mapped_tail, 0, PAGE_SIZE);
	pl->room = PAGE_SIZE;
	return 0;
}

/* Shape 13, silent: a fill page from alloc_page, used as a bio payload for zeroing the disk. */
static int pl_fill_disk(struct block_device *bdev, sector_t lbo, int pattern)
{
	struct page *fill = alloc_page(GFP_KERNEL);
	void *kaddr;
	int err;

	if (!fill)
		return -ENOMEM;
	kaddr = kmap_atomic(fill);
	memset(kaddr, pattern, PAGE_SIZE);
	kunmap_atomic(kaddr);
	err = pl_submit_page(bdev, lbo, fill);
	__free_page(fill);
	return err;
}

/* Shape 13, silent: a mempool page used to verify a checksum of recovered data. */
static int pl_verify_block(struct pl_log *log, sector_t sector, u32 want)
{
	struct page *page = mempool_alloc(log->page_pool, GFP_NOIO);
	void *addr;
	u32 crc;

	pl_sync_read(log, sector, page);
	addr = kmap_atomic(page);
	memset(addr + 512, 0, PAGE_SIZE - 512);
	crc = crc32c(log->uuid_csum, addr, PAGE_SIZE);
	kunmap_atomic(addr);
	mempool_free(page, log->page_pool);
	return crc == want ? 0 : -EIO;
}

struct pl_sb_holder {
	struct page *sb_page;
	struct page *pages[4];
};

/* Allocates the private pages kept in pl_sb_holder; the same file fills these fields from alloc_page. */
static int pl_holder_init(struct pl_sb_holder *h)
{
	int i;

	h->sb_page = alloc_page(GFP_KERNEL);
	if (!h->sb_page)
		return -ENOMEM;
	for (i = 0; i < 4; i++)
		h->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	return 0;
}

/* Shape 13, silent: the superblock page is a struct field that the same file fills from alloc_page. */
static void pl_write_sb(struct pl_sb_holder *h, u64 events)
{
	__le64 *sb = kmap_atomic(h->sb_page);

	sb[0] = cpu_to_le64(events);
	kunmap_atomic(sb);
}

/* Shape 13, silent: an element of a same-file alloc_page'd array. */
static void pl_stamp_page(struct pl_sb_holder *h, int i, u32 v)
{
	u32 *p = kmap_local_page(h->pages[i]);

	p[0] = v;
	kunmap_local(p);
}

/* Shape 13, silent: a bounce page from alloc_page with page_address (lowmem), filled, submitted, freed. */
static int pl_bounce_write(struct block_device *bdev, const void *buf, size_t len)
{
	struct page *page = alloc_page(GFP_NOIO);
	int ret;

	if (!page)
		return -ENOMEM;
	memcpy(page_address(page), buf, len);
	ret = pl_submit_page(bdev, 0, page);
	__free_page(page);
	return ret;
}

/* Shape 13, silent: the fill page is private, and flushed anyway; a redundant flush is not a finding. */
static void pl_fill_flushed(int pattern)
{
	struct page *fill = alloc_page(GFP_KERNEL);
	void *kaddr = kmap_local_page(fill);

	memset(kaddr, pattern, PAGE_SIZE);
	flush_dcache_page(fill);
	kunmap_local(kaddr);
	pl_use_fill(fill);
}

/* Shape 13, must flag: the page starts private, but is inserted into the page cache after the write. */
static int pl_add_cached(struct address_space *mapping, pgoff_t index, const void *src)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *kaddr;

	if (!page)
		return -ENOMEM;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, src, PAGE_SIZE); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	SetPageUptodate(page);
	return add_to_page_cache_lru(page, mapping, index, GFP_KERNEL);
}

/* Shape 13, silent: the same insertion with the flush done before publishing. */
static int pl_add_cached_flushed(struct address_space *mapping, pgoff_t index, const void *src)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *kaddr;

	if (!page)
		return -ENOMEM;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, src, PAGE_SIZE);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	SetPageUptodate(page);
	return add_to_page_cache_lru(page, mapping, index, GFP_KERNEL);
}

/* Shape 13, must flag: a struct field page that this file never allocates is of unknown origin. */
static void pl_write_user_page(struct pl_req *req, u32 v)
{
	u32 *p = kmap_local_page(req->user_page);

	p[0] = v; // expect: missing-flush-dcache-page
	kunmap_local(p);
}

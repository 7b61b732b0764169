/* Shape 8: the page is mapped in one function and unmapped + flushed in another (host state in a struct). */

struct sd_host {
	struct page *page;
	void *mapped;
	u8 bounce[512];
	unsigned int dir_read;
};

/* Shape 8, silent: maps the sg page and keeps the address in the host; no write here. */
static void *sd_sg_map(struct sd_host *host, struct scatterlist *sg)
{
	host->page = sg_page(sg);
	host->mapped = kmap(host->page);
	return host->mapped + sg->offset;
}

/* Shape 8, silent: copies the bounce buffer into the stored mapping; sd_sg_unmap flushes it later. */
static void sd_read_block(struct sd_host *host, size_t len)
{
	memcpy(host->mapped, host->bounce, len);
}

/* Shape 8, silent: the paired unmap helper flushes and unmaps. */
static void sd_sg_unmap(struct sd_host *host)
{
	if (!host->page)
		return;
	flush_dcache_page(host->page);
	kunmap(host->page);
	host->page = NULL;
}

/* Shape 8 + 9, silent: mapping stored in a transfer struct, the device fills it in a loop, flush for the read direction. */
static int sd_data_do(struct sd_host *host, struct sd_xfer *t, struct scatterlist *sgl, int nents, int to_dev)
{
	struct scatterlist *sg;
	int n, status = 0;

	for_each_sg(sgl, sg, nents, n) {
		void *kaddr = kmap(sg_page(sg));

		if (to_dev)
			t->tx_buf = kaddr + sg->offset;
		else
			t->rx_buf = kaddr + sg->offset;
		status = sd_transfer(host, t, sg->length);
		if (!to_dev)
			flush_dcache_page(sg_page(sg));
		kunmap(sg_page(sg));
		if (status < 0)
			break;
	}
	return status;
}

/* Shape 8, must flag: one function maps, writes and unmaps itself, but nobody flushes. */
static void sd_read_block_local(struct sd_host *host, struct scatterlist *sg, size_t len)
{
	void *kaddr = kmap(sg_page(sg));

	memcpy(kaddr + sg->offset, host->bounce, len); // expect: missing-flush-dcache-page
	kunmap(sg_page(sg));
}

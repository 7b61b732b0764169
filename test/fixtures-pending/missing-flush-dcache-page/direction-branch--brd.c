/* Shape 9 (direction branch) and shape 11: the flush follows the write on the read side, precedes the read on the write side. */

static void rd_copy_from_store(void *dst, struct rd_dev *rd, sector_t sector, size_t n)
{
	memcpy(dst, rd->store + (sector << SECTOR_SHIFT), n);
}

static void rd_copy_to_store(struct rd_dev *rd, const void *src, sector_t sector, size_t n)
{
	memcpy(rd->store + (sector << SECTOR_SHIFT), src, n);
}

/* Shape 9 + 11, silent: read direction writes the page then flushes; write direction flushes before reading it. */
static int rd_do_bvec(struct rd_dev *rd, struct page *page, unsigned int len, unsigned int off, blk_opf_t opf, sector_t sector)
{
	void *mem = kmap_atomic(page);

	if (!op_is_write(opf)) {
		rd_copy_from_store(mem + off, rd, sector, len);
		flush_dcache_page(page);
	} else {
		flush_dcache_page(page);
		rd_copy_to_store(rd, mem + off, sector, len);
	}
	kunmap_atomic(mem);
	return 0;
}

/* Shape 9, must flag: the read direction fills the page but forgets the flush. */
static int rd_do_bvec_noflush(struct rd_dev *rd, struct page *page, unsigned int len, unsigned int off, blk_opf_t opf, sector_t sector)
{
	void *mem = kmap_atomic(page);

	if (!op_is_write(opf)) {
		rd_copy_from_store(mem + off, rd, sector, len); // expect: missing-flush-dcache-page
	} else {
		flush_dcache_page(page);
		rd_copy_to_store(rd, mem + off, sector, len);
	}
	kunmap_atomic(mem);
	return 0;
}

/* Shape 9, silent: the direction is tested twice with the same local; the unflushed combination is infeasible. */
static void rd_pio_sector(struct rd_port *port, struct page *page, unsigned int off, size_t n, unsigned int flags)
{
	bool do_write = flags & RD_FLAG_WRITE;
	u8 *buf = kmap_atomic(page);

	if (do_write)
		rd_port_out(port, buf + off, n);
	else
		rd_port_in(port, buf + off, n);
	kunmap_atomic(buf);
	if (!do_write)
		flush_dcache_page(page);
}

/* Shape 9 + 13, silent: the flush is skipped only for slab pages, which user space never maps. */
static void rd_pio_sector_slab(struct rd_port *port, struct page *page, unsigned int off, size_t n, bool do_write)
{
	u8 *buf = kmap_atomic(page);

	if (do_write)
		rd_port_out(port, buf + off, n);
	else
		memcpy(buf + off, port->fifo, n);
	kunmap_atomic(buf);
	if (!do_write && !PageSlab(page))
		flush_dcache_page(page);
}

/* Shape 9, must flag: the flush is guarded by the wrong direction (it flushes after writes to the device). */
static void rd_pio_sector_inverted(struct rd_port *port, struct page *page, unsigned int off, size_t n, bool do_write)
{
	u8 *buf = kmap_atomic(page);

	if (do_write)
		rd_port_out(port, buf + off, n);
	else
		memcpy(buf + off, port->fifo, n); // expect: missing-flush-dcache-page
	kunmap_atomic(buf);
	if (do_write)
		flush_dcache_page(page);
}

/* Shape 11, silent: the kernel only reads the page (write to the device) and flushes first; no write, nothing to report. */
static void rd_write_out(struct rd_dev *rd, struct page *page, sector_t sector)
{
	void *mem;

	flush_dcache_page(page);
	mem = kmap_local_page(page);
	rd_copy_to_store(rd, mem, sector, PAGE_SIZE);
	kunmap_local(mem);
}

/* Shape 11, silent: the read-side flush before reading is disputed; a read without it is not this rule's finding. */
static void rd_write_out_noflush(struct rd_dev *rd, struct page *page, sector_t sector)
{
	void *mem = kmap_local_page(page);

	rd_copy_to_store(rd, mem, sector, PAGE_SIZE);
	kunmap_local(mem);
}

/* Shape 9, silent: a copy state machine flushes at the end only when the kernel wrote the page (cs->write false). */
static int rd_copy_page(struct rd_copy_state *cs, struct page *page, unsigned int offset, unsigned int count)
{
	while (count) {
		void *mapaddr = kmap_local_page(page);
		unsigned int n = min(count, cs->len);

		if (cs->write)
			memcpy(cs->buf, mapaddr + offset, n);
		else
			memcpy(mapaddr + offset, cs->buf, n);
		kunmap_local(mapaddr);
		offset += n;
		count -= n;
	}
	if (!cs->write)
		flush_dcache_page(page);
	return 0;
}

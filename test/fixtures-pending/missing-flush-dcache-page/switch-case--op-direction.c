/* Shape 9 with switch: the flush belongs to the case that writes the page. */

/* Silent: READ writes and flushes, WRITE only reads, DISCARD does not touch the page. */
static int sw_do_request(struct sw_dev *dev, struct page *page, unsigned int op, sector_t block)
{
	char *buf = kmap(page);
	int ret = 0;

	switch (op) {
	case SW_OP_READ:
		memcpy(buf, dev->store + block * 512, 512);
		flush_dcache_page(page);
		break;
	case SW_OP_WRITE:
		memcpy(dev->store + block * 512, buf, 512);
		break;
	case SW_OP_DISCARD:
		memset(dev->store + block * 512, 0, 512);
		break;
	default:
		ret = -EIO;
	}
	kunmap(page);
	return ret;
}

/* Must flag: a new ZERO case writes the page and breaks before any flush. */
static int sw_do_request_zero(struct sw_dev *dev, struct page *page, unsigned int op, sector_t block)
{
	char *buf = kmap(page);
	int ret = 0;

	switch (op) {
	case SW_OP_READ:
		memcpy(buf, dev->store + block * 512, 512);
		flush_dcache_page(page);
		break;
	case SW_OP_ZERO:
		memset(buf, 0, 512); // expect: missing-flush-dcache-page
		break;
	case SW_OP_WRITE:
		memcpy(dev->store + block * 512, buf, 512);
		break;
	default:
		ret = -EIO;
	}
	kunmap(page);
	return ret;
}

/* Silent: ZERO falls through into READ's flush. */
static int sw_do_request_fallthrough(struct sw_dev *dev, struct page *page, unsigned int op, sector_t block)
{
	char *buf = kmap(page);

	switch (op) {
	case SW_OP_ZERO:
		memset(buf, 0, 512);
		fallthrough;
	case SW_OP_READ:
		if (op == SW_OP_READ)
			memcpy(buf, dev->store + block * 512, 512);
		flush_dcache_page(page);
		break;
	default:
		break;
	}
	kunmap(page);
	return 0;
}

/* Must flag: the default case returns early after writing, before the shared flush. */
static int sw_do_request_default_return(struct sw_dev *dev, struct page *page, unsigned int op)
{
	char *buf = kmap_local_page(page);

	switch (op) {
	case SW_OP_READ:
		memcpy(buf, dev->store, 512);
		break;
	default:
		memset(buf, 0xff, 512); // expect: missing-flush-dcache-page
		kunmap_local(buf);
		return -EOPNOTSUPP;
	}
	kunmap_local(buf);
	flush_dcache_page(page);
	return 0;
}

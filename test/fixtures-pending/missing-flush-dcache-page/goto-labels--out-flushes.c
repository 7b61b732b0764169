/* Shape 9 (goto labels): the flush sits at a label that every path reaches, or is skipped by a goto. */

/* Shape 9, silent: every exit funnels through out:, which flushes. */
static int hf_read_folio(struct hf_file *f, struct page *page)
{
	char *buf = kmap_local_page(page);
	int ret;

	ret = hf_read_remote(f, page_offset(page), buf, PAGE_SIZE);
	if (ret < 0)
		goto out;
	memset(buf + ret, 0, PAGE_SIZE - ret);
	ret = 0;
out:
	flush_dcache_page(page);
	kunmap_local(buf);
	return ret;
}

/* Shape 9, silent: both out: and error: flush, and the hole path jumps to out: directly. */
static int ub_do_readpage(struct ub_inode *ui, struct page *page)
{
	void *addr = kmap(page);
	int err;
	unsigned int i;

	for (i = 0; i < UB_BLOCKS_PER_PAGE; i++) {
		err = ub_read_block(ui, addr + i * UB_BLOCK_SIZE, page->index, i);
		if (err == -ENOENT)
			memset(addr + i * UB_BLOCK_SIZE, 0, UB_BLOCK_SIZE);
		else if (err)
			break;
	}
	if (err == -ENOENT)
		goto out;
	if (err)
		goto error;
out:
	SetPageUptodate(page);
	flush_dcache_page(page);
	kunmap(page);
	return 0;
error:
	ClearPageUptodate(page);
	flush_dcache_page(page);
	kunmap(page);
	return err;
}

/* Shape 9, silent: a copy loop that switches pages: flush + kunmap on each switch, and again at out:. */
static int cs_copy_args(struct cs_state *st, const char *const *argv, int argc)
{
	struct page *kmapped_page = NULL;
	char *kaddr = NULL;
	int ret = 0;
	int i;

	for (i = 0; i < argc; i++) {
		struct page *page = cs_get_arg_page(st, i);
		size_t len = strlen(argv[i]) + 1;

		if (!page) {
			ret = -E2BIG;
			goto out;
		}
		if (kmapped_page != page) {
			if (kmapped_page) {
				flush_dcache_page(kmapped_page);
				kunmap_local(kaddr);
			}
			kmapped_page = page;
			kaddr = kmap_local_page(kmapped_page);
		}
		memcpy(kaddr + cs_offset(st, i), argv[i], len);
	}
out:
	if (kmapped_page) {
		flush_dcache_page(kmapped_page);
		kunmap_local(kaddr);
	}
	return ret;
}

/* Shape 9, silent: a copy-on-write helper with several gotos, all landing on pte_unlock:, which flushes dst. */
static int wp_copy_user(struct page *dst, struct page *src, struct wp_fault *vmf, bool locked)
{
	void *kaddr = kmap_atomic(dst);
	int ret;

	if (src) {
		copy_page(kaddr, page_address(src));
		ret = 0;
		goto pte_unlock;
	}
	if (!wp_pte_same(vmf)) {
		ret = -EAGAIN;
		goto pte_unlock;
	}
	if (wp_copy_from_user_inatomic(kaddr, vmf->uaddr, PAGE_SIZE))
		clear_page(kaddr);
	ret = 0;
pte_unlock:
	if (locked)
		wp_unlock(vmf);
	kunmap_atomic(kaddr);
	flush_dcache_page(dst);
	return ret;
}

/* Shape 9, must flag: the timeout path jumps past the flush to unmap:. */
static int hf_fetch_page(struct hf_file *f, struct page *page)
{
	char *buf = kmap_local_page(page);
	int ret = 0;

	memset(buf, 0, PAGE_SIZE); // expect: missing-flush-dcache-page
	if (hf_wait(f) == -ETIMEDOUT) {
		ret = -ETIMEDOUT;
		goto unmap;
	}
	flush_dcache_page(page);
unmap:
	kunmap_local(buf);
	return ret;
}

/* Shape 9, must flag: the page-switch loop flushes on every switch, but the final page is only unmapped at out:. */
static int cs_copy_args_leaky(struct cs_state *st, const char *const *argv, int argc)
{
	struct page *kmapped_page = NULL;
	char *kaddr = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		struct page *page = cs_get_arg_page(st, i);

		if (kmapped_page != page) {
			if (kmapped_page) {
				flush_dcache_page(kmapped_page);
				kunmap_local(kaddr);
			}
			kmapped_page = page;
			kaddr = kmap_local_page(kmapped_page);
		}
		strcpy(kaddr + cs_offset(st, i), argv[i]); // expect: missing-flush-dcache-page
	}
	if (kmapped_page)
		kunmap_local(kaddr);
	return 0;
}

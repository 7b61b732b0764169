/* Helper semantics: the kernel's own helpers leave the flush to their callers (or flush themselves) by contract. */

/* Silent: the highmem.h helper itself; its contract leaves the flush to the caller. */
static inline void memcpy_page(struct page *dst_page, size_t dst_off, struct page *src_page, size_t src_off, size_t len)
{
	char *dst = kmap_local_page(dst_page);
	char *src = kmap_local_page(src_page);

	VM_BUG_ON(dst_off + len > PAGE_SIZE || src_off + len > PAGE_SIZE);
	memcpy(dst + dst_off, src + src_off, len);
	kunmap_local(src);
	kunmap_local(dst);
}

/* Silent: memset_page itself, same contract. */
static inline void memset_page(struct page *page, size_t offset, int val, size_t len)
{
	char *addr = kmap_local_page(page);

	VM_BUG_ON(offset + len > PAGE_SIZE);
	memset(addr + offset, val, len);
	kunmap_local(addr);
}

/* Silent: memcpy_to_page itself flushes. */
static inline void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len)
{
	char *to = kmap_local_page(page);

	VM_BUG_ON(offset + len > PAGE_SIZE);
	memcpy(to + offset, from, len);
	flush_dcache_page(page);
	kunmap_local(to);
}

/* Silent: zero_user_segments itself, flushing after the unmap. */
static inline void zero_user_segments(struct page *page, unsigned start1, unsigned end1, unsigned start2, unsigned end2)
{
	void *kaddr = kmap_local_page(page);

	BUG_ON(end1 > PAGE_SIZE || end2 > PAGE_SIZE);
	if (end1 > start1)
		memset(kaddr + start1, 0, end1 - start1);
	if (end2 > start2)
		memset(kaddr + start2, 0, end2 - start2);
	kunmap_local(kaddr);
	flush_dcache_page(page);
}

/* Silent: clear_highpage itself; callers that publish the page flush after it. */
static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	clear_page(kaddr);
	kunmap_local(kaddr);
}

/* Must flag: a driver's look-alike of memset_page is not a kernel helper; its callers get no contract. */
static void hx_memset_page(struct page *page, size_t offset, int val, size_t len)
{
	char *addr = kmap_local_page(page);

	memset(addr + offset, val, len); // expect: missing-flush-dcache-page
	kunmap_local(addr);
}

/* Shape 5: every syntactic form of a store through the mapping is a write; reads and pointer moves are not. */

/* Must flag: array subscript store. */
static void sk_subscript(struct page *page, int i, u8 v)
{
	u8 *p = kmap_local_page(page);

	p[i] = v; // expect: missing-flush-dcache-page
	kunmap_local(p);
}

/* Must flag: post-increment store *p++ = v in a loop. */
static void sk_post_increment(struct page *page, const u8 *src, size_t n)
{
	u8 *p = kmap_local_page(page);
	u8 *start = p;

	while (n--)
		*p++ = *src++; // expect: missing-flush-dcache-page
	kunmap_local(start);
}

/* Must flag: store through a cast of the mapping. */
static void sk_cast_store(struct page *page, unsigned int idx, u64 v)
{
	void *kaddr = kmap_atomic(page);

	((u64 *)kaddr)[idx] = v; // expect: missing-flush-dcache-page
	kunmap_atomic(kaddr);
}

/* Must flag: bitwise compound assignment on a field. */
static void sk_set_flags(struct page *page, u32 mask)
{
	struct sk_hdr *h = kmap_local_page(page);

	h->flags |= mask; // expect: missing-flush-dcache-page
	kunmap_local(h);
}

/* Must flag: WRITE_ONCE on a field through the mapping. */
static void sk_write_once(struct page *page, u32 status)
{
	struct sk_hdr *h = kmap_atomic(page);

	WRITE_ONCE(h->status, status); // expect: missing-flush-dcache-page
	kunmap_atomic(h);
}

/* Must flag: snprintf into the mapping. */
static int sk_format(struct page *page, u64 value)
{
	char *buf = kmap(page);
	int n = snprintf(buf, PAGE_SIZE, "%llu\n", value); // expect: missing-flush-dcache-page

	kunmap(page);
	return n;
}

/* Must flag: pre-increment of a counter in the page. */
static void sk_bump(struct page *page)
{
	struct sk_hdr *h = kmap_local_page(page);

	++h->count; // expect: missing-flush-dcache-page
	kunmap_local(h);
}

/* Must flag: struct assignment into an element of an array in the page. */
static void sk_struct_assign(struct page *page, unsigned int slot, const struct sk_ent *e)
{
	struct sk_ent *ents = kmap_local_page(page);

	ents[slot] = *e; // expect: missing-flush-dcache-page
	kunmap_local(ents);
}

/* Must flag: a nested member of an embedded struct. */
static void sk_nested_member(struct page *page, u16 v)
{
	struct sk_hdr *h = kmap_local_page(page);

	h->inner.version = cpu_to_le16(v); // expect: missing-flush-dcache-page
	kunmap_local(h);
}

/* Silent: reads of every form, and updating the pointer variable itself. */
static u32 sk_reads_only(struct page *page, unsigned int i)
{
	struct sk_hdr *h = kmap_local_page(page);
	u8 *bytes = (u8 *)h;
	u32 v = h->flags;

	v += bytes[i];
	v += READ_ONCE(h->status);
	bytes += 16;
	v += *bytes;
	kunmap_local(h);
	return v;
}

/* Silent: each store form, flushed once at the end. */
static void sk_all_flushed(struct page *page, const struct sk_ent *e, u32 mask)
{
	struct sk_hdr *h = kmap_local_page(page);
	struct sk_ent *ents = (struct sk_ent *)(h + 1);

	h->flags |= mask;
	++h->count;
	WRITE_ONCE(h->status, 1);
	ents[0] = *e;
	kunmap_local(h);
	flush_dcache_page(page);
}

/* Silent: a local copy of the mapping's contents is modified, not the page. */
static u32 sk_local_copy(struct page *page)
{
	struct sk_hdr *h = kmap_local_page(page);
	struct sk_hdr tmp = *h;

	tmp.flags |= 1;
	tmp.count++;
	kunmap_local(h);
	return tmp.flags + tmp.count;
}

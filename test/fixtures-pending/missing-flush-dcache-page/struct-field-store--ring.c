/* Shape 5: a ring header living in a user-mapped page, updated by field stores through the mapping. */

struct ev_ring {
	unsigned int id;
	unsigned int nr;
	unsigned int head;
	unsigned int tail;
	unsigned int flags;
};

/* Shape 5, silent: ring->tail store, then flush_dcache_page of the ring page. */
static void ev_publish_tail(struct ev_ctx *ctx, unsigned int tail)
{
	struct ev_ring *ring = kmap_atomic(ctx->ring_pages[0]);

	ring->tail = tail;
	kunmap_atomic(ring);
	flush_dcache_page(ctx->ring_pages[0]);
}

/* Shape 5, must flag: a field store is a write even without memcpy. */
static void ev_publish_tail_noflush(struct ev_ctx *ctx, unsigned int tail)
{
	struct ev_ring *ring = kmap_atomic(ctx->ring_pages[0]);

	ring->tail = tail; // expect: missing-flush-dcache-page
	kunmap_atomic(ring);
}

/* Shape 5, silent: the setup path initialises several header fields and flushes once. */
static void ev_setup_ring(struct ev_ctx *ctx, unsigned int nr)
{
	struct ev_ring *ring = kmap_atomic(ctx->ring_pages[0]);

	ring->nr = nr;
	ring->id = ctx->user_id;
	ring->head = 0;
	ring->tail = 0;
	ring->flags = 0;
	kunmap_atomic(ring);
	flush_dcache_page(ctx->ring_pages[0]);
}

/* Shape 5, must flag: a compound assignment on a field (head advanced by the consumer path). */
static void ev_consume(struct page *ring_page, unsigned int n)
{
	struct ev_ring *ring = kmap_local_page(ring_page);

	ring->head += n; // expect: missing-flush-dcache-page
	kunmap_local(ring);
}

/* Shape 5 + 12, silent: fields are only read. */
static unsigned int ev_available(struct page *ring_page)
{
	struct ev_ring *ring = kmap_local_page(ring_page);
	unsigned int avail;

	if (ring->tail >= ring->head)
		avail = ring->tail - ring->head;
	else
		avail = ring->nr - ring->head + ring->tail;
	kunmap_local(ring);
	return avail;
}

/* Shape 5, must flag: a store through a plain dereference (*p = v). */
static void ev_set_flag_word(struct page *page, unsigned int bit)
{
	unsigned int *word = kmap_atomic(page);

	*word = 1u << bit; // expect: missing-flush-dcache-page
	kunmap_atomic(word);
}

/* Shape 5, silent: the same dereference store, flushed. */
static void ev_set_flag_word_flushed(struct page *page, unsigned int bit)
{
	unsigned int *word = kmap_atomic(page);

	*word = 1u << bit;
	kunmap_atomic(word);
	flush_dcache_page(page);
}

/* Shape 5, silent: the read path stores the new head into a local, then writes it back and flushes. */
static int ev_read_events(struct ev_ctx *ctx, unsigned int *out, unsigned int max)
{
	struct ev_ring *ring = kmap_atomic(ctx->ring_pages[0]);
	unsigned int head = ring->head;
	unsigned int n = 0;

	while (n < max && head != ring->tail) {
		out[n++] = head;
		head = (head + 1) % ring->nr;
	}
	ring->head = head;
	kunmap_atomic(ring);
	flush_dcache_page(ctx->ring_pages[0]);
	return n;
}

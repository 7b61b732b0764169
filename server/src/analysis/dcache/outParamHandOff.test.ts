import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../../test/helpers';

const RULE = 'missing-flush-dcache-page';

/**
 * A write_begin that fills an inline file's folio and hands it out through `*foliop`, unless the
 * mapping went stale first: then it releases the folio itself and hands out nothing. The caller
 * leaves the loop on a stale mapping without naming the folio again, and otherwise copies into
 * it and flushes it in write_end.
 */
const WRITE_BEGIN = `static int wb_fill_inline(struct wb_iter *iter, struct folio *folio)
{
\tvoid *addr;

\tif (folio_test_uptodate(folio))
\t\treturn 0;
\taddr = kmap_local_folio(folio, 0);
\tmemcpy(addr, iter->inline_data, iter->inline_size);
\tkunmap_local(addr);
\tfolio_mark_uptodate(folio);
\treturn 0;
}

static int wb_write_begin(struct wb_iter *iter, loff_t pos, struct folio **foliop)
{
\tstruct folio *folio;
\tint status;

\tfolio = __filemap_get_folio(iter->mapping, pos >> PAGE_SHIFT, FGP_WRITEBEGIN, GFP_NOFS);
\tif (IS_ERR(folio))
\t\treturn PTR_ERR(folio);
\tif (!wb_map_valid(iter)) {
\t\titer->flags |= WB_STALE;
\t\tstatus = 0;
\t\tgoto out_unlock;
\t}
\tstatus = wb_fill_inline(iter, folio);
\tif (status)
\t\tgoto out_unlock;
\t*foliop = folio;
\treturn 0;
out_unlock:
\tfolio_unlock(folio);
\tfolio_put(folio);
\treturn status;
}

static void wb_write_end(struct wb_iter *iter, struct folio *folio, size_t copied)
{
\tflush_dcache_folio(folio);
\tfolio_unlock(folio);
\tfolio_put(folio);
}

static ssize_t wb_write_iter(struct wb_iter *iter, struct iov_iter *i)
{
\tssize_t written = 0;
\tlong status;

\tdo {
\t\tstruct folio *folio;
\t\tsize_t copied;

\t\tstatus = wb_write_begin(iter, iter->pos, &folio);
\t\tif (unlikely(status))
\t\t\tbreak;
\t\tif (iter->flags & WB_STALE)
\t\t\tbreak;
\t\tcopied = copy_folio_from_iter_atomic(folio, 0, PAGE_SIZE, i);
\t\twb_write_end(iter, folio, copied);
\t\twritten += copied;
\t} while (iov_iter_count(i));
\treturn written ? written : status;
}
`;

test(`${RULE}: a caller that never names the out-parameter's page again was handed none`, async () => {
  const r = await lint(WRITE_BEGIN, [RULE]);
  assert.deepEqual(
    r.findings.map((f) => f.function),
    [],
    'noisy: the stale path hands no folio out, the other path flushes it in write_end',
  );
  // The caller takes the folio on the stale path too, and releases it without a flush.
  const released = WRITE_BEGIN.replace(
    '\t\tif (iter->flags & WB_STALE)\n\t\t\tbreak;',
    '\t\tif (iter->flags & WB_STALE) {\n\t\t\tfolio_unlock(folio);\n\t\t\tfolio_put(folio);\n\t\t\tbreak;\n\t\t}',
  );
  assert.notEqual(released, WRITE_BEGIN);
  assert.ok(
    (await lint(released, [RULE])).findings.length > 0,
    'missing: a folio the caller received and released unflushed',
  );
});

/**
 * A stripe copy: the callee copies between a bio's page and the stripe's page `*page`, and may
 * take the bio's page as the stripe page instead (`*page = bio_page`). The caller passes a field
 * that already holds a page, so `&dev->page` is not an out-parameter only: that the caller never
 * names `dev->page` again says nothing about what the callee wrote.
 */
const STRIPE_COPY = `static void sc_copy_data(int frombio, struct bio *bio, struct page **page, bool skip)
{
\tstruct bio_vec bvl;
\tstruct bvec_iter iter;

\tbio_for_each_segment(bvl, bio, iter) {
\t\tstruct page *bio_page = bvl.bv_page;

\t\tif (frombio && skip)
\t\t\t*page = bio_page;
\t\telse if (frombio)
\t\t\tmemcpy_page(*page, 0, bio_page, bvl.bv_offset, bvl.bv_len);
\t\telse
\t\t\tmemcpy_page(bio_page, bvl.bv_offset, *page, 0, bvl.bv_len);
\t}
}

static void sc_run_biofill(struct sc_stripe *sh, struct bio *rbi)
{
\tstruct sc_dev *dev = &sh->dev[0];

\twhile (rbi) {
\t\tsc_copy_data(0, rbi, &dev->page, false);
\t\trbi = sc_next_bio(rbi);
\t}
}
`;

test(`${RULE}: a field passed by address is not a pure out-parameter`, async () => {
  assert.deepEqual(
    (await lint(STRIPE_COPY, [RULE])).findings.map((f) => f.function),
    ['sc_copy_data'],
    'missing: the bio page written in the read direction is never flushed',
  );
});

test(`${RULE}: a name derived from the handed-out folio does not make it an in-out argument`, async () => {
  const derived = WRITE_BEGIN.replace(
    '\t\tcopied = copy_folio_from_iter_atomic(folio, 0, PAGE_SIZE, i);',
    '\t\tpage = folio_file_page(folio, iter->pos >> PAGE_SHIFT);\n\t\tcopied = copy_page_from_iter_atomic(page, 0, PAGE_SIZE, i);',
  ).replace('\t\tsize_t copied;\n', '\t\tsize_t copied;\n\t\tstruct page *page;\n');
  assert.notEqual(derived, WRITE_BEGIN);
  assert.deepEqual(
    (await lint(derived, [RULE])).findings.map((f) => f.function),
    [],
    'noisy: `page` names the folio the caller received; the stale path still received none',
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { miniTree } from '../../../test/xref/miniTree';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import { buildTreeFacts } from '../xref/build';
import { TreeIndex } from '../xref/treeIndex';

const RULE = 'missing-flush-before-kernel-read';

/** A translation layer's sector ops, registered in a table: one copies out, one copies in. */
const FTL = (write: string): string => `static unsigned long xftl_page_of(unsigned long pos)
{
\treturn pos >> 11;
}

static int xftl_cached_write(struct xftl_dev *x, unsigned long pos, char *buf)
{
${write}\treturn 0;
}

static int xftl_readsect(struct xblk_dev *dev, unsigned long block, char *buf)
{
\tstruct xftl_dev *x = to_xftl(dev);

\tx->cur = xftl_page_of(block << 9);
\tmemcpy(buf, x->cache + (block << 9), 512);
\treturn 0;
}

static int xftl_writesect(struct xblk_dev *dev, unsigned long block, char *buf)
{
\treturn xftl_cached_write(to_xftl(dev), block << 9, buf);
}

static struct xblk_ops xftl_ops = {
\t.readsect = xftl_readsect,
\t.writesect = xftl_writesect,
};
`;

/** The block layer side: one page's sectors by CPU copy, each direction through the table. */
const CORE = (
  flushBeforeWrite: string,
): string => `static blk_status_t xblk_do_request(struct xblk_ops *tr, struct xblk_dev *dev,
\t\t\t\t    struct request *req)
{
\tstruct req_iterator iter;
\tstruct bio_vec bvec;
\tunsigned long block = blk_rq_pos(req);
\tchar *buf;

\tswitch (req_op(req)) {
\tcase REQ_OP_READ:
\t\tbuf = kmap(bio_page(req->bio)) + bio_offset(req->bio);
\t\tif (tr->readsect(dev, block, buf)) {
\t\t\tkunmap(bio_page(req->bio));
\t\t\treturn BLK_STS_IOERR;
\t\t}
\t\tkunmap(bio_page(req->bio));
\t\trq_for_each_segment(bvec, req, iter)
\t\t\tflush_dcache_page(bvec.bv_page);
\t\treturn BLK_STS_OK;
\tcase REQ_OP_WRITE:
${flushBeforeWrite}\t\tbuf = kmap(bio_page(req->bio)) + bio_offset(req->bio);
\t\tif (tr->writesect(dev, block, buf)) {
\t\t\tkunmap(bio_page(req->bio));
\t\t\treturn BLK_STS_IOERR;
\t\t}
\t\tkunmap(bio_page(req->bio));
\t\treturn BLK_STS_OK;
\tdefault:
\t\treturn BLK_STS_IOERR;
\t}
}
`;

const COPIES = '\tmemcpy(x->cache + pos, buf, 512);\n';
const FLUSH = '\t\trq_for_each_segment(bvec, req, iter)\n\t\t\tflush_dcache_page(bvec.bv_page);\n';

async function findings(core: string, ftl: string): Promise<{ line: number }[]> {
  const root = miniTree({ 'drivers/xblk/core.c': core, 'drivers/xblk/ftl.c': ftl });
  await initParser(wasmSources());
  const parser = createParser();
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const text = readFileSync(join(root, 'drivers/xblk/core.c'), 'utf8');
  const r = lintSource(parser, text, {
    rules: [RULE],
    tree: { tree: new TreeIndex(facts), file: 'drivers/xblk/core.c' },
  });
  parser.delete();
  return r.findings.map((f) => ({ line: f.path.at(-1)!.line }));
}

test(`${RULE}: an ops field whose implementation copies from the buffer reads the page mapped for it`, async () => {
  const got = await findings(CORE(''), FTL(COPIES));
  assert.equal(got.length, 1, 'missing: ->writesect copies from the page the READ side flushes');
  assert.equal(got[0]!.line, 22, 'the read is the ->writesect call');
});

test(`${RULE}: the same request flushed before the write direction's copy is silent`, async () => {
  assert.equal((await findings(CORE(FLUSH), FTL(COPIES))).length, 0, 'noisy: flushed first');
});

test(`${RULE}: implementations that never read the buffer make no read`, async () => {
  const none = FTL('\tx->dirty = pos;\n');
  assert.equal((await findings(CORE(''), none)).length, 0, 'noisy: ->writesect reads nothing');
});

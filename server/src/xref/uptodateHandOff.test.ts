import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/**
 * A read completion in another file that ends a folio the CPU filled: it flushes the folio
 * when told so (`dirty`), then marks it up to date (`mark` is the call that does).
 */
const completion = (
  flush: boolean,
  mark: string,
): string => `void qfs_folio_end(struct folio *folio, int err, bool dirty)
{
\tint v = atomic_dec_return((atomic_t *)&folio->private);

\tif (v & QFS_PENDING)
\t\treturn;
\tfolio->private = NULL;
${flush ? '\tif (dirty)\n\t\tflush_dcache_folio(folio);\n' : ''}${mark}
}
`;

const MARK = '\tif (!err)\n\t\tfolio_mark_uptodate(folio);\n\tfolio_unlock(folio);';

/** Copies decompressed bytes into a page kept in a queue entry, then ends its folio as dirty. */
const FILL = `struct qfs_bvec {
\tstruct page *page;
\tint offset;
};

struct qfs_item {
\tstruct qfs_bvec bvec;
\tstruct list_head list;
};

static void qfs_fill_copies(struct qfs_backend *be, struct list_head *todo, int err)
{
\tstruct qfs_item *bvi, *n;

\tlist_for_each_entry_safe(bvi, n, todo, list) {
\t\tvoid *dst = kmap_local_page(bvi->bvec.page);

\t\tmemcpy(dst + bvi->bvec.offset, be->out, be->len);
\t\tkunmap_local(dst);
\t\tqfs_folio_end(page_folio(bvi->bvec.page), err, true);
\t\tlist_del(&bvi->list);
\t\tkfree(bvi);
\t}
}
`;

test('xref: a page written through kmap and handed to a helper that marks it up to date, unflushed, is found', async () => {
  const root = miniTree({
    'fs/qfs/data.c': completion(false, MARK),
    'fs/qfs/zdata.c': FILL,
  });
  const r = await lintBoth(root, 'fs/qfs/zdata.c');
  assert.equal(r.indexed, 1, 'missing: qfs_folio_end() marks the folio up to date, nobody flushes');
  assert.equal(r.alone, 0, 'noisy: alone, a page kept in a field is of unknown origin');
});

test('xref: the same helper that flushes a folio it is told is dirty leaves nothing to find', async () => {
  const root = miniTree({
    'fs/qfs/data.c': completion(true, MARK),
    'fs/qfs/zdata.c': FILL,
  });
  assert.equal((await lintBoth(root, 'fs/qfs/zdata.c')).indexed, 0, 'noisy: the helper flushes');
});

test('xref: a helper that only unlocks the page says nothing of where the page comes from', async () => {
  const root = miniTree({
    'fs/qfs/data.c': completion(false, '\tfolio_unlock(folio);'),
    'fs/qfs/zdata.c': FILL,
  });
  assert.equal((await lintBoth(root, 'fs/qfs/zdata.c')).indexed, 0, 'noisy: nothing marks it');
});

test('xref: folio_end_read() marks the folio up to date in 6.12', async () => {
  const root = miniTree({
    'fs/qfs/data.c': completion(false, '\tfolio_end_read(folio, !err);'),
    'fs/qfs/zdata.c': FILL,
  });
  writeFileSync(join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  assert.equal((await lintBoth(root, 'fs/qfs/zdata.c')).indexed, 1, 'missing: folio_end_read');
  const flushed = miniTree({
    'fs/qfs/data.c': completion(true, '\tfolio_end_read(folio, !err);'),
    'fs/qfs/zdata.c': FILL,
  });
  writeFileSync(join(flushed, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  assert.equal((await lintBoth(flushed, 'fs/qfs/zdata.c')).indexed, 0, 'noisy: it flushes');
});

/** 6.1's shape: the helper is in the same file and ends the page with SetPageUptodate(). */
const sameFile = (
  flush: boolean,
): string => `static void qfs_page_end(struct page *page, int err, bool dirty)
{
\tif (atomic_dec_return((atomic_t *)&page->private) & QFS_PENDING)
\t\treturn;
\tset_page_private(page, 0);
${flush ? '\tif (dirty)\n\t\tflush_dcache_page(page);\n' : ''}\tif (!err)
\t\tSetPageUptodate(page);
\tunlock_page(page);
}

${FILL.replace('qfs_folio_end(page_folio(bvi->bvec.page), err, true)', 'qfs_page_end(bvi->bvec.page, err, true)')}`;

test("a same-file helper that marks the page up to date makes its caller's write file data", async () => {
  await initParser(wasmSources());
  const parser = createParser();
  const lint = (text: string): string[] =>
    lintSource(parser, text, { rules: ['missing-flush-dcache-page'] }).findings.map(
      (f) => `${f.function}: ${f.path.find((s) => s.kind === 'origin')?.note ?? ''}`,
    );
  const flagged = lint(sameFile(false));
  assert.equal(flagged.length, 1, 'missing: qfs_page_end() marks it up to date, unflushed');
  assert.match(flagged[0]!, /^qfs_fill_copies: .*qfs_page_end/, 'the origin names the helper');
  assert.deepEqual(lint(sameFile(true)), [], 'noisy: the helper flushes a dirty page');
  parser.delete();
});

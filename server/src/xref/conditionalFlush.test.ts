import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/** A completion helper in another file that flushes only when told the folio is dirty. */
const END_READ = `void pgx_folio_end(struct folio *folio, int err, bool dirty)
{
\tint v;

\tv = dirty << PGX_DIRTY;
\tv |= err << PGX_EIO;
\tif (v & (BIT(PGX_DIRTY) - 1))
\t\treturn;
\tif (v & BIT(PGX_DIRTY))
\t\tflush_dcache_folio(folio);
\tfolio_end_read(folio, !(v & BIT(PGX_EIO)));
}
`;

const reader = (
  dirty: string,
): string => `int pgx_read_inline(struct pgx_inode *pi, struct folio *folio)
{
\tvoid *dst = kmap_local_folio(folio, 0);

\tmemcpy(dst, pi->inline_data, pi->inline_len);
\tkunmap_local(dst);
\tpgx_folio_end(folio, 0, ${dirty});
\treturn 0;
}
`;

test('xref: a helper in another file told by a constant that the folio is clean does not flush it', async () => {
  const root = miniTree({ 'fs/pgx/data.c': END_READ, 'fs/pgx/inline.c': reader('false') });
  const r = await lintBoth(root, 'fs/pgx/inline.c');
  assert.equal(r.indexed, 1, 'missing: pgx_folio_end(folio, 0, false) skips its flush');
});

test('xref: the same helper told the folio is dirty flushes it', async () => {
  const root = miniTree({ 'fs/pgx/data.c': END_READ, 'fs/pgx/inline.c': reader('true') });
  const r = await lintBoth(root, 'fs/pgx/inline.c');
  assert.equal(r.indexed, 0, 'noisy: pgx_folio_end(folio, 0, true) flushes the folio');
});

test('xref: a flag passed through a wrapper in a third file is followed', async () => {
  const wrapper = `void pgx_page_end(struct folio *folio, bool dirty)
{
\tpgx_folio_end(folio, 0, dirty);
}
`;
  const caller = (dirty: string): string =>
    reader('true').replace('pgx_folio_end(folio, 0, true)', `pgx_page_end(folio, ${dirty})`);
  const clean = miniTree({
    'fs/pgx/data.c': END_READ,
    'fs/pgx/wrap.c': wrapper,
    'fs/pgx/inline.c': caller('false'),
  });
  assert.equal((await lintBoth(clean, 'fs/pgx/inline.c')).indexed, 1, 'missing: told clean');
  const dirty = miniTree({
    'fs/pgx/data.c': END_READ,
    'fs/pgx/wrap.c': wrapper,
    'fs/pgx/inline.c': caller('true'),
  });
  assert.equal((await lintBoth(dirty, 'fs/pgx/inline.c')).indexed, 0, 'noisy: told dirty');
});

// The file maps pages elsewhere (the rule's file-level test asks for a mapping API).
const MIGRATE = `void cbx_zero(struct page *page)
{
\tclear_highpage(page);
\tflush_dcache_page(page);
}

int cbx_migrate(struct cbx_ops *ops, struct page *dst, struct page *src)
{
\treturn ops->copy_page(dst, src);
}

int cbx_migrate_flushed(struct cbx_ops *ops, struct page *dst, struct page *src)
{
\tint rc = ops->copy_page(dst, src);

\tflush_dcache_page(dst);
\treturn rc;
}
`;

const IMPL = (body: string): string => `int cbx_copy(struct page *dst, struct page *src)
{
${body}
}

static const struct cbx_ops cbx_default_ops = {
\t.copy_page = cbx_copy,
};
`;

test('xref: a page an implementation registered for the field writes is written at the indirect call', async () => {
  const writes = IMPL(
    '\tvoid *d = kmap_local_page(dst);\n\n\tmemcpy(d, page_address(src), PAGE_SIZE);\n\tkunmap_local(d);\n\treturn 0;',
  );
  const root = miniTree({ 'mm/cbx.c': MIGRATE, 'fs/cbx_impl.c': writes });
  const r = await lintBoth(root, 'mm/cbx.c');
  assert.equal(r.alone, 0, 'judged alone the call through ops->copy_page is unknown');
  assert.equal(r.indexed, 1, 'missing: cbx_copy writes dst, cbx_migrate never flushes it');
});

test('xref: an implementation that only reads the page writes nothing at the indirect call', async () => {
  const reads = IMPL(
    '\tvoid *s = kmap_local_page(src);\n\tint same = !memcmp(s, page_address(dst), PAGE_SIZE);\n\n\tkunmap_local(s);\n\treturn same;',
  );
  const root = miniTree({ 'mm/cbx.c': MIGRATE, 'fs/cbx_impl.c': reads });
  assert.equal((await lintBoth(root, 'mm/cbx.c')).indexed, 0, 'noisy: no implementation writes');
});

const DISPATCH = `int swx_decompress(int type, const void *in, struct page *dest, size_t len)
{
\tswitch (type) {
\tcase SWX_ZLIB:
\t\treturn swx_zlib_decompress(in, dest, len);
\tcase SWX_LZO:
\t\treturn swx_lzo_decompress(in, dest, len);
\tdefault:
\t\tBUG();
\t}
}
`;

const DECOMPRESSOR = (
  name: string,
  flush: boolean,
): string => `int ${name}(const void *in, struct page *dest, size_t len)
{
\tvoid *kaddr = kmap_local_page(dest);

\tmemcpy(kaddr, in, len);
\tkunmap_local(kaddr);
${flush ? '\tflush_dcache_page(dest);\n' : ''}\treturn 0;
}
`;

const INLINE = `int swx_copy_inline(struct page *page, int type, const void *data, size_t len)
{
\tswx_decompress(type, data, page, len);
\tSetPageUptodate(page);
\treturn 0;
}

void swx_zero(struct page *page)
{
\tvoid *kaddr = kmap_local_page(page);

\tmemset(kaddr, 0, PAGE_SIZE);
\tkunmap_local(kaddr);
\tflush_dcache_page(page);
}
`;

test('xref: a page flushed in one case of a switch and not in another is not flushed by the dispatcher', async () => {
  const root = miniTree({
    'fs/swx/compression.c': DISPATCH,
    'fs/swx/zlib.c': DECOMPRESSOR('swx_zlib_decompress', true),
    'fs/swx/lzo.c': DECOMPRESSOR('swx_lzo_decompress', false),
    'fs/swx/reflink.c': INLINE,
  });
  const r = await lintBoth(root, 'fs/swx/reflink.c');
  assert.equal(r.indexed, 1, 'missing: the lzo case writes the page and nothing flushes it');
});

test('xref: a page every case of a switch flushes is flushed by the dispatcher', async () => {
  const root = miniTree({
    'fs/swx/compression.c': DISPATCH,
    'fs/swx/zlib.c': DECOMPRESSOR('swx_zlib_decompress', true),
    'fs/swx/lzo.c': DECOMPRESSOR('swx_lzo_decompress', true),
    'fs/swx/reflink.c': INLINE,
  });
  assert.equal((await lintBoth(root, 'fs/swx/reflink.c')).indexed, 0, 'noisy: every case flushes');
});

test('xref: an implementation that writes the page and flushes it itself leaves nothing to flush at the indirect call', async () => {
  const flushes = IMPL(
    '\tvoid *d = kmap_local_page(dst);\n\n\tmemcpy(d, page_address(src), PAGE_SIZE);\n\tkunmap_local(d);\n\tflush_dcache_page(dst);\n\treturn 0;',
  );
  const root = miniTree({ 'mm/cbx.c': MIGRATE, 'fs/cbx_impl.c': flushes });
  assert.equal((await lintBoth(root, 'mm/cbx.c')).indexed, 0, 'noisy: cbx_copy flushed its write');
});

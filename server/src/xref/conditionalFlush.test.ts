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

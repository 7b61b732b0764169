import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGELIST, PAGELIST_PATCH, lintBoth, miniTree } from '../../../test/xref/miniTree';

/**
 * A page list whose truncation moves pages to the spare list and whose growth takes them back:
 * `rfs_pagelist.head` and `rfs_pagelist.spare` are each other's sources.
 */
const PLIST = `${PAGELIST}
void pagelist_truncate(struct rfs_pagelist *pl, struct list_head *mark)
{
\tstruct page *page;

\twhile (pl->head.prev != mark) {
\t\tpage = list_entry(pl->head.prev, struct page, lru);
\t\tlist_move_tail(&page->lru, &pl->spare);
\t}
\tif (!list_empty(&pl->head)) {
\t\tpage = list_entry(pl->head.prev, struct page, lru);
\t\tpl->tail = kmap(page);
\t}
}
`;

test('xref: pages moved back and forth between two lists stay private when every source is', async () => {
  const root = miniTree({ 'net/core/pagelist.c': PLIST, 'fs/rfs/patch.c': PAGELIST_PATCH });
  const r = await lintBoth(root, 'fs/rfs/patch.c');
  assert.equal(r.alone, 1, 'judged alone the page is of unknown origin');
  assert.equal(r.indexed, 0, 'noisy: the cycle head <-> spare only ever holds fresh pages');
  // A page-cache page put on the spare list reaches the head through the cycle.
  const adopt = `void pagelist_adopt(struct rfs_pagelist *pl, struct address_space *m)
{
\tstruct page *page = find_get_page(m, 0);

\tlist_add(&page->lru, &pl->spare);
}
`;
  const mixed = miniTree({
    'net/core/pagelist.c': PLIST,
    'net/core/adopt.c': adopt,
    'fs/rfs/patch.c': PAGELIST_PATCH,
  });
  assert.equal((await lintBoth(mixed, 'fs/rfs/patch.c')).indexed, 1, 'missing: a cache page');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acrossVersions,
  apiAt,
  atKernelVersion,
  newestKnownKernelVersion,
  versionBoundaries,
} from './versions';
import { APIS } from './apis';
import { namesWith } from './table';
import { FLUSH, UNFLUSHED_PAGE_WRITE, DEPRECATED_FLUSH, MAP_BY_BVEC } from './dcache';
import { ATTACH_ADDR, ATTACH_ADDR_FLUSHES } from './vmap';
import type { Role } from './types';

const v = (major: number, minor: number) => ({ major, minor });
const roles = (name: string, at?: { major: number; minor: number }): string[] =>
  (apiAt(name, at)?.roles ?? []).map((r: Role) => r.role);

test('the newest release the table knows is the newest any fact names (6.16: bio_add_vmalloc)', () => {
  assert.deepEqual(newestKnownKernelVersion(), v(6, 16));
});

test('what an API does depends on the version: the examples of issue 12', () => {
  // bio_add_vmalloc / _chunk: added by commit 8dd16f5e3469 (6.16); they flush for write I/O.
  assert.equal(apiAt('bio_add_vmalloc', v(6, 12)), undefined);
  assert.deepEqual(roles('bio_add_vmalloc', v(6, 16)), ['attaches-address']);
  assert.equal(apiAt('bio_add_vmalloc_chunk', v(6, 1)), undefined);
  // memcpy_to_folio flushes (include/linux/highmem.h:483 in 6.12); absent from 6.1.
  assert.deepEqual(roles('memcpy_to_folio', v(6, 12)), ['flushes-internally']);
  assert.equal(apiAt('memcpy_to_folio', v(6, 1)), undefined);
  // memcpy_page writes its destination without a flush, and reads its source, in 6.1 and 6.12.
  for (const at of [v(6, 1), v(6, 12)])
    assert.deepEqual(roles('memcpy_page', at), ['writes-page', 'reads']);
  // kmap_local_folio maps in both; folio_zero_tail only in the newer tree.
  assert.deepEqual(roles('kmap_local_folio', v(6, 1)), ['map']);
  assert.equal(apiAt('folio_zero_tail', v(6, 1)), undefined);
  assert.deepEqual(roles('folio_zero_segment', v(6, 1)), ['flushes-internally']);
  // flush_kernel_dcache_page: commit f358afc52c30 (5.15) removed it; the call still means a flush.
  assert.deepEqual(roles('flush_kernel_dcache_page', v(5, 14)), ['flush']);
  assert.deepEqual(roles('flush_kernel_dcache_page', v(6, 1)), ['flush', 'deprecated']);
  // copy_to_user_page writes and maintains; copy_from_user_page only reads the user page.
  assert.ok(roles('copy_to_user_page', v(6, 12)).includes('flushes-internally'));
  assert.deepEqual(roles('copy_from_user_page', v(6, 12)), ['writes', 'reads-memory']);
});

test('without a version: each API as in the newest release, a removed one as it last was', () => {
  assert.deepEqual(roles('bio_add_vmalloc'), ['attaches-address']);
  assert.deepEqual(roles('flush_kernel_dcache_page'), ['flush', 'deprecated']);
  // bvec_kmap_irq is gone from 6.1 on; code calling it was written for an older kernel.
  assert.deepEqual(roles('bvec_kmap_irq'), ['map']);
  assert.equal(apiAt('bvec_kmap_irq', v(6, 12)), undefined);
});

test('the derived lists follow the selected version', () => {
  atKernelVersion(v(6, 1), () => {
    assert.ok(!FLUSH.has('memcpy_to_folio'));
    assert.ok(!ATTACH_ADDR.has('bio_add_vmalloc'));
    assert.ok(!UNFLUSHED_PAGE_WRITE.has('copy_folio_from_iter_atomic'));
    assert.ok(DEPRECATED_FLUSH.has('flush_kernel_dcache_page'));
    assert.ok(!MAP_BY_BVEC.has('bvec_kmap_irq'));
  });
  atKernelVersion(v(6, 16), () => {
    assert.ok(FLUSH.has('memcpy_to_folio'));
    assert.equal(ATTACH_ADDR.get('bio_add_vmalloc'), 1);
    assert.ok(ATTACH_ADDR_FLUSHES.has('bio_add_vmalloc_chunk'));
  });
  atKernelVersion(v(5, 14), () => {
    assert.equal(FLUSH.get('flush_kernel_dcache_page'), 0);
    assert.ok(!DEPRECATED_FLUSH.has('flush_kernel_dcache_page'));
  });
  atKernelVersion(undefined, () => assert.ok(FLUSH.has('memcpy_to_folio')));
});

test('a list built across versions is the union of the lists of every version the table tells apart', () => {
  const kinds = [...new Set(APIS.flatMap((a) => a.roles.map((r) => r.role)))];
  const versions = [
    undefined,
    ...versionBoundaries().flatMap((b) => [
      b,
      b.minor > 0 ? v(b.major, b.minor - 1) : v(b.major - 1, 99),
    ]),
  ];
  assert.ok(kinds.length > 10);
  for (const kind of kinds) {
    const union = new Set<string>();
    for (const at of versions)
      atKernelVersion(at, () => namesWith(kind).forEach((n) => union.add(n)));
    atKernelVersion(undefined, () => undefined);
    assert.deepEqual([...acrossVersions(() => namesWith(kind))].sort(), [...union].sort(), kind);
  }
  // And the derived lists are back at the version selected before.
  atKernelVersion(v(6, 1), () => {
    const before = [...FLUSH.entries()];
    acrossVersions(() => DEPRECATED_FLUSH);
    assert.deepEqual([...FLUSH.entries()], before);
  });
});

// Issue 12: hand-written (generated) fixtures of each API a rule can observe, in trees whose top
// Makefile names their version, behave as the kernel-API table says for that version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileKernelVersion } from '../server/src/kernel/fromTree';
import { lintSource } from '../server/src/linter';
import { TREES, coveredApis, fixtureFile, makefile, treeName } from './fixtures/apis/render';
import { expectations, lineOfOffset, testParser } from './helpers';

const DIR = join(__dirname, 'fixtures', 'apis');
const FIX = 'run `npm run fixtures:apis` after editing the table';

const fileOf = (v: (typeof TREES)[number]): string =>
  join(DIR, treeName(v), 'drivers', 'demo', 'api.c');

for (const v of TREES) {
  test(`${treeName(v)}: the fixture tree is what the table generates (${FIX})`, () => {
    assert.equal(readFileSync(join(DIR, treeName(v), 'Makefile'), 'utf8'), makefile(v));
    assert.equal(readFileSync(fileOf(v), 'utf8'), fixtureFile(v));
  });

  test(`${treeName(v)}: every API fixture is flagged or silent as the table says for ${v.major}.${v.minor}`, async () => {
    const file = fileOf(v);
    const resolved = fileKernelVersion(file);
    assert.equal(resolved.source, 'makefile', 'the version comes from the tree Makefile');
    assert.deepEqual(resolved.version, v);
    const text = readFileSync(file, 'utf8');
    const { findings } = lintSource(await testParser(), text, { kernelVersion: resolved.version });
    const got = findings.map((f) => `${f.rule}@${lineOfOffset(text, f.start)}`).sort();
    const want = expectations(text)
      .map((e) => `${e.rule}@${e.line}`)
      .sort();
    const missing = want.filter((w) => !got.includes(w)).map((w) => `Missing: ${w}`);
    const noisy = got.filter((g) => !want.includes(g)).map((g) => `Noisy: ${g}`);
    assert.deepEqual([...missing, ...noisy], []);
    assert.ok(want.length > 20, 'the tree holds flagged examples');
  });
}

/** The expectation on the fixture function of `api` in tree `v`: rule ids expected in it. */
function expected(api: string, v: (typeof TREES)[number]): string[] {
  const lines = fixtureFile(v).split('\n');
  const start = lines.findIndex((l) => l.startsWith(`/* ${api}: `));
  assert.ok(start >= 0, `${api} has a fixture`);
  const end = lines.indexOf('}', start);
  return expectations(lines.slice(start, end + 1).join('\n')).map((e) => e.rule);
}

test('the versions change what is expected, as issue 12 lists', () => {
  const [v514, v61, v612, v616] = TREES as [
    (typeof TREES)[0],
    (typeof TREES)[0],
    (typeof TREES)[0],
    (typeof TREES)[0],
  ];
  // memcpy_to_folio flushes where it exists (6.12); before, the write it follows stays unflushed.
  assert.deepEqual(expected('memcpy_to_folio', v61), ['missing-flush-dcache-page']);
  assert.deepEqual(expected('memcpy_to_folio', v612), []);
  // memcpy_page writes without a flush in 6.1 and 6.12.
  assert.deepEqual(expected('memcpy_page', v61), ['missing-flush-dcache-page']);
  assert.deepEqual(expected('memcpy_page', v612), ['missing-flush-dcache-page']);
  // bio_add_vmalloc (6.16) flushes writes itself; a read still needs the invalidate.
  assert.deepEqual(expected('bio_add_vmalloc', v612), []);
  assert.deepEqual(expected('bio_add_vmalloc', v616), ['missing-invalidate-kernel-vmap-range']);
  // flush_kernel_dcache_page: a flush before 5.15, a removed name after.
  assert.deepEqual(expected('flush_kernel_dcache_page', v514), []);
  assert.deepEqual(expected('flush_kernel_dcache_page', v61), [
    'deprecated-flush-kernel-dcache-page',
  ]);
  // The folio helpers of 6.12: copy_folio_from_iter_atomic writes without flushing, and a copy
  // that stops part-way merges with the user's stores (the reading side).
  assert.deepEqual(expected('copy_folio_from_iter_atomic', v612), [
    'missing-flush-dcache-page',
    'missing-flush-before-kernel-read',
  ]);
  assert.deepEqual(expected('folio_zero_tail', v612), []);
  assert.deepEqual(expected('kmap_local_folio', v61), ['missing-flush-dcache-page']);
});

test('the fixtures cover the highmem, folio, arch-hook and vmalloc-bio helpers of the table', () => {
  const covered = new Set(coveredApis());
  for (const name of [
    'kmap_local_folio',
    'memcpy_to_folio',
    'memcpy_from_folio',
    'folio_fill_tail',
    'folio_zero_tail',
    'folio_zero_segment',
    'folio_zero_segments',
    'folio_zero_range',
    'copy_folio_from_iter_atomic',
    'copy_page_from_iter_atomic',
    'copy_folio_to_iter',
    'copy_page_to_iter',
    'folio_copy',
    'copy_highpage',
    'clear_highpage',
    'copy_user_highpage',
    'clear_user_highpage',
    'memcpy_page',
    'memset_page',
    'memcpy_from_page',
    'memcpy_to_page',
    'memzero_page',
    'copy_to_user_page',
    'bio_add_vmalloc',
    'bio_add_vmalloc_chunk',
    'flush_kernel_dcache_page',
  ])
    assert.ok(covered.has(name), name);
});

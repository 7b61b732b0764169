import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lineOfOffset } from '../../../test/helpers';

const RULE = 'missing-flush-dcache-page';

test(`${RULE}: the path tells the story step by step`, async () => {
  const src = [
    'int f(struct page *page, const void *src, int err)',
    '{',
    '\tvoid *addr = kmap_local_page(page);',
    '\tmemcpy(addr, src, 64);',
    '\tif (err)',
    '\t\tgoto out;',
    '\tflush_dcache_page(page);',
    'out:',
    '\tkunmap_local(addr);',
    '\treturn err;',
    '}',
  ].join('\n');
  const { findings } = await lint(src, [RULE]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.function, 'f');
  assert.equal(lineOfOffset(src, f.start), 4);
  assert.deepEqual(
    f.path.map((s) => [s.line, s.kind]),
    [
      [1, 'origin'],
      [3, 'map'],
      [4, 'write'],
      [5, 'branch'],
      [6, 'branch'],
      [9, 'unmap'],
      [10, 'return'],
    ],
  );
  assert.match(f.path[5]!.note, /without flush_dcache_page\(page\)/);
  assert.equal(f.path[2]!.size, 64);
  assert.match(f.message, /flush_dcache_page\(page\)/);
});

test(`${RULE}: the fix inserts the flush after the unmap, indented like it`, async () => {
  const src =
    'void f(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
  const { findings } = await lint(src, [RULE]);
  const fix = findings[0]?.fixes[0];
  assert.ok(fix);
  const edit = fix.edits[0]!;
  const fixed = src.slice(0, edit.start) + edit.text + src.slice(edit.end);
  assert.equal(
    fixed,
    'void f(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n\tflush_dcache_page(page);\n}\n',
  );
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

test(`${RULE}: a write's size comes from the length argument of its kernel signature`, async () => {
  // memcpy_from_page(to, page, offset, len): 64 bytes land at k, from offset 16 of src.
  const src = [
    'void f(struct page *page, struct page *src)',
    '{',
    '\tchar *k = kmap_local_page(page);',
    '\tmemcpy_from_page(k, src, 16, 64);',
    '\tkunmap_local(k);',
    '}',
  ].join('\n');
  const { findings } = await lint(src, [RULE]);
  assert.equal(findings.length, 1);
  const write = findings[0]!.path.find((s) => s.kind === 'write');
  assert.equal(write?.size, 64);
});

test(`${RULE}: the path starts at the mapping for addresses without a map call of their own`, async () => {
  const cases: [string, string, RegExp][] = [
    [
      'bvec_kmap_local',
      'void f(struct bio_vec *bv, const void *s)\n{\n\tchar *p = bvec_kmap_local(bv);\n\tmemcpy(p, s, 8);\n\tkunmap_local(p);\n}\n',
      /mapped by bvec_kmap_local\(\)/,
    ],
    [
      'memcpy_page',
      'void f(struct page *d, struct page *s)\n{\n\tmemcpy_page(d, 0, s, 0, 64);\n}\n',
      /mapped by memcpy_page\(\)/,
    ],
    [
      'page_address',
      'void f(struct address_space *m, const void *s)\n{\n\tstruct page *pg = find_get_page(m, 0);\n\tvoid *va = page_address(pg);\n\tmemcpy(va, s, 8);\n\tSetPageUptodate(pg);\n}\n',
      /mapped by page_address\(\)/,
    ],
  ];
  for (const [api, src, note] of cases) {
    const { findings } = await lint(src, [RULE]);
    assert.equal(findings.length, 1, api);
    const map = findings[0]!.path.find((s) => s.kind === 'map');
    assert.match(map?.note ?? '', note, api);
  }
});

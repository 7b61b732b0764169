import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIS } from './apis';
import { renderApiDocs } from './apiDocs';

const PAGE = join(__dirname, '..', '..', '..', 'docs', 'kernel-apis.md');

test('docs/kernel-apis.md is what the table renders (run `npm run docs:apis` after editing apis.ts)', () => {
  assert.equal(readFileSync(PAGE, 'utf8'), renderApiDocs(APIS));
});

test('the page lists every API with its versions and source', () => {
  const page = renderApiDocs(APIS);
  for (const a of APIS) assert.ok(page.includes(`| \`${a.name}\` |`), a.name);
  assert.match(
    page,
    /\| `bio_add_vmalloc` \| .*flushes the vmap alias itself.* \| from 6\.16 \| added by commit 8dd16f5e3469 \(6\.16\) \|/,
  );
  assert.match(
    page,
    /\| `flush_kernel_dcache_page` \| flushes the page in argument 1; removed or deprecated: use `flush_dcache_page\(\)` \(from 5\.15\)/,
  );
});

test('the staleness check can fail: a changed table renders another page', () => {
  const changed = APIS.map((a) => (a.name === 'memcpy_page' ? { ...a, since: '6.12' } : a));
  assert.notEqual(renderApiDocs(changed), renderApiDocs(APIS));
});

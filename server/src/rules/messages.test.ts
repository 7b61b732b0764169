import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFiles, lint, lineOfOffset } from '../../../test/helpers';

const FIXTURES = join(__dirname, '../../../test/fixtures/rules');
/** The path rules: their messages name the key steps with lines, since no path may be shown. */
const PATH_RULES = new Set([
  'missing-flush-dcache-page',
  'missing-flush-kernel-vmap-range',
  'missing-invalidate-kernel-vmap-range',
]);

test('messages stand alone: no "path shown", the key steps with their lines', async () => {
  let checked = 0;
  for (const dir of readdirSync(FIXTURES)) {
    for (const { name, text } of fixtureFiles(join(FIXTURES, dir))) {
      for (const f of (await lint(text)).findings) {
        assert.doesNotMatch(f.message, /path shown/, `${dir}/${name}: ${f.message}`);
        // An empty maintenance wrapper is one fact about the whole function, not a path.
        if (!PATH_RULES.has(f.rule) || /never calls/.test(f.message)) continue;
        checked++;
        const lines = [...f.message.matchAll(/\bL(\d+)\b/g)].map((m) => Number(m[1]));
        assert.ok(lines.length > 0, `${dir}/${name}: ${f.message}`);
        // Every line the message names is a line of the finding's path or the finding itself.
        const known = new Set([lineOfOffset(text, f.start), ...f.path.map((s) => s.line)]);
        for (const l of lines) assert.ok(known.has(l), `${dir}/${name}: L${l} in ${f.message}`);
      }
    }
  }
  assert.ok(checked > 20, `${checked} path findings checked`);
});

test('the dcache message reads as the steps: mapped, written, unmapped, returns', async () => {
  const src = [
    'int f(struct page *page, const void *src, int err)',
    '{',
    '\tvoid *addr = kmap_local_page(page);',
    '\tmemcpy(addr, src, 64);',
    '\tkunmap_local(addr);',
    '\treturn err;',
    '}',
  ].join('\n');
  const [f] = (await lint(src, ['missing-flush-dcache-page'])).findings;
  assert.match(
    f?.message ?? '',
    /^page is mapped at L3, written at L4, unmapped at L5, and f\(\) returns at L6 without flush_dcache_page\(page\);/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, lint } from '../../../test/helpers';

const RULE = 'missing-flush-before-kernel-read';

const READ = [
  'static ssize_t f(struct address_space *mapping, pgoff_t index, struct iov_iter *to)',
  '{',
  '\tstruct folio *folio = filemap_get_folio(mapping, index);',
  '',
  '\tif (IS_ERR(folio))',
  '\t\treturn PTR_ERR(folio);',
  '\treturn copy_folio_to_iter(folio, 0, PAGE_SIZE, to);',
  '}',
].join('\n');

test(`${RULE}: the origin is named, the read is the finding, and the fix flushes the folio before it`, async () => {
  const { findings } = await lint(READ, [RULE]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.severity, 'info');
  assert.match(f.path[0]!.note, /^origin: page from `filemap_get_folio` at L3: a page-cache page/);
  assert.equal(f.path[0]!.kind, 'origin');
  assert.equal(f.path.at(-1)!.kind, 'read');
  const fixed = applyFix(READ, f.fixes[0]!);
  assert.match(fixed, /\tflush_dcache_folio\(folio\);\n\treturn copy_folio_to_iter/);
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

test(`${RULE}: a path on which the file is not writably mapped needs no flush; the other path does`, async () => {
  const guarded = READ.replace(
    '\treturn copy_folio_to_iter',
    '\tif (!mapping_writably_mapped(mapping))\n\t\treturn copy_folio_to_iter(folio, 0, 8, to);\n\treturn copy_folio_to_iter',
  );
  const { findings } = await lint(guarded, [RULE]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.path.at(-1)!.line, 9);
});

test(`${RULE}: a page the function did not look up is not reported`, async () => {
  const param = READ.replace('struct folio *folio = filemap_get_folio(mapping, index);', '');
  assert.equal(
    (await lint(param.replace('pgoff_t index', 'struct folio *folio'), [RULE])).findings.length,
    0,
  );
});

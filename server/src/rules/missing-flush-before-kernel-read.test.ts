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

// Folios from a helper of the filesystem's own (no lookup the table knows), in a function that
// asks whether user space maps the file writably: the test makes them that file's page cache.
const BATCH = [
  'static ssize_t fsx_write_batch(struct address_space *mapping, struct fsx_folios *fs,',
  '\t\t\t       size_t off, size_t len, struct iov_iter *iter)',
  '{',
  '\tstruct folio **fi, *f;',
  '\tsize_t copied = 0;',
  '',
  '\tif (fsx_grab_folios(mapping, off, len, fs))',
  '\t\treturn -ENOMEM;',
  '\tif (mapping_writably_mapped(mapping))',
  '\t\tfor (fi = fs->data; fi < fs->data + fs->nr; fi++)',
  '\t\t\tflush_dcache_folio(*fi);',
  '\tfor (fi = fs->data; fi < fs->data + fs->nr; fi++) {',
  '\t\tf = *fi;',
  '\t\tcopied += copy_folio_from_iter_atomic(f, off, len, iter);',
  '\t\tflush_dcache_folio(f);',
  '\t}',
  '\treturn copied;',
  '}',
].join('\n');

test(`${RULE}: folios of a mapping the function tests for writable mappings are page-cache folios`, async () => {
  assert.equal((await lint(BATCH, [RULE])).findings.length, 0, 'noisy: the batch is flushed');
  const unflushed = BATCH.replace('\t\t\tflush_dcache_folio(*fi);', '\t\t\t;');
  const { findings } = await lint(unflushed, [RULE]);
  assert.equal(findings.length, 1, 'missing: the guarded flush of the batch is gone');
  assert.equal(findings[0]!.path.at(-1)!.line, 14);
  assert.match(findings[0]!.path[0]!.note, /`mapping_writably_mapped` asks about at L9/);
  const untested = unflushed.replace('\tif (mapping_writably_mapped(mapping))\n', '\tif (len)\n');
  assert.equal((await lint(untested, [RULE])).findings.length, 0, 'noisy: nothing says page cache');
});

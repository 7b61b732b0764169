import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lineOfOffset } from '../../../test/helpers';

const RULE = 'missing-invalidate-kernel-vmap-range';

const SRC = [
  'static int f(struct block_device *bdev, char *data, unsigned int count, enum req_op op)',
  '{',
  '\tstruct bio *bio = bio_alloc(bdev, 1, op, GFP_KERNEL);',
  '\tint err;',
  '',
  '\tif (op == REQ_OP_WRITE)',
  '\t\tflush_kernel_vmap_range(data, count);',
  '\tbio_add_page(bio, vmalloc_to_page(data), count, 0);',
  '\terr = submit_bio_wait(bio);',
  '\treturn err;',
  '}',
].join('\n');

test(`${RULE}: a read completes and the function returns the buffer without the invalidate`, async () => {
  const { findings } = await lint(SRC, [RULE]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(lineOfOffset(SRC, f.start), 9);
  assert.deepEqual(
    f.path.map((s) => s.kind),
    ['origin', 'vmap', 'branch', 'call', 'submit-read', 'complete', 'return', 'read'],
  );
  assert.match(f.path[2]!.note, /not taken/);
});

test(`${RULE}: the fix inserts the invalidate after the completion and the finding goes away`, async () => {
  const { findings } = await lint(SRC, [RULE]);
  const edit = findings[0]?.fixes[0]?.edits[0];
  assert.ok(edit);
  const fixed = SRC.slice(0, edit.start) + edit.text + SRC.slice(edit.end);
  assert.match(
    fixed,
    /err = submit_bio_wait\(bio\);\n\tinvalidate_kernel_vmap_range\(data, count\);/,
  );
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

test(`${RULE}: a write-only request needs no invalidate`, async () => {
  const src = SRC.replace('bio_alloc(bdev, 1, op,', 'bio_alloc(bdev, 1, REQ_OP_WRITE,');
  assert.equal((await lint(src, [RULE])).findings.length, 0);
});

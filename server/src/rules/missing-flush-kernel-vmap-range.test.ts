import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lineOfOffset } from '../../../test/helpers';

const RULE = 'missing-flush-kernel-vmap-range';

const SRC = [
  'static int f(struct block_device *bdev, char *data, unsigned int count, enum req_op op)',
  '{',
  '\tstruct bio *bio = bio_alloc(bdev, 1, op, GFP_KERNEL);',
  '',
  '\tif (op == REQ_OP_READ)',
  '\t\tflush_kernel_vmap_range(data, count);',
  '\tbio_add_page(bio, vmalloc_to_page(data), count, 0);',
  '\treturn submit_bio_wait(bio);',
  '}',
].join('\n');

test(`${RULE}: a flush on the read side only is a finding on the write side, told step by step`, async () => {
  const { findings } = await lint(SRC, [RULE]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(lineOfOffset(SRC, f.start), 8);
  assert.deepEqual(
    f.path.map((s) => [s.line, s.kind]),
    [
      [7, 'origin'],
      [6, 'vmap'],
      [5, 'branch'],
      [7, 'call'],
      [8, 'submit-write'],
    ],
  );
  assert.match(f.path[2]!.note, /not taken/);
  assert.match(f.message, /flush_kernel_vmap_range\(data, count\)/);
});

test(`${RULE}: the fix inserts the flush before the submission and the finding goes away`, async () => {
  const { findings } = await lint(SRC, [RULE]);
  const edit = findings[0]?.fixes[0]?.edits[0];
  assert.ok(edit);
  const fixed = SRC.slice(0, edit.start) + edit.text + SRC.slice(edit.end);
  assert.match(fixed, /\tflush_kernel_vmap_range\(data, count\);\n\tbio_add_page/);
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

test(`${RULE}: a read-only direction needs no flush`, async () => {
  const src = SRC.replace('if (op == REQ_OP_READ)', 'if (op == REQ_OP_WRITE)');
  assert.equal((await lint(src, [RULE])).findings.length, 0);
});

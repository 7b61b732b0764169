import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../test/helpers';

const RULE = 'invalidate-before-write-io';

test(`${RULE}: the fix renames the call to flush_kernel_vmap_range and the finding goes away`, async () => {
  const src = [
    'static int f(struct block_device *bdev, void *buf, unsigned int len)',
    '{',
    '\tstruct bio *bio = bio_alloc(bdev, 1, REQ_OP_WRITE, GFP_NOIO);',
    '',
    '\tmemcpy(buf, hdr, 64);',
    '\tinvalidate_kernel_vmap_range(buf, len);',
    '\tbio_add_page(bio, vmalloc_to_page(buf), len, 0);',
    '\treturn submit_bio_wait(bio);',
    '}',
  ].join('\n');
  const { findings } = await lint(src, [RULE]);
  assert.equal(findings.length, 1);
  assert.deepEqual(
    findings[0]!.path.map((s) => s.kind),
    ['origin', 'vmap', 'write', 'invalidate-vmap', 'call', 'submit-write'],
  );
  const edit = findings[0]!.fixes[0]!.edits[0]!;
  const fixed = src.slice(0, edit.start) + edit.text + src.slice(edit.end);
  assert.match(fixed, /\tflush_kernel_vmap_range\(buf, len\);/);
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

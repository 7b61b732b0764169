import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkFixture, fixtureFiles, lint, lineOfOffset } from '../../../test/helpers';
import { simulateFinding } from '../../../simulator/src/index';

const RULE = 'missing-invalidate-kernel-vmap-range';
const DIR = join(__dirname, '../../../test/fixtures/rules', RULE);

for (const { name, text } of fixtureFiles(DIR)) {
  test(`${RULE}: fixture ${name}`, async () => {
    assert.deepEqual(await checkFixture(text, RULE), []);
  });
}

test(`${RULE}: every must-flag fixture shows stale CPU reads on arm1176-32k, none with the fix or on PIPT`, async () => {
  let n = 0;
  for (const { name, text } of fixtureFiles(DIR)) {
    for (const f of (await lint(text, [RULE])).findings) {
      const input = { rule: RULE, line: lineOfOffset(text, f.start), steps: f.path };
      const arm = simulateFinding(input);
      assert.equal(arm.asWritten.corrupted, true, `${name}:${input.line} as written`);
      assert.equal(arm.withFix.corrupted, false, `${name}:${input.line} with the fix`);
      assert.equal(arm.asWritten.observer, 'cpu');
      assert.equal(
        simulateFinding(input, 'pipt-32k').asWritten.corrupted,
        false,
        `${name}:${input.line} on PIPT`,
      );
      n++;
    }
  }
  assert.equal(n, 12, 'findings simulated');
});

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
    ['vmap', 'branch', 'call', 'submit-read', 'complete', 'return', 'read'],
  );
  assert.match(f.path[1]!.note, /not taken/);
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

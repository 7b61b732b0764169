import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkFixture, fixtureFiles, lint, lineOfOffset } from '../../../test/helpers';
import { simulateFinding } from '../../../simulator/src/index';

const RULE = 'invalidate-before-write-io';
const DIR = join(__dirname, '../../../test/fixtures/rules', RULE);

for (const { name, text } of fixtureFiles(DIR)) {
  test(`${RULE}: fixture ${name}`, async () => {
    assert.deepEqual(await checkFixture(text, RULE), []);
  });
}

test(`${RULE}: harmless on ARM (clean+invalidate), the device reads old data on SH-4 and PA-RISC`, async () => {
  let n = 0;
  for (const { name, text } of fixtureFiles(DIR)) {
    for (const f of (await lint(text, [RULE])).findings) {
      const input = { rule: RULE, line: lineOfOffset(text, f.start), steps: f.path };
      assert.equal(
        simulateFinding(input).asWritten.corrupted,
        false,
        `${name}:${input.line} on arm1176-32k`,
      );
      for (const preset of ['sh7750-16k', 'pa8600-1m']) {
        const r = simulateFinding(input, preset);
        assert.equal(r.asWritten.corrupted, true, `${name}:${input.line} on ${preset}`);
        assert.equal(r.asWritten.observer, 'device');
        assert.equal(r.withFix.corrupted, false, `${name}:${input.line} fixed on ${preset}`);
      }
      n++;
    }
  }
  assert.equal(n, 4);
});

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
    ['vmap', 'write', 'invalidate-vmap', 'call', 'submit-write'],
  );
  const edit = findings[0]!.fixes[0]!.edits[0]!;
  const fixed = src.slice(0, edit.start) + edit.text + src.slice(edit.end);
  assert.match(fixed, /\tflush_kernel_vmap_range\(buf, len\);/);
  assert.equal((await lint(fixed, [RULE])).findings.length, 0);
});

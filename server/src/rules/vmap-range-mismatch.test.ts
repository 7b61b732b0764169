import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkFixture, fixtureFiles, lint, lineOfOffset } from '../../../test/helpers';
import { simulateFinding } from '../../../simulator/src/index';

const RULE = 'vmap-range-mismatch';
const DIR = join(__dirname, '../../../test/fixtures/rules', RULE);

for (const { name, text } of fixtureFiles(DIR)) {
  test(`${RULE}: fixture ${name}`, async () => {
    assert.deepEqual(await checkFixture(text, RULE), []);
  });
}

test(`${RULE}: every must-flag fixture corrupts on arm1176-32k, not with the whole range, never on PIPT`, async () => {
  let n = 0;
  for (const { name, text } of fixtureFiles(DIR)) {
    for (const f of (await lint(text, [RULE])).findings) {
      const input = { rule: RULE, line: lineOfOffset(text, f.start), steps: f.path };
      const arm = simulateFinding(input);
      assert.equal(arm.asWritten.corrupted, true, `${name}:${input.line} as written`);
      assert.equal(arm.withFix.corrupted, false, `${name}:${input.line} with the fix`);
      assert.equal(
        simulateFinding(input, 'pipt-32k').asWritten.corrupted,
        false,
        `${name}:${input.line} on PIPT`,
      );
      n++;
    }
  }
  assert.equal(n, 2);
});

test(`${RULE}: the message names the statement that moved the pointer`, async () => {
  const src = [
    'static int f(struct bio *bio, char *data, unsigned int count)',
    '{',
    '\tunsigned int left = count;',
    '\tint err;',
    '',
    '\twhile (left) {',
    '\t\tbio_add_page(bio, vmalloc_to_page(data), PAGE_SIZE, 0);',
    '\t\tdata += PAGE_SIZE;',
    '\t\tleft -= PAGE_SIZE;',
    '\t}',
    '\terr = submit_bio_wait(bio);',
    '\tinvalidate_kernel_vmap_range(data, count);',
    '\treturn err;',
    '}',
  ].join('\n');
  const { findings } = await lint(src, [RULE]);
  assert.equal(findings.length, 1);
  assert.equal(lineOfOffset(src, findings[0]!.start), 12);
  assert.match(findings[0]!.message, /`data \+= PAGE_SIZE` \(line 8\)/);
  assert.equal(
    (await lint(src.replace('data += PAGE_SIZE;', 'bio->bi_iter.bi_size += PAGE_SIZE;'), [RULE]))
      .findings.length,
    0,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lineOfOffset } from '../../../test/helpers';

const RULE = 'vmap-range-mismatch';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lineOfOffset } from '../../../test/helpers';

const RULE = 'deprecated-flush-kernel-dcache-page';
const SRC = [
  'static void fill(struct page *page, const void *src)',
  '{',
  '\tvoid *addr = kmap_atomic(page);',
  '\tmemcpy(addr, src, 64);',
  '\tflush_kernel_dcache_page(page);',
  '\tkunmap_atomic(addr);',
  '}',
  '',
].join('\n');

test(`${RULE}: the old name is reported as info, and it still counts as the flush`, async () => {
  const { findings } = await lint(SRC);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.severity, lineOfOffset(SRC, f.start)]),
    [[RULE, 'info', 5]],
  );
  assert.match(findings[0]!.message, /flush_dcache_page\(page\)/);
});

test(`${RULE}: the fix renames the call and nothing else`, async () => {
  const { findings } = await lint(SRC, [RULE]);
  const edit = findings[0]!.fixes[0]!.edits[0]!;
  const fixed = SRC.slice(0, edit.start) + edit.text + SRC.slice(edit.end);
  assert.equal(fixed, SRC.replace('flush_kernel_dcache_page', 'flush_dcache_page'));
  assert.deepEqual((await lint(fixed)).findings, []);
});

test(`${RULE}: a mention in a comment or a string is not a call`, async () => {
  const src =
    'void f(void)\n{\n\t/* flush_kernel_dcache_page(page) is gone */\n\tpr_info("flush_kernel_dcache_page");\n}\n';
  assert.deepEqual((await lint(src, [RULE])).findings, []);
});

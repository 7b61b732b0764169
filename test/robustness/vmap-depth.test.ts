/**
 * Deep nesting for the vmap rules. Their questions about a node's surroundings (is this call in
 * a flush_kernel_vmap_range() argument, which loop is it in) once walked up with `node.parent`,
 * which web-tree-sitter answers by walking down from the root: a fuzzed function of 2,000 nested
 * braces took about 30 s per vmap rule (cubic), against 0.3 s for missing-flush-dcache-page.
 * Each case here took tens of seconds per rule before server/src/analysis/vmap/tree.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintSource } from '../../server/src/linter';
import { lineOfOffset, testParser } from '../helpers';
import { resultViolations } from './invariants';

/** The CLI's default per-file budget (as in engine.test.ts). */
const BUDGET_MS = 20_000;
/** Well under the budget, and far above what the four rules take (about 0.1 s each here). */
const LIMIT_MS = 4_000;
const VMAP_RULES = [
  'missing-flush-kernel-vmap-range',
  'missing-invalidate-kernel-vmap-range',
  'vmap-range-mismatch',
  'invalidate-before-write-io',
];
const DEPTH = 2000;

/** Lints `source` with each vmap rule in turn; all four together must stay under LIMIT_MS. */
async function lintVmapTimed(source: string): Promise<{ rule: string; line: number }[]> {
  const parser = await testParser();
  const found: { rule: string; line: number }[] = [];
  const times: string[] = [];
  let total = 0;
  for (const rule of VMAP_RULES) {
    const t0 = performance.now();
    const r = lintSource(parser, source, { rules: [rule], deadline: t0 + BUDGET_MS });
    const ms = performance.now() - t0;
    total += ms;
    times.push(`${rule} ${ms.toFixed(0)} ms`);
    assert.deepEqual(resultViolations(source, r), []);
    assert.deepEqual(r.skipped, [], 'the function is analysed, not skipped as too deep');
    for (const f of r.findings) found.push({ rule: f.rule, line: lineOfOffset(source, f.start) });
  }
  assert.ok(total < LIMIT_MS, times.join(', '));
  return found;
}

const fn = (body: string): string =>
  `void f(struct page *page, void *buf, size_t len)\n{\n${body}\tsubmit_bio(bio);\n}\n`;

test('vmap depth: the fuzzed #ifdef of 2,000 nested braces after a flush is linted in time', async () => {
  // `#ifdef C` glued to `if (x) {`: one line that parses as a compound literal whose initializer
  // lists nest 2,000 deep, so no statement depth limit applies; each `if (x)` is a call.
  const source = fn(
    `\tflush_kernel_vmap_range(buf, len);\n#ifdef C${'if (x) {'.repeat(DEPTH)}kmap(page) (x)${'}'.repeat(DEPTH)}\n#endif\n`,
  );
  assert.deepEqual(await lintVmapTimed(source), []);
});

test('vmap depth: 2,000 nested calls in a flush_kernel_vmap_range() argument are linted in time', async () => {
  // A statement expression in the length: the calls behind its `if` are not in the range call.
  const source = fn(
    `\tflush_kernel_vmap_range(buf, ({\n#ifdef C${'if (x) {'.repeat(DEPTH)}kmap(page) (x)${'}'.repeat(DEPTH)}\n#endif\n\tlen; }));\n`,
  );
  assert.deepEqual(await lintVmapTimed(source), []);
});

test('vmap depth: a length moved 2,000 times in nested calls of a loop is still reported, in time', async () => {
  // vmap-range-mismatch looks for `len -= ...` in a loop before the flush, and for that loop.
  const source = fn(
    `\twhile (len) len -= (\n${'g(len -= 1, '.repeat(DEPTH)}0${')'.repeat(DEPTH)});\n\tflush_kernel_vmap_range(buf, len);\n`,
  );
  assert.deepEqual(await lintVmapTimed(source), [{ rule: 'vmap-range-mismatch', line: 5 }]);
});

test('vmap depth: 1,000 nested is_vmalloc_addr() tests are linted in time', async () => {
  // Each test still descends from the function to find its `if` (quadratic, not cubic): 1,000.
  const source = fn(
    `#ifdef C${'if (is_vmalloc_addr(buf)) {'.repeat(DEPTH / 2)}kmap(page) (x)${'}'.repeat(DEPTH / 2)}\n#endif\n\tflush_kernel_vmap_range(buf, len);\n`,
  );
  assert.deepEqual(await lintVmapTimed(source), []);
});

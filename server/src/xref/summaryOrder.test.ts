import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TreeIndex } from './treeIndex';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import type { FileFacts, FunctionFactsSummary } from './types';

/** A function of one page parameter (index 0) that hands it to `calls`, writing or flushing it. */
function fn(name: string, calls: string[], own: { writes?: boolean; flushes?: boolean } = {}) {
  const summary: FunctionFactsSummary = {
    name,
    isStatic: false,
    line: 1,
    flushes: own.flushes ? [0] : [],
    writes: own.writes ? [0] : [],
    calls: calls.map((callee) => ({ callee, args: [0] })),
  };
  return summary;
}

/** The calling file, as the engine names it when it asks (its own functions come first). */
const F = 'fs/x.c';

function tree(functions: FunctionFactsSummary[]): TreeIndex {
  const file: FileFacts = { file: F, fields: {}, functions, callbacks: {} };
  return new TreeIndex([file]);
}

/**
 * `fill_one` hands the page to `fill_many`, which hands it back to `fill_one` (a cycle) and
 * then to `copy_in`, which writes it: both write the page, whichever is asked first.
 */
const CYCLE = (own: { writes?: boolean; flushes?: boolean }) => [
  fn('fill_one', ['fill_many']),
  fn('fill_many', ['fill_one', 'copy_in']),
  fn('copy_in', [], own),
];

test('tree index: a write through a call cycle is seen whichever function is asked first', () => {
  const first = tree(CYCLE({ writes: true }));
  assert.equal(first.calleeWrites('fill_many', 0, F), true);
  assert.equal(first.calleeWrites('fill_one', 0, F), true, 'missing: answer cut inside the cycle');
  const second = tree(CYCLE({ writes: true }));
  assert.equal(second.calleeWrites('fill_one', 0, F), true);
  assert.equal(second.calleeWrites('fill_many', 0, F), true);
});

test('tree index: a flush through a call cycle is seen whichever function is asked first', () => {
  const first = tree(CYCLE({ flushes: true }));
  assert.ok(first.calleeFlushes('fill_many', F));
  assert.deepEqual(first.calleeFlushes('fill_one', F)?.value, [{ index: 0, path: '' }]);
  const second = tree(CYCLE({ flushes: true }));
  assert.deepEqual(second.calleeFlushes('fill_one', F)?.value, [{ index: 0, path: '' }]);
});

test('tree index: a long call chain gives the same answer from its top and from its middle', () => {
  const chain = (own: { writes?: boolean }) =>
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => fn(`step${i}`, i < 7 ? [`step${i + 1}`] : [], own));
  const index = tree(chain({ writes: true }).map((f, i) => (i < 7 ? { ...f, writes: [] } : f)));
  assert.equal(index.calleeWrites('step0', 0, F), true, 'missing: the write is seven calls down');
  assert.equal(index.calleeWrites('step3', 0, F), true, 'missing: a cut answer was memoised');
});

test('tree index: a cycle that never reaches a write or a flush stays silent', () => {
  const index = tree([fn('ping', ['pong']), fn('pong', ['ping'])]);
  assert.equal(index.calleeWrites('ping', 0), false, 'noisy: nothing in the cycle writes');
  assert.equal(index.calleeFlushes('pong'), undefined, 'noisy: nothing in the cycle flushes');
});

/**
 * The same cycle inside one file: `prime()` asks about `fill_many` first, which meets `fill_one`
 * while `fill_many` is still open; `reader()` then asks about `fill_one`, whose write through
 * `copy_in` must still be seen.
 */
const SAME_FILE = (
  flush: string,
) => `static void fill_one(struct page *page, const void *src, int n);
static void fill_many(struct page *page, const void *src, int n);

static void copy_in(struct page *page, const void *src)
{
\tvoid *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, src, 64);
\tkunmap_local(kaddr);
}

void prime(struct page *scratch, const void *src)
{
\tvoid *kaddr = kmap_local_page(scratch);

\tmemset(kaddr, 0, 8);
\tkunmap_local(kaddr);
\tfill_many(scratch, src, 1);
}

static void fill_one(struct page *page, const void *src, int n)
{
\tif (n > 0)
\t\tfill_many(page, src, n - 1);
}

static void fill_many(struct page *page, const void *src, int n)
{
\tfill_one(page, src, n);
\tcopy_in(page, src);
}

int reader(struct address_space *mapping, const void *src)
{
\tstruct page *page = find_or_create_page(mapping, 0, GFP_KERNEL);

\tif (!page)
\t\treturn -ENOMEM;
\tfill_one(page, src, 2);
${flush}\tSetPageUptodate(page);
\tunlock_page(page);
\treturn 0;
}
`;

test('same-file summaries: a write through a call cycle does not depend on which caller came first', async () => {
  await initParser(wasmSources());
  const parser = createParser();
  try {
    const lint = (text: string) =>
      lintSource(parser, text, { rules: ['missing-flush-dcache-page'] }).findings.filter(
        (f) => f.function === 'reader',
      );
    assert.equal(lint(SAME_FILE('')).length, 1, 'missing: fill_one was cut inside the cycle');
    assert.equal(
      lint(SAME_FILE('\tflush_dcache_page(page);\n')).length,
      0,
      'noisy: the page is flushed after the fill',
    );
  } finally {
    parser.delete();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TreeIndex } from './treeIndex';
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

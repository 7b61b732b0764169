/**
 * Time linear in the number of functions (issue 15, item 4): a file of 4n small functions must
 * not cost 16 times a file of n, as it did when a caller check sliced every function's text for
 * every function. Ratios of medians, not wall-clock limits: the machine is shared, and a slow
 * moment slows both sizes alike far more often than one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintSource } from '../../server/src/linter';
import { manyFunctions } from '../../scripts/fuzz/hostileInputs';
import { testParser } from '../helpers';

async function medianMs(source: string, rounds: number): Promise<number> {
  const parser = await testParser();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = lintSource(parser, source);
    times.push(performance.now() - t0);
    assert.ok(r.findings.length > 0);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

test('growth: four times the functions cost about four times the time, not sixteen', async () => {
  const small = manyFunctions(300, 1);
  const large = manyFunctions(1_200, 1);
  await medianMs(small, 1); // warm the parser and the JIT
  const a = await medianMs(small, 3);
  const b = await medianMs(large, 3);
  // Linear is 4; quadratic is 16. 8 is the geometric middle: noise rarely doubles one side.
  assert.ok(
    b / a < 8,
    `300 functions ${a.toFixed(0)} ms, 1,200 ${b.toFixed(0)} ms: ratio ${(b / a).toFixed(1)}`,
  );
});

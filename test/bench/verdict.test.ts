/** Benchmarks print each goal with PASS/FAIL and a verdict for the run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goalLine, verdictLine, Verdicts } from '../../scripts/verdict';

test('a goal line says the goal, the figure and whether it was met', () => {
  assert.equal(
    goalLine({ what: 'lint / grep', goal: '<= 10x', measured: '11.17x', met: false }),
    'goal: lint / grep <= 10x; measured 11.17x -> FAIL',
  );
  assert.equal(
    goalLine({ what: 'start', goal: '<= 500 ms', measured: '275 ms', met: true }),
    'goal: start <= 500 ms; measured 275 ms -> PASS',
  );
});

test('the verdict fails when any measured goal fails, and never passes on nothing measured', () => {
  const g = (met: boolean | undefined) => ({ what: 'x', goal: 'y', measured: 'z', met });
  assert.equal(verdictLine([g(true), g(true)]), 'verdict: PASS (2/2 goals met)');
  assert.equal(verdictLine([g(true), g(false)]), 'verdict: FAIL (1/2 goals met)');
  assert.equal(
    verdictLine([g(true), g(undefined)]),
    'verdict: PASS (1/1 goals met, 1 not measured)',
  );
  assert.equal(verdictLine([g(undefined)]), 'verdict: FAIL (0/0 goals met, 1 not measured)');
  const lines: string[] = [];
  const v = new Verdicts((l) => lines.push(l));
  v.add(g(false));
  v.finish();
  assert.deepEqual(lines, ['goal: x y; measured z -> FAIL', 'verdict: FAIL (0/1 goals met)']);
});

test('bench, bench:lsp, bench:parse and bench:sim report through Verdicts and end with a verdict', () => {
  // bench:accuracy prints its goals and verdicts through its own report (scripts/accuracy).
  const dir = join(__dirname, '..', '..', 'scripts');
  for (const f of ['bench-lint.ts', 'bench-lsp.ts', 'bench-parse.ts', 'bench-sim.ts']) {
    const src = readFileSync(join(dir, f), 'utf8');
    assert.match(src, /new Verdicts\(/, `${f} creates Verdicts`);
    assert.match(src, /\.add\(\{/, `${f} states a goal`);
    assert.match(src, /\.finish\(\)/, `${f} prints the verdict`);
  }
});

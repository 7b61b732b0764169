/**
 * Absurd simulator input is refused with a message at line:column, quickly; it never allocates
 * the gigabyte it asks for, never loops on it, never throws anything but SimulatorInputError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseScenario,
  runScenario,
  simulateFinding,
  SimulatorInputError,
} from '../../simulator/src/index';
import type { FindingStep } from '../../simulator/src/index';
import { SCENARIO_LIMITS } from '../../simulator/src/core/parser';
import { MAX_TRACE_ACCESSES } from '../../simulator/src/core/run';

const HEAD = 'page P pa=0x00010000 file index=1\nkmap P as K\n';

/** Parses `text` (expected to fail) in well under a second and returns `line:column message`. */
function errorsOf(text: string): string[] {
  const t0 = performance.now();
  const r = parseScenario(text);
  assert.ok(performance.now() - t0 < 1000, 'refused quickly');
  assert.equal(r.scenario, undefined, 'refused');
  return r.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
}

test('simulator robustness: absurd cache geometry is refused at the preset, with why', () => {
  const cases: [string, RegExp][] = [
    ['preset arm1176-32k size=0', /^1:8 .*cache size must be a positive integer/],
    ['preset arm1176-32k size=24576', /^1:8 .*192 sets, which is not a power of two/],
    ['preset arm1176-32k ways=3', /^1:8 .*not a power of two/],
    ['preset arm1176-32k ways=0', /^1:8 .*ways must be 1\.\.64/],
    ['preset arm1176-32k line=0', /^1:8 .*line size must be a power of two/],
    ['preset arm1176-32k line=48', /^1:8 .*line size must be a power of two/],
    ['preset arm1176-32k size=1073741824', /^1:8 .*exceeds 16 MiB/],
    ['preset arm1176-32k size=99999999999999999999999', /^1:25 .*is too large/],
    ['preset no-such-cpu', /^1:8 /],
  ];
  for (const [text, want] of cases) {
    const errors = errorsOf(text + '\n');
    assert.equal(errors.length, 1, text);
    assert.match(errors[0]!, want, text);
  }
});

test('simulator robustness: gigabyte transfers and counts are refused, not allocated', () => {
  const cases: [string, RegExp][] = [
    ['load K 1073741824', /^3:8 a transfer of 1073741824 bytes exceeds/],
    ['store K "x"*1073741824', /^3:9 data larger than the 1 MiB transfer limit/],
    ['store K AA*536870912 BB*536870912', /^3:\d+ data larger than the 1 MiB transfer limit/],
    ['dram P = AA*4294967296', /^3:10 data larger than the 1 MiB transfer limit/],
    ['clean K 1073741824', /^3:9 a transfer of 1073741824 bytes exceeds/],
    ['speculate_any 1073741824', /^3:15 expected a count from 1 to 4096/],
    ['load K 0', /^3:8 expected a length of at least 1 byte/],
  ];
  for (const [line, want] of cases) {
    const errors = errorsOf(HEAD + line + '\n');
    assert.equal(errors.length, 1, line);
    assert.match(errors[0]!, want, line);
  }
});

test('simulator robustness: every error of a scenario is reported, each at its line:column', () => {
  const text = [
    'preset arm1176-32k size=0', // 1
    'page P pa=0x00010000 file index=1', // 2
    'kmap P as K', // 3
    'load K 1073741824', // 4
    'bogus 1 2', // 5
    '  store Q 11', // 6
    'load K', // 7
    'expect_load K = 11 buggy', // 8
  ].join('\n');
  const errors = errorsOf(text);
  assert.deepEqual(
    errors.map((e) => e.split(' ')[0]),
    ['1:8', '4:8', '5:1', '6:9', '7:7', '8:25'],
  );
});

test('simulator robustness: unknown presets and odd findings give a message or a scenario', () => {
  assert.throws(() => runScenario({ events: [] }, 'no-such-cpu'), SimulatorInputError);
  const steps: FindingStep[] = [
    { line: 1, kind: 'map', note: 'page mapped by kmap()' },
    { line: 2, kind: 'write', note: 'written', size: 1e12 },
    { line: -5, kind: 'unmap', note: '' },
  ];
  assert.throws(
    () =>
      simulateFinding({ rule: 'missing-flush-dcache-page', file: 'a.c', line: 1, steps }, 'nope'),
    SimulatorInputError,
  );
  const odd: { rule: string; steps: FindingStep[] }[] = [
    { rule: 'missing-flush-dcache-page', steps },
    { rule: 'missing-flush-dcache-page', steps: [] },
    { rule: 'no-such-rule', steps: [{ line: Number.NaN, kind: 'write', note: 'x', size: -1 }] },
    {
      rule: 'missing-flush-kernel-vmap-range',
      steps: [{ line: 3, kind: 'submit-write', note: '', size: 2 ** 40 }],
    },
  ];
  for (const { rule, steps: s } of odd) {
    const t0 = performance.now();
    const sim = simulateFinding({ rule, file: 'a.c', line: 1, steps: s });
    assert.ok(performance.now() - t0 < 5000, `${rule}: ${performance.now() - t0} ms`);
    assert.ok(sim.scenario.length > 0);
  }
});

test('simulator robustness: a scenario past the event or byte limits is refused at the crossing line', () => {
  const head = 'preset arm1176-32k\npage P pa=0x00010000 file index=1\nkmap P as K\n';
  const bytes = parseScenario(head + 'clean_inval K 1048576\n'.repeat(50));
  assert.equal(bytes.scenario, undefined);
  assert.equal(bytes.errors.length, 1);
  const crossing = 3 + Math.floor(SCENARIO_LIMITS.maxBytes / 1048576) + 1;
  assert.equal(bytes.errors[0]!.line, crossing);
  assert.match(bytes.errors[0]!.message, /move more than 32 MiB in all/);

  const events = parseScenario(head + 'load K 4\n'.repeat(SCENARIO_LIMITS.maxEvents + 5));
  assert.equal(events.errors.length, 1);
  assert.equal(events.errors[0]!.line, 2 + SCENARIO_LIMITS.maxEvents);
  assert.match(events.errors[0]!.message, /more than 10000 events/);

  // Within the limits, the run and its JSON stay small enough to print.
  const ok = parseScenario(head + 'clean_inval K 1048576\n'.repeat(8));
  assert.ok(ok.scenario, JSON.stringify(ok.errors));
  const run = runScenario(ok.scenario);
  const accesses = run.asWritten.steps.reduce((n, s) => n + s.accesses.length, 0);
  assert.ok(accesses <= MAX_TRACE_ACCESSES);
  assert.ok(JSON.stringify(run).length < 512 * 1024 * 1024);
});

// Times the simulator on a 64 KiB transfer on pa8600-1m (1 MiB, 4-way, 64 colours): the finding
// is turned into a scenario, parsed, and run as written and with the fix. Median of several runs.
// Goal: well under 100 ms. Run with `npm run bench:sim`.
import {
  parseScenario,
  runScenario,
  simulateFinding,
  type FindingInput,
} from '../simulator/src/index';
import { Verdicts } from './verdict';

const PRESET = 'pa8600-1m';
const BYTES = 64 * 1024;
const RUNS = 9;
const GOAL_MS = 100;

const finding: FindingInput = {
  rule: 'missing-flush-kernel-vmap-range',
  file: 'bench.c',
  line: 30,
  steps: [
    { line: 10, kind: 'vmap', note: 'buf = vmap(pages, 16, VM_MAP, PAGE_KERNEL)' },
    { line: 20, kind: 'write', note: 'memcpy(buf, src, SZ_64K)', size: BYTES },
    { line: 30, kind: 'submit-write', note: 'submit_bio(bio)' },
  ],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const warm = simulateFinding(finding, PRESET);
const parsed = parseScenario(warm.scenario).scenario;
if (!parsed) throw new Error('bench: generated scenario does not parse');

const whole = Array.from({ length: RUNS }, () => time(() => simulateFinding(finding, PRESET)));
const runOnly = Array.from({ length: RUNS }, () => time(() => runScenario(parsed, PRESET)));
const lines = warm.asWritten.steps.reduce((n, s) => n + s.accesses.length, 0);

console.log(
  `bench:sim ${PRESET}, ${BYTES / 1024} KiB transfer, ${RUNS} runs, ${lines} line transactions as written`,
);
console.log(
  `  simulateFinding (generate + parse + both runs): median ${median(whole).toFixed(1)} ms`,
);
console.log(
  `  runScenario (both runs):                        median ${median(runOnly).toFixed(1)} ms`,
);
const verdicts = new Verdicts();
verdicts.add({
  what: `simulateFinding median, ${BYTES / 1024} KiB on ${PRESET}`,
  goal: `< ${GOAL_MS} ms`,
  measured: `${median(whole).toFixed(1)} ms`,
  met: median(whole) < GOAL_MS,
});
verdicts.finish();

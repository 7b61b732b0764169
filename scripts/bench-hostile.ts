/**
 * `npm run bench:hostile [-- --rounds N] [-- --only ifs|fns]`: the outside tester's heavy inputs
 * (issue 15, items 3 and 4) through the built CLI, one worker, no cache. Prints per case the
 * median wall time, the peak resident memory, the exit code and what stderr said about a skip;
 * for the many-functions files also the ratios of the medians (10k/5k, 20k/10k): about 2 when
 * time grows linearly, about 4 when it grows quadratically.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manyFunctions, manyIfs, manyIfsVmap } from './fuzz/hostileInputs';

interface Case {
  name: string;
  text: () => string;
  args: string[];
}

const CASES: Case[] = [
  { name: 'ifs30: 30,000 ifs over 30 pages', text: () => manyIfs(30_000, 30), args: [] },
  {
    name: 'ifs5: 30,000 ifs over 5 pages, --budget 1000',
    text: () => manyIfs(30_000, 5),
    args: ['--budget', '1000'],
  },
  { name: 'vmap: 30,000 ifs over a vmap alias', text: () => manyIfsVmap(30_000), args: [] },
  { name: 'fns5k: 5,000 small functions', text: () => manyFunctions(5_000), args: [] },
  { name: 'fns10k: 10,000 small functions', text: () => manyFunctions(10_000), args: [] },
  { name: 'fns20k: 20,000 small functions', text: () => manyFunctions(20_000), args: [] },
];

interface Run {
  ms: number;
  rssMb: number;
  code: number | null;
  skip: string;
}

function runOnce(file: string, args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      join(__dirname, 'rss-preload.cjs'),
      join(__dirname, '..', 'bin', 'flushguard.js'),
      'lint',
      '--format',
      'json',
      '--jobs',
      '1',
      '--no-cache',
      '--no-progress',
      ...args,
      file,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const ms = performance.now() - t0;
  const rss = /FLUSHGUARD_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1];
  const skip = /skipped: ([^\n]*)/.exec(r.stderr)?.[1] ?? '';
  return { ms, rssMb: rss ? Number(rss) / 1024 : NaN, code: r.status, skip };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function main(): void {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(argv[at + 1]) : 3;
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-hostile-'));
  const medians = new Map<string, number>();
  for (const c of CASES) {
    const key = c.name.slice(0, c.name.indexOf(':'));
    if (only && !key.startsWith(only)) continue;
    const file = join(dir, `${key}.c`);
    writeFileSync(file, c.text());
    const runs: Run[] = [];
    for (let i = 0; i < rounds; i++) runs.push(runOnce(file, c.args));
    const ms = median(runs.map((r) => r.ms));
    medians.set(key, ms);
    const last = runs[runs.length - 1]!;
    console.log(
      `${c.name}: median ${(ms / 1000).toFixed(2)} s over ${rounds}, peak ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB, exit ${last.code}` +
        (last.skip ? `, skipped (${last.skip})` : ''),
    );
  }
  const ratio = (a: string, b: string): string => {
    const x = medians.get(a);
    const y = medians.get(b);
    return x !== undefined && y !== undefined ? (x / y).toFixed(2) : 'n/a';
  };
  if (medians.has('fns10k'))
    console.log(
      `many functions: 10k/5k ${ratio('fns10k', 'fns5k')}, 20k/10k ${ratio('fns20k', 'fns10k')} (linear ≈ 2, quadratic ≈ 4)`,
    );
}

main();

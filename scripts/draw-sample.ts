/**
 * Draws a reproducible random sample of whole-tree findings for a blind review (issue 13's
 * measure): findings are sorted by file, line, function and rule, then shuffled with a seeded
 * Fisher-Yates shuffle, and the first N are printed as JSON.
 * `node --import tsx scripts/draw-sample.ts FINDINGS.json [--seed 13] [--count 25]`
 */
import { readFileSync } from 'node:fs';

interface Finding {
  file: string;
  line: number;
  function: string;
  rule: string;
  reach?: { aliasing: boolean; why: string };
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value)) throw new Error(`${name} needs an integer`);
  return value;
};
const path = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!path) {
  process.stderr.write('usage: draw-sample.ts FINDINGS.json [--seed N] [--count N]\n');
  process.exit(2);
}
const seed = option('--seed', 13);
const count = option('--count', 25);

// mulberry32: a small, well-known 32-bit PRNG, so the draw depends only on the seed.
const prng = (s: number): (() => number) => {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const findings = (JSON.parse(readFileSync(path, 'utf8')) as { findings: Finding[] }).findings;
const order = (a: Finding, b: Finding): number =>
  a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line || a.function.localeCompare(b.function) || a.rule.localeCompare(b.rule);
const sorted = [...findings].sort(order);
const random = prng(seed);
for (let i = sorted.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [sorted[i], sorted[j]] = [sorted[j] as Finding, sorted[i] as Finding];
}
const sample = sorted.slice(0, count).map((f) => ({
  file: f.file,
  function: f.function,
  rule: f.rule,
  line: f.line,
  reach: f.reach,
}));
process.stdout.write(`${JSON.stringify({ source: path, seed, count, sample }, null, 2)}\n`);

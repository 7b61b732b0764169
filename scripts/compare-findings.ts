/**
 * Compares two `flushguard lint --format json` outputs on (rule, file, line, column, function):
 * `node --import tsx scripts/compare-findings.ts before.json after.json`. Prints what only one
 * side has and exits 1 when they differ, so a refactoring can prove its findings unchanged.
 */
import { readFileSync } from 'node:fs';

interface Row {
  rule: string;
  file: string;
  line: number;
  column: number;
  function: string;
}

function keys(path: string): Map<string, number> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { findings: Row[] };
  const out = new Map<string, number>();
  for (const f of json.findings) {
    const k = `${f.file}:${f.line}:${f.column} ${f.rule} in ${f.function}()`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

function missingFrom(a: Map<string, number>, b: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(k);
  return out.sort();
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: compare-findings.ts BEFORE.json AFTER.json');
  process.exit(2);
}
const before = keys(beforePath);
const after = keys(afterPath);
const gone = missingFrom(before, after);
const added = missingFrom(after, before);
for (const k of gone) console.log(`- ${k}`);
for (const k of added) console.log(`+ ${k}`);
const count = (m: Map<string, number>): number => [...m.values()].reduce((s, n) => s + n, 0);
console.log(
  `${count(before)} before, ${count(after)} after: ${gone.length} gone, ${added.length} new`,
);
process.exit(gone.length + added.length === 0 ? 0 : 1);

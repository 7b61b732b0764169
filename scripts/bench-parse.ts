// Parse-error rate of tree-sitter-c on kernel code, before and after FlushGuard's pre-pass.
// Usage: npm run bench:parse [-- --every N]   (N: take every Nth file of drivers/ + fs/; default 1)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser } from '../server/src/parsing/parser';
import { preprocess } from '../server/src/parsing/preprocess';
import { wasmSources } from '../server/src/host/wasmPaths';
import type { Node } from 'web-tree-sitter';
import { kernelTree, listFiles } from './kernelTree';
import { Verdicts } from './verdict';

const everyArg = process.argv.indexOf('--every');
const every = everyArg > 0 ? Number(process.argv[everyArg + 1]) : 1;

interface Counts { functions: number; withError: number; iteratorLoops: number }

function countFunctions(root: Node, counts: Counts): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') {
      counts.functions++;
      if (n.hasError) counts.withError++;
      continue;
    }
    for (const c of n.children) if (c) stack.push(c);
  }
}

async function main(): Promise<void> {
  const tree = kernelTree();
  const files = [...listFiles(join(tree, 'drivers'), ['.c']), ...listFiles(join(tree, 'fs'), ['.c'])]
    .filter((_, i) => i % every === 0);
  await initParser(wasmSources());
  const parser = createParser();
  const raw: Counts = { functions: 0, withError: 0, iteratorLoops: 0 };
  const pre: Counts = { functions: 0, withError: 0, iteratorLoops: 0 };
  const t0 = performance.now();
  files.forEach((file, i) => {
    const text = readFileSync(file, 'latin1');
    const a = parser.parse(text);
    if (a) { countFunctions(a.rootNode, raw); a.delete(); }
    const p = preprocess(text);
    pre.iteratorLoops += p.iterators.size;
    const b = parser.parse(p.text);
    if (b) { countFunctions(b.rootNode, pre); b.delete(); }
    if (process.stderr.isTTY && i % 200 === 0) process.stderr.write(`\r${i}/${files.length}`);
  });
  parser.delete();
  const pct = (c: Counts): string => ((100 * c.withError) / Math.max(1, c.functions)).toFixed(2);
  console.log(`files: ${files.length} (drivers/ + fs/, every ${every})  time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`function definitions with ERROR nodes, raw tree-sitter-c: ${raw.withError}/${raw.functions} = ${pct(raw)} %`);
  console.log(`function definitions with ERROR nodes, after pre-pass:    ${pre.withError}/${pre.functions} = ${pct(pre)} %`);
  console.log(`iterator macros rewritten as loops: ${pre.iteratorLoops}`);
  const verdicts = new Verdicts();
  verdicts.add({
    what: 'function definitions with parse errors after the pre-pass',
    goal: '< 3 %',
    measured: `${pct(pre)} %`,
    met: Number(pct(pre)) < 3,
  });
  verdicts.finish();
}

void main();

/**
 * One file's labelled removals, linted as bench:accuracy lints them (with the tree's index), each
 * with the findings the mutated file gains: for tuning a missed site without the whole harness.
 * Usage: node --import tsx scripts/debug-mutation.ts 6.1|6.12 FILE[,FILE...] [FUNCTION]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { parseKernelVersion } from '../server/src/kernel/version';
import { kernelTree } from './kernelTree';
import { parseLabels } from './accuracy/data';
import { runMutations } from './accuracy/mutate';
import { buildTreeFacts, isXrefWorker, runXrefWorker } from '../server/src/xref/build';
import { TreeIndex } from '../server/src/xref/treeIndex';

async function main(): Promise<void> {
  const [version, file, fn] = process.argv.slice(2);
  if ((version !== '6.1' && version !== '6.12') || !file) {
    process.stderr.write('usage: debug-mutation 6.1|6.12 FILE [FUNCTION]\n');
    process.exit(2);
  }
  const tree = kernelTree(version);
  const path = join(__dirname, '..', 'bench', 'accuracy', `labels-${version}.json`);
  const labels = parseLabels(readFileSync(path, 'utf8'), path).sites.filter(
    (s) => file.split(',').includes(s.file) && (fn === undefined || s.function === fn),
  );
  await initParser(wasmSources());
  const parser = createParser();
  const built = await buildTreeFacts(tree, { jobs: 1 });
  const index = new TreeIndex(built.facts);
  const { outcomes, functions } = runMutations(parser, tree, labels, {
    budgetMs: 60_000,
    kernelVersion: parseKernelVersion(version),
    index,
  });
  for (const o of outcomes)
    console.log(
      `${o.result} ${o.site.function} ${o.site.call}#${o.site.occurrence} ${o.detail ?? ''}`,
    );
  for (const f of functions) console.log(`untouched ${f.function}: ${f.rules.join(', ') || '-'}`);
  parser.delete();
}

void (isXrefWorker() ? runXrefWorker() : main()).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});

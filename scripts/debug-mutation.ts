/**
 * What the engine sees when one flush is removed, linted as `npm run bench:accuracy` lints a
 * mutation (with the tree's index): the function's pages and actions, and the findings of the
 * file before and after. For tuning on real kernel code:
 * `node --import tsx scripts/debug-mutation.ts TREE FILE FUNCTION [OCCURRENCE-OF-SITE]`.
 * The index is built or reused from $FLUSHGUARD_CACHE_DIR; the tree is never written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser, parseC } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { functionDefinitions, functionName } from '../server/src/parsing/nodeText';
import { FileSummaries } from '../server/src/analysis/dcache/summaries';
import { buildPageModel } from '../server/src/analysis/dcache/pageModel';
import { lintSource } from '../server/src/linter';
import {
  buildTreeFacts,
  isXrefWorker,
  runXrefWorker,
  summarizeText,
} from '../server/src/xref/build';
import { TreeIndex } from '../server/src/xref/treeIndex';
import { fileKernelVersion } from '../server/src/kernel/fromTree';
import { findSites, removeSite } from './accuracy/sites';

async function main(): Promise<void> {
  const [tree, file, name, which, callerFile, callerName] = process.argv.slice(2);
  if (!tree || !file || !name) {
    process.stderr.write(
      'usage: debug-mutation TREE FILE FUNCTION [SITE-NUMBER [CALLER-FILE CALLER-FUNCTION]]\n',
    );
    process.exit(2);
  }
  await initParser(wasmSources());
  const parser = createParser();
  const built = await buildTreeFacts(tree, { jobs: 1 });
  const index = new TreeIndex(built.facts);
  const kernelVersion = fileKernelVersion(join(tree, 'Makefile')).version;
  const source = readFileSync(join(tree, file), 'latin1');
  const sites = findSites(parser, source).filter((s) => s.function === name);
  const site = sites[Number(which ?? 1) - 1];
  if (!site) throw new Error(`no flush site #${which ?? 1} in ${name}`);
  const mutated = removeSite(source, site);
  const line = (text: string, o: number): number => text.slice(0, o).split('\n').length;
  for (const [label, text] of [
    ['untouched', source],
    [`without ${site.call} (L${site.line})`, mutated],
  ] as const) {
    const r = lintSource(parser, text, { tree: { tree: index, file }, kernelVersion });
    console.log(`== ${label}: ${r.findings.length} findings in the file`);
    for (const f of r.findings)
      console.log(`  ${f.rule} in ${f.function}() L${line(text, f.start)}: ${f.message}`);
  }
  // A caller in another file sees the mutated file through the index, as the harness's
  // callers.ts does: the mutated file's facts summarised from its text.
  let shown = { text: mutated, file, name, index };
  if (callerFile && callerName) {
    const facts = summarizeText(parser, file, mutated).facts;
    const rest = built.facts.filter((f) => f.file !== file);
    const overlay = new TreeIndex(facts ? [...rest, facts] : rest);
    const text = readFileSync(join(tree, callerFile), 'latin1');
    for (const [label, idx] of [
      ['caller, untouched index', index],
      ['caller, mutated index', overlay],
    ] as const) {
      const r = lintSource(parser, text, { tree: { tree: idx, file: callerFile }, kernelVersion });
      console.log(`== ${label}: ${r.findings.length} findings in ${callerFile}`);
      for (const f of r.findings)
        console.log(`  ${f.rule} in ${f.function}() L${line(text, f.start)}: ${f.message}`);
    }
    shown = { text, file: callerFile, name: callerName, index: overlay };
  }
  const parsed = parseC(parser, shown.text);
  const fns = functionDefinitions(parsed.tree.rootNode);
  const summaries = new FileSummaries(fns, parsed.pre.iterators, shown.text, {
    tree: shown.index,
    file: shown.file,
  });
  for (const fn of fns.filter((f) => functionName(f) === shown.name)) {
    const facts = summaries.factsOf(fn);
    const model = buildPageModel(facts, summaries);
    for (const [page, info] of model.pages) console.log(`page ${page} shown as ${info.display}`);
    for (const [e, actions] of model.actions)
      for (const a of actions)
        console.log(
          `  L${line(shown.text, e.node.startIndex)} ${e.kind} ${a.kind} ${'page' in a ? a.page : ''} ${'via' in a ? a.via : ''}`,
        );
  }
  parsed.tree.delete();
  parser.delete();
}

void (isXrefWorker() ? runXrefWorker() : main()).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});

/**
 * Explains what the engine sees in one function: pages, their actions event by event, and the
 * findings. For tuning rules on real kernel code: `npm run debug:function -- FILE NAME`.
 */
import { readFileSync } from 'node:fs';
import { createParser, initParser, parseC } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { functionDefinitions, functionName } from '../server/src/parsing/nodeText';
import { FileSummaries } from '../server/src/analysis/dcache/summaries';
import { buildPageModel } from '../server/src/analysis/dcache/pageModel';
import { RULES } from '../server/src/rules/index';

const [file, name] = process.argv.slice(2);
if (!file || !name) {
  process.stderr.write('usage: debug-function FILE FUNCTION\n');
  process.exit(2);
}
async function main(file: string, name: string): Promise<void> {
  await initParser(wasmSources());
  const parser = createParser();
  const source = readFileSync(file, 'latin1');
  const parsed = parseC(parser, source);
  const fns = functionDefinitions(parsed.tree.rootNode);
  const summaries = new FileSummaries(fns, parsed.pre.iterators, source);
  for (const fn of fns.filter((f) => functionName(f) === name)) {
    const facts = summaries.factsOf(fn);
    const model = buildPageModel(facts, summaries);
    const line = (o: number): number => source.slice(0, o).split('\n').length;
    console.log(
      `${name}: params ${facts.params.join(', ')}; reassigned ${[...facts.reassigned].join(', ')}`,
    );
    for (const [page, info] of model.pages)
      console.log(`page ${page} (canon ${facts.canon(page)}) shown as ${info.display}`);
    for (const [e, actions] of model.actions) {
      for (const a of actions)
        console.log(
          `  L${line(e.node.startIndex)} ${e.kind} ${a.kind} ${'page' in a ? a.page : ''} ${'via' in a ? a.via : ''}`,
        );
    }
    for (const rule of RULES) {
      for (const f of rule.check({ source, facts, file: summaries }))
        console.log(`FINDING ${f.rule} L${line(f.start)}: ${f.message}`);
    }
  }
  parsed.tree.delete();
}

void main(file, name);

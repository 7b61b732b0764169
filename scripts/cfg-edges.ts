// Prints the CFG edges of every function of C files, in the `edges:` form of the CFG fixtures
// (test/fixtures/cfg/*.c). A draft to check by hand, never an expectation to paste unread.
// Usage: node --import tsx scripts/cfg-edges.ts FILE.c...
import { readFileSync } from 'node:fs';
import { createParser, initParser, parseC } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { functionDefinitions } from '../server/src/parsing/nodeText';
import { buildCfg } from '../server/src/cfg/builder';
import { edgeLines } from '../server/src/cfg/graph';

async function main(): Promise<void> {
  await initParser(wasmSources());
  const parser = createParser();
  for (const file of process.argv.slice(2)) {
    const parsed = parseC(parser, readFileSync(file, 'utf8'));
    for (const fn of functionDefinitions(parsed.tree.rootNode)) {
      const cfg = buildCfg(fn);
      console.log(`${cfg.name}():\n * edges:`);
      for (const line of edgeLines(cfg)) console.log(` *   ${line}`);
    }
    parsed.tree.delete();
  }
}

void main();

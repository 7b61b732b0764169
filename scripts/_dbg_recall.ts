import { readFileSync } from 'node:fs';
import { createParser, initParser } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { lintSource } from '../server/src/linter';
async function main() {
  await initParser(wasmSources());
  const p = createParser();
  const text = readFileSync(process.argv[2]!, 'latin1');
  const r = lintSource(p, text, {});
  for (const f of r.findings) if (!process.argv[3] || f.function === process.argv[3]) console.log(f.rule, f.function, f.message.slice(0, 160));
}
void main();

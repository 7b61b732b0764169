/**
 * Where the two .wasm files are at run time: beside the bundle (dist/) when running bundled, in
 * node_modules when running from source (tests, scripts). Node-only; used by the front ends.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WasmSources } from '../parsing/parser';

export function wasmSources(): WasmSources {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const runtime = join(here, 'web-tree-sitter.wasm');
  const grammar = join(here, 'tree-sitter-c.wasm');
  if (existsSync(runtime) && existsSync(grammar)) return { runtime, grammar };
  // From this file when it is a file (source runs: any working directory), else the cwd.
  const req = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'package.json'));
  return {
    runtime: join(dirname(req.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
    grammar: join(dirname(req.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'),
  };
}

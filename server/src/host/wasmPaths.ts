/**
 * Where the parser's files are at run time: beside the bundle (dist/) when running bundled, in
 * node_modules when running from source (tests, scripts). Node-only; used by the front ends.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import type { WasmSources } from '../parsing/parser';

export function wasmSources(): WasmSources {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const runtime = join(here, 'web-tree-sitter.wasm');
  const grammar = join(here, 'tree-sitter-c.wasm');
  const module = join(here, 'web-tree-sitter.cjs');
  if (existsSync(runtime) && existsSync(grammar) && existsSync(module))
    return { runtime, grammar, load: () => freshRequire(module) };
  // From this file, not the working directory: `lint` may run from anywhere.
  const req = createRequire(
    typeof __filename === 'string' ? __filename : join(here, 'package.json'),
  );
  const main = req.resolve('web-tree-sitter');
  return {
    runtime: join(dirname(main), 'web-tree-sitter.wasm'),
    grammar: join(dirname(req.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'),
    load: () => freshRequire(main),
  };
}

/**
 * A new evaluation of the module, not the cached one: web-tree-sitter keeps one WASM instance
 * per evaluation, and an instance that aborted must be replaced by a new one.
 */
function freshRequire(file: string): typeof TreeSitter {
  const req = createRequire(file);
  const key = req.resolve(file);
  const cached = req.cache[key];
  delete req.cache[key];
  try {
    return req(key) as typeof TreeSitter;
  } finally {
    if (cached) req.cache[key] = cached;
    else delete req.cache[key];
  }
}

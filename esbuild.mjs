// Builds the bundles in dist/ and copies the two .wasm files they load at run time.
// Usage: node esbuild.mjs [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// `npm pack` runs prepack (--production) and then prepare: a packed build stays a production one.
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
const production = process.argv.includes('--production') || packing;
mkdirSync('dist', { recursive: true });

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
const NODE = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // web-tree-sitter's module code asks import.meta.url for its location; in a CJS bundle
  // that is this file.
  define: { 'import.meta.url': '__fgImportMetaUrl' },
  banner: { js: "const __fgImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const BROWSER = { platform: 'browser', format: 'iife', target: 'es2022' };
const bundles = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', options: NODE },
  // The server's launcher (starts the analysis thread first) and the server's bundle.
  { in: 'server/src/lsp/launch.ts', out: 'dist/server.js', options: NODE },
  { in: 'server/src/lsp/main.ts', out: 'dist/server-main.js', options: NODE },
  {
    in: 'client/src/extension.ts',
    out: 'dist/client.js',
    options: { ...NODE, external: ['vscode'] },
  },
  { in: 'simulator/src/webview/main.ts', out: 'dist/webview.js', options: BROWSER },
];
const builds = bundles
  .filter((b) => existsSync(b.in))
  .map((b) => esbuild.build({ ...common, ...b.options, entryPoints: [b.in], outfile: b.out }));
await Promise.all(builds);

// web-tree-sitter.cjs ships as a file: the parser loads a fresh copy of it (a new WASM instance)
// after an abort (server/src/parsing/parser.ts).
const wasm = [
  join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
  join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.cjs'),
  join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'),
];
for (const file of wasm) copyFileSync(file, join('dist', file.split(/[\\/]/).pop()));

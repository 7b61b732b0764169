/**
 * Entry of `flushguard-language-server` (dist/server.js). The transport comes from the command
 * line, as vscode-languageserver reads it: `--stdio`, `--node-ipc` (the VS Code client) or
 * `--socket=PORT`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { startServer } from './server';
import { isXrefWorker, runXrefWorker } from '../xref/build';

if (isXrefWorker()) {
  // A worker thread of the tree index (xref/build.ts starts this same entry).
  void runXrefWorker();
} else if (process.argv.includes('--version')) {
  process.stdout.write('flushguard-language-server\n');
} else if (
  !process.argv.some(
    (a) =>
      a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='),
  )
) {
  process.stderr.write('usage: flushguard-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exitCode = 2;
} else {
  const connection = createConnection(ProposedFeatures.all);
  // The grammar loads while the client initialises; handlers wait for it.
  const parser = initParser(wasmSources()).then(() => createParser());
  startServer(connection, parser);
}

/**
 * The language server: dist/server-main.js, which the launcher dist/server.js (launch.ts) loads.
 * The transport comes from the command line, as vscode-languageserver reads it: `--stdio`,
 * `--node-ipc` (the VS Code client) or `--socket=PORT`.
 */
// First: the analysis thread starts while the rest of the server loads (prestart.ts).
import './prestart';
import { isXrefWorker, runXrefWorker } from '../xref/build';
import { isAnalysisWorker, runAnalysisWorker } from './analysisWorker';

if (isXrefWorker()) {
  // A worker thread of the tree index (xref/build.ts starts this same entry).
  void runXrefWorker();
} else if (isAnalysisWorker()) {
  // The analysis thread (analysisHost.ts starts this same entry); it owns the parser.
  void runAnalysisWorker();
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
  // Loaded here, not above: the worker threads run this entry too and need none of it.
  void Promise.all([import('vscode-languageserver/node'), import('./server')]).then(
    ([{ createConnection, ProposedFeatures }, { startServer }]) =>
      startServer(createConnection(ProposedFeatures.all)),
  );
}

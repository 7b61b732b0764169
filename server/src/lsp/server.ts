/**
 * The language server: wiring only. It builds the ServerContext (context.ts) and registers the
 * handlers, each in its own module that receives the context: initialize, documentEvents,
 * pullDiagnostics, codeActions, views (hover, code lens), simulateRequest, commands and
 * workspaceCommand. Analyses of the open documents are kept by analyses.ts.
 *
 * Diagnostics are pulled (`textDocument/diagnostic`) when the client announces it at initialize,
 * and pushed with the document version otherwise (Neovim 0.7, Emacs eglot); never both for one
 * document. Pushed diagnostics are debounced; a newer edit stops an older run.
 */
import { ErrorCodes, ResponseError, TextDocuments } from 'vscode-languageserver';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CHECK_WORKSPACE_REQUEST, MEMORY_REQUEST } from '../protocol/workspace';
import type { MemoryInfo } from '../protocol/workspace';
import { PRESETS_REQUEST, SIMULATE_REQUEST } from '../protocol/simulate';
import type { ServerContext } from './context';
import { Analyses } from './analyses';
import { initialize } from './initialize';
import { listenToDocuments, listenToFolders } from './documentEvents';
import { pullDiagnostics } from './pullDiagnostics';
import { codeActionsAt } from './codeActions';
import { hoverAt, lensesFor } from './views';
import { listPresetsResult, simulate } from './simulateRequest';
import { executeCommand } from './commands';
import { runWorkspaceCheck } from './workspaceCommand';
import { Lifecycle, requestArgs } from './lifecycle';
import { SettingsStore } from './settingsStore';
import { WorkspaceIndex } from './workspaceIndex';
import { AnalysisHost } from './analysisHost';
import { BUDGET_MS } from './documentAnalysis';

const DEFAULT_DEBOUNCE_MS = 40;
const INDEX_DELAY_MS = 200;
/** The index waits at most this long for the open documents' analyses to settle. */
const INDEX_WAIT_MS = 10_000;

function memoryInfo(index: WorkspaceIndex): MemoryInfo {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  const info: MemoryInfo = {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    collected: gc !== undefined,
  };
  if (index.ready) info.index = { files: index.files, heapBytes: index.builtBytes };
  return info;
}

export function startServer(connection: Connection): void {
  // The tree index lives here; the analysis thread asks it by file (analysisWorker.ts).
  const host = new AnalysisHost(() => workspace.treeFacts());
  const ctx: ServerContext = {
    host,
    connection,
    documents: new TextDocuments(TextDocument),
    store: new SettingsStore(undefined, () => undefined),
    client: {
      pull: false,
      refreshSupport: false,
      folderEvents: false,
      showDocument: false,
      debounceMs: DEFAULT_DEBOUNCE_MS,
      reportTiming: false,
      budgetMs: BUDGET_MS,
    },
    scanned: new Set(),
    analysis: (uri, token, interim) => analyses.current(uri, token, interim),
  };
  const analyses = new Analyses(ctx);
  const workspace = new WorkspaceIndex(ctx, analyses);
  ctx.treeOf = (path) => workspace.treeOf(path);
  const life = new Lifecycle();
  // Requests registered by method name take their params positionally or by name (requestArgs).
  const custom = (
    method: string,
    handler: (params: unknown, token: CancellationToken) => unknown,
  ): void => {
    connection.onRequest(
      method,
      life.guard(method, (...args: unknown[]): unknown => {
        const { params, token } = requestArgs(args);
        return handler(params, token);
      }),
    );
  };

  connection.onInitialize(
    life.guard('initialize', (params) => {
      // The analysis thread boots (bundle, WASM parser) while the client opens its documents.
      host.warm();
      return initialize(ctx, params);
    }),
  );
  connection.onInitialized(() => {
    listenToFolders(ctx, analyses);
    // After the first documents had their turn: their first diagnostics come from them alone,
    // and reading the index (its cache is parsed on this thread) never holds them up.
    setTimeout(
      () => void analyses.idle(INDEX_WAIT_MS).then(() => workspace.start()),
      INDEX_DELAY_MS,
    );
  });
  listenToDocuments(ctx, analyses, workspace);
  connection.languages.diagnostics.on(
    life.guard('textDocument/diagnostic', (params, token) => pullDiagnostics(ctx, params, token)),
  );
  connection.onCodeAction(
    life.guard('textDocument/codeAction', (params, token) =>
      codeActionsAt(ctx, analyses, params, token),
    ),
  );
  connection.onHover(
    life.guard('textDocument/hover', (params, token) => hoverAt(ctx, params, token)),
  );
  connection.onCodeLens(
    life.guard('textDocument/codeLens', (params, token) =>
      lensesFor(ctx, params.textDocument.uri, token),
    ),
  );
  connection.onExecuteCommand(
    life.guard('workspace/executeCommand', (params, token) => executeCommand(ctx, params, token)),
  );
  custom(SIMULATE_REQUEST, (params, token) => simulate(ctx, params, token));
  custom(PRESETS_REQUEST, () => listPresetsResult());
  custom(MEMORY_REQUEST, () => memoryInfo(workspace));
  custom(CHECK_WORKSPACE_REQUEST, (_params, token) => runWorkspaceCheck(ctx, token));
  // Any other method: unknown before shutdown (MethodNotFound), refused after it.
  connection.onRequest((method) => {
    life.check(method);
    throw new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`);
  });

  connection.onShutdown(async () => {
    if (!life.end()) life.check('shutdown');
    analyses.dispose();
    workspace.dispose();
    await host.dispose();
  });

  ctx.documents.listen(connection);
  connection.listen();
}

/**
 * The language server: LSP wiring only. Handlers are short and hand over to the pure parts
 * (documentAnalysis, codeActions, diagnostics, hoverText, settingsStore, workspaceCheck).
 *
 * Diagnostics are pulled (`textDocument/diagnostic`) when the client announces it at initialize,
 * and pushed with the document version otherwise (Neovim 0.7, Emacs eglot); never both for one
 * document. Pushed diagnostics are debounced; a newer edit stops an older run.
 */
import {
  CodeActionKind,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type {
  CancellationToken,
  Connection,
  Diagnostic,
  InitializeParams,
  InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Parser } from '../parsing/parser';
import { RULE_IDS } from '../rules/index';
import { packageVersion } from '../cli/package';
import {
  ANALYSED_NOTIFICATION,
  CHECK_WORKSPACE_REQUEST,
  MEMORY_REQUEST,
  SERVER_COMMANDS,
} from '../protocol/workspace';
import type { AnalysedParams, InitializationOptions, MemoryInfo } from '../protocol/workspace';
import { PRESETS_REQUEST, SIMULATE_REQUEST } from '../protocol/simulate';
import type { SimulateParams } from '../protocol/simulate';
import { DocumentAnalysis } from './documentAnalysis';
import type { Analysis } from './documentAnalysis';
import {
  findingDiagnostic,
  tooLargeDiagnostic,
  unknownRuleDiagnostic,
  unusedSuppressionDiagnostic,
} from './diagnostics';
import { buildCodeActions } from './codeActions';
import { hoverAt, lensesFor } from './views';
import { SettingsStore, uriToPath } from './settingsStore';
import { fileKernelVersion } from '../kernel/fromTree';
import { runWorkspaceCheck } from './workspaceCommand';
import { listPresetsResult, simulate, summarise } from './simulateRequest';

/** Trees kept in memory for documents not being edited; the others are re-parsed when needed. */
const MAX_TREES = 12;
const DEFAULT_DEBOUNCE_MS = 40;

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  parser: () => Promise<Parser>;
  store: SettingsStore;
  /** Files whose diagnostics the workspace check pushed. */
  scanned: Set<string>;
  analysis: (uri: string, token?: CancellationToken) => Promise<Analysis | undefined>;
}

export function isCDocument(doc: TextDocument): boolean {
  return doc.languageId === 'c' || /\.[ch]$/i.test(doc.uri);
}

export function toDiagnostics(doc: TextDocument, a: Analysis): Diagnostic[] {
  if (a.tooLarge) return [tooLargeDiagnostic(a.tooLarge.chars, a.tooLarge.limit)];
  return [
    ...a.findings.map((f) => findingDiagnostic(doc, f, f.severity)),
    ...a.unused.map((s) => unusedSuppressionDiagnostic(doc, s)),
    ...a.unknown.map((u) => unknownRuleDiagnostic(doc, u.suppression, u.rule, RULE_IDS)),
  ];
}

export function startServer(connection: Connection, parserReady: Promise<Parser>): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentAnalysis>();
  const timers = new Map<string, NodeJS.Timeout>();
  const pending = new Map<string, { version: number; promise: Promise<Analysis | undefined> }>();
  let pull = false;
  let refreshSupport = false;
  let folderEvents = false;
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  let reportTiming = false;
  let store = new SettingsStore(undefined, () => undefined);
  const parser = (): Promise<Parser> => parserReady;

  const stateOf = (uri: string): DocumentAnalysis => {
    let s = states.get(uri);
    if (!s) states.set(uri, (s = new DocumentAnalysis()));
    return s;
  };

  const releaseIdleTrees = (): void => {
    const holding = [...states.values()]
      .filter((s) => s.holdsTree && !s.running)
      .sort((a, b) => b.lastUsed - a.lastUsed);
    for (const s of holding.slice(MAX_TREES)) s.release();
  };

  const analyseNow = async (
    uri: string,
    version: number,
    token?: CancellationToken,
    interim?: (a: Analysis) => void,
  ): Promise<Analysis | undefined> => {
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return undefined;
    const resolved = await store.resolve(uri);
    const kernel = fileKernelVersion(uriToPath(uri), resolved.settings.kernelVersion);
    const settings = { ...resolved.settings, kernelVersion: kernel.version };
    const p = await parser();
    const t0 = performance.now();
    const timing = (a: Analysis): void => {
      if (!reportTiming) return;
      const params: AnalysedParams = {
        uri,
        version,
        ms: performance.now() - t0,
        phase: a.quick === true ? 'quick' : 'full',
        parse: a.parse ?? 'none',
        functionsAnalysed: a.stats?.analysed ?? 0,
        functionsReused: a.stats?.reused ?? 0,
      };
      void connection.sendNotification(ANALYSED_NOTIFICATION, params);
    };
    const a = await stateOf(uri).analyse(
      p,
      doc.getText(),
      version,
      settings,
      resolved.excludedBy,
      () => token?.isCancellationRequested === true || documents.get(uri)?.version !== version,
      interim &&
        ((quick) => {
          timing(quick);
          interim(quick);
        }),
    );
    if (a) timing(a);
    releaseIdleTrees();
    return a;
  };

  /** The analysis of the document's current version (computed once per version). */
  const analysis = async (
    uri: string,
    token?: CancellationToken,
    interim?: (a: Analysis) => void,
  ): Promise<Analysis | undefined> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = documents.get(uri);
      if (!doc || !isCDocument(doc)) return undefined;
      const last = states.get(uri)?.last;
      if (last?.version === doc.version) return last;
      let p = pending.get(uri);
      if (p?.version !== doc.version) {
        const promise = analyseNow(uri, doc.version, token, interim).finally(() => {
          if (pending.get(uri)?.promise === promise) pending.delete(uri);
        });
        p = { version: doc.version, promise };
        pending.set(uri, p);
      }
      const a = await p.promise;
      if (a) return a;
      if (token?.isCancellationRequested) return undefined;
    }
    return undefined;
  };

  const publish = async (uri: string): Promise<void> => {
    try {
      const send = (a: Analysis | undefined): void => {
        const doc = documents.get(uri);
        if (!a || !doc || doc.version !== a.version) return;
        void connection.sendDiagnostics({
          uri,
          version: a.version,
          diagnostics: toDiagnostics(doc, a),
        });
      };
      send(await analysis(uri, undefined, send));
    } catch (e) {
      connection.console.error(
        `flushguard: analysis of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  };

  const schedule = (uri: string, delay = debounceMs): void => {
    if (pull) return;
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void publish(uri);
      }, delay),
    );
  };

  const refreshAll = (): void => {
    for (const s of states.values()) s.last = undefined;
    if (pull) {
      if (refreshSupport) void connection.languages.diagnostics.refresh();
    } else for (const doc of documents.all()) if (isCDocument(doc)) schedule(doc.uri, 0);
  };

  const ctx: ServerContext = { connection, documents, parser, store, scanned: new Set(), analysis };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    pull = caps.textDocument?.diagnostic !== undefined;
    refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
    folderEvents = caps.workspace?.workspaceFolders === true;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0)
      debounceMs = options.debounceMs;
    reportTiming = options.reportTiming === true;
    const fetch =
      caps.workspace?.configuration === true
        ? async (uri: string): Promise<unknown> =>
            (await connection.workspace.getConfiguration({
              scopeUri: uri,
              section: 'flushguard',
            })) as unknown
        : undefined;
    store = new SettingsStore(fetch, (problem) => {
      connection.console.warn(`flushguard: ${problem}`);
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `FlushGuard: ${problem}`,
      });
    });
    ctx.store = store;
    store.pushed = options.settings?.flushguard;
    const folders =
      params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    store.roots = folders.map((u) => uriToPath(u)).filter((p): p is string => p !== undefined);
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite],
        },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        ...(options.clientSideCommands === true
          ? {}
          : { executeCommandProvider: { commands: [...SERVER_COMMANDS] } }),
        ...(pull
          ? {
              diagnosticProvider: {
                identifier: 'flushguard',
                interFileDependencies: false,
                workspaceDiagnostics: false,
              },
            }
          : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'flushguard-language-server', version: packageVersion() },
    };
  });

  connection.onInitialized(() => {
    // vscode-languageserver throws here for a client that did not announce workspace folders
    // (Neovim 0.7 without a root, a bare JSON-RPC client): it would never send the event anyway.
    if (!folderEvents) return;
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
      store.roots = store.roots
        .filter((r) => !removed.has(r))
        .concat(e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined));
      refreshAll();
    });
  });

  documents.onDidOpen((e) => {
    if (pull && ctx.scanned.delete(e.document.uri))
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  documents.onDidChangeContent((e) => {
    if (isCDocument(e.document)) schedule(e.document.uri);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    states.get(e.document.uri)?.dispose();
    states.delete(e.document.uri);
    if (!pull) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  documents.onDidSave((e) => {
    if (store.isConfigFile(e.document.uri)) {
      store.forgetFile(e.document.uri);
      refreshAll();
    }
  });
  connection.onDidChangeConfiguration((p) => {
    const settings = (p.settings ?? {}) as Record<string, unknown>;
    store.pushed = settings['flushguard'];
    store.invalidate();
    refreshAll();
  });
  connection.onDidChangeWatchedFiles((p) => {
    const configs = p.changes.filter((c) => store.isConfigFile(c.uri));
    for (const c of configs) store.forgetFile(c.uri);
    if (configs.length > 0) refreshAll();
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !isCDocument(doc)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    // Answer with the edited functions' result as soon as it exists; when the full re-check
    // then changes anything, ask the client to pull again (it gets the stored full result).
    let quick: (a: Analysis) => void = () => undefined;
    const first = new Promise<Analysis>((resolve) => (quick = resolve));
    const full = analysis(doc.uri, token, refreshSupport ? (a) => quick(a) : undefined);
    const a = await Promise.race([first, full]);
    if (!a)
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'superseded by a newer edit', {
        retriggerRequest: true,
      });
    const items = toDiagnostics(doc, a);
    if (a.quick === true) {
      void full.then((done) => {
        const changed = done && JSON.stringify(toDiagnostics(doc, done)) !== JSON.stringify(items);
        if (changed === true) void connection.languages.diagnostics.refresh();
      });
    }
    return { kind: DocumentDiagnosticReportKind.Full, items };
  });

  connection.onCodeAction(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !isCDocument(doc)) return [];
    const a = await analysis(doc.uri, token);
    if (!a || a.tooLarge || doc.version !== a.version || documents.get(doc.uri) !== doc) return [];
    const tree = stateOf(doc.uri).treeFor(await parser(), a.source);
    return buildCodeActions(doc, a, tree.tree.rootNode, params);
  });

  connection.onHover(async (params, token) => hoverAt(ctx, params, token));
  connection.onCodeLens(async (params, token) => lensesFor(ctx, params.textDocument.uri, token));
  connection.onRequest(SIMULATE_REQUEST, async (params: SimulateParams, token: CancellationToken) =>
    simulate(ctx, params, token),
  );
  connection.onRequest(PRESETS_REQUEST, () => listPresetsResult());
  connection.onRequest(MEMORY_REQUEST, (): MemoryInfo => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const m = process.memoryUsage();
    return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, collected: gc !== undefined };
  });
  connection.onRequest(
    CHECK_WORKSPACE_REQUEST,
    async (_params: unknown, token: CancellationToken) => runWorkspaceCheck(ctx, token),
  );

  connection.onExecuteCommand(async (params, token) => {
    if (params.command === 'flushguard.checkWorkspace') {
      const r = await runWorkspaceCheck(ctx, token);
      const message = `FlushGuard: ${r.findings} finding(s) in ${r.filesWithFindings} file(s); ${r.files} C files checked${r.cancelled ? ' (stopped)' : ''}`;
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message,
      });
      return r;
    }
    if (params.command !== 'flushguard.simulate')
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
    const payload = await simulate(ctx, params.arguments?.[0] as SimulateParams, token);
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Info,
      message: summarise(payload),
    });
    return payload;
  });

  connection.onShutdown(async () => {
    for (const t of timers.values()) clearTimeout(t);
    for (const s of states.values()) s.dispose();
    states.clear();
    (await parser()).delete();
  });

  documents.listen(connection);
  connection.listen();
}

export function pathOfUri(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}

export function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

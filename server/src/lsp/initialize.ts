/** `initialize`: what the client can do is settled here, once, and the capabilities answered. */
import {
  CodeActionKind,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver';
import { packageVersion } from '../host/package';
import { SERVER_COMMANDS } from '../protocol/workspace';
import type { InitializationOptions } from '../protocol/workspace';
import type { ServerContext } from './context';
import { SettingsStore, uriToPath } from './settingsStore';

export function initialize(ctx: ServerContext, params: InitializeParams): InitializeResult {
  const { connection, client } = ctx;
  const caps = params.capabilities;
  client.pull = caps.textDocument?.diagnostic !== undefined;
  client.refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
  client.folderEvents = caps.workspace?.workspaceFolders === true;
  client.showDocument = caps.window?.showDocument?.support === true;
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  if (typeof options.debounceMs === 'number' && options.debounceMs >= 0)
    client.debounceMs = options.debounceMs;
  client.reportTiming = options.reportTiming === true;
  if (typeof options.budgetMs === 'number' && options.budgetMs > 0)
    client.budgetMs = options.budgetMs;
  const fetch =
    caps.workspace?.configuration === true
      ? async (uri: string): Promise<unknown> =>
          (await connection.workspace.getConfiguration({
            scopeUri: uri,
            section: 'flushguard',
          })) as unknown
      : undefined;
  const store = new SettingsStore(fetch, (problem) => {
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
      ...(client.pull
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
}

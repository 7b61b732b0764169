/**
 * Notifications that change what the analyses see: documents opened, edited, saved and closed,
 * settings and `.flushguard.json` changed, workspace folders added or removed.
 */
import type { ServerContext } from './context';
import { isCDocument } from './context';
import type { Analyses } from './analyses';
import { uriToPath } from './settingsStore';
import type { WorkspaceIndex } from './workspaceIndex';

export function listenToDocuments(
  ctx: ServerContext,
  analyses: Analyses,
  index?: WorkspaceIndex,
): void {
  const { connection, documents, client } = ctx;
  documents.onDidOpen((e) => {
    if (client.pull && ctx.scanned.delete(e.document.uri))
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  documents.onDidChangeContent((e) => {
    if (isCDocument(e.document)) {
      analyses.schedule(e.document.uri);
      index?.edited(e.document.uri);
    }
  });
  documents.onDidClose((e) => {
    analyses.close(e.document.uri);
    if (!client.pull) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  documents.onDidSave((e) => {
    if (ctx.store.isConfigFile(e.document.uri)) {
      ctx.store.forgetFile(e.document.uri);
      analyses.refreshAll();
    }
  });
  connection.onDidChangeConfiguration((p) => {
    const settings = (p.settings ?? {}) as Record<string, unknown>;
    ctx.store.pushed = settings['flushguard'];
    ctx.store.invalidate();
    analyses.refreshAll();
  });
  connection.onDidChangeWatchedFiles((p) => {
    const configs = p.changes.filter((c) => ctx.store.isConfigFile(c.uri));
    for (const c of configs) ctx.store.forgetFile(c.uri);
    if (configs.length > 0) analyses.refreshAll();
    const paths = p.changes.flatMap((c) => uriToPath(c.uri) ?? []);
    void index?.filesChanged(paths);
  });
}

/** After `initialized`: workspace folder changes, for clients that announced them. */
export function listenToFolders(ctx: ServerContext, analyses: Analyses): void {
  // vscode-languageserver throws here for a client that did not announce workspace folders
  // (Neovim 0.7 without a root, a bare JSON-RPC client): it would never send the event anyway.
  if (!ctx.client.folderEvents) return;
  ctx.connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
    ctx.store.roots = ctx.store.roots
      .filter((r) => !removed.has(r))
      .concat(e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined));
    analyses.refreshAll();
  });
}

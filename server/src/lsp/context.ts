/**
 * What every handler of the language server receives: the connection, the open documents, the
 * settings, what the client announced at initialize, and the analysis of a document's current
 * version. Handlers live in their own modules and get this object; nothing imports the module
 * that wires them together (server.ts), so the handlers form no import cycle.
 */
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './documentAnalysis';
import type { SettingsStore } from './settingsStore';
import type { AnalysisHost } from './analysisHost';
import type { TreeContext } from '../analysis/dcache/summaries';

/** What the client announced at initialize (settled once, never renegotiated). */
export interface ClientFeatures {
  /** Pull diagnostics (`textDocument/diagnostic`); otherwise they are pushed. */
  pull: boolean;
  refreshSupport: boolean;
  folderEvents: boolean;
  /** `window/showDocument`: the simulation's text trace can be opened in the editor. */
  showDocument: boolean;
  debounceMs: number;
  reportTiming: boolean;
  /** Time an analysis may take (initializationOptions.budgetMs; the CLI's default otherwise). */
  budgetMs: number;
}

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** The analysis thread: documents, snippets, code actions and the workspace check run there. */
  readonly host: AnalysisHost;
  store: SettingsStore;
  readonly client: ClientFeatures;
  /** Files whose diagnostics the workspace check pushed. */
  readonly scanned: Set<string>;
  /** The workspace's kernel tree index for a file, once built (workspaceIndex.ts). */
  treeOf?: (path: string) => { context: TreeContext; generation: number } | undefined;
  /** The analysis of the document's current version (computed once per version). */
  analysis: (
    uri: string,
    token?: CancellationToken,
    interim?: (a: Analysis) => void,
  ) => Promise<Analysis | undefined>;
}

export function isCDocument(doc: TextDocument): boolean {
  return doc.languageId === 'c' || /\.[ch]$/i.test(doc.uri);
}

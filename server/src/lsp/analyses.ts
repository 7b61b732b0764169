/**
 * The analyses of the open documents: one per document version, computed once however many
 * requests ask for it, debounced and pushed to clients without pull diagnostics, and dropped
 * when the settings change. Trees of documents not being edited are released beyond MAX_TREES.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { AnalysedParams } from '../protocol/workspace';
import { ANALYSED_NOTIFICATION } from '../protocol/workspace';
import type { ServerContext } from './context';
import { isCDocument } from './context';
import { DocumentAnalysis } from './documentAnalysis';
import type { Analysis } from './documentAnalysis';
import { toDiagnostics } from './diagnostics';
import { uriToPath } from './settingsStore';
import { fileKernelVersion } from '../kernel/fromTree';

/** Trees kept in memory for documents not being edited; the others are re-parsed when needed. */
const MAX_TREES = 12;

export class Analyses {
  private readonly states = new Map<string, DocumentAnalysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Publications under way (their analysis may not have started yet: settings are resolved first). */
  private publishing = 0;
  private readonly pending = new Map<
    string,
    { version: number; promise: Promise<Analysis | undefined> }
  >();

  constructor(private readonly ctx: ServerContext) {}

  stateOf(uri: string): DocumentAnalysis {
    let s = this.states.get(uri);
    if (!s)
      this.states.set(uri, (s = new DocumentAnalysis(this.ctx.host, this.ctx.client.budgetMs)));
    return s;
  }

  /** The analysis of the document's current version; undefined when cancelled or superseded. */
  async current(
    uri: string,
    token?: CancellationToken,
    interim?: (a: Analysis) => void,
  ): Promise<Analysis | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = this.ctx.documents.get(uri);
      if (!doc || !isCDocument(doc)) return undefined;
      const last = this.states.get(uri)?.last;
      if (last?.version === doc.version) return last;
      let p = this.pending.get(uri);
      if (p?.version !== doc.version) {
        const promise = this.analyseNow(uri, doc.version, token, interim).finally(() => {
          if (this.pending.get(uri)?.promise === promise) this.pending.delete(uri);
        });
        p = { version: doc.version, promise };
        this.pending.set(uri, p);
      }
      const a = await p.promise;
      if (a) return a;
      if (token?.isCancellationRequested) return undefined;
    }
    return undefined;
  }

  /**
   * Resolves once no analysis is scheduled or running (the documents opened so far have their
   * diagnostics), or after `maxMs` of steady typing: the tree index waits for it, so loading it
   * never delays a document's first diagnostics.
   */
  async idle(maxMs: number): Promise<void> {
    const until = performance.now() + maxMs;
    while (performance.now() < until) {
      const running = [...this.pending.values()].map((p) => p.promise);
      if (running.length > 0) await Promise.allSettled(running);
      else if (this.timers.size > 0 || this.publishing > 0)
        await new Promise((r) => setTimeout(r, 10));
      else return;
    }
  }

  /** Push diagnostics after the debounce (clients without pull diagnostics only). */
  schedule(uri: string, delay = this.ctx.client.debounceMs): void {
    if (this.ctx.client.pull) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.publish(uri);
      }, delay),
    );
  }

  /** Settings changed: every analysis is stale. */
  refreshAll(): void {
    for (const s of this.states.values()) s.last = undefined;
    const { client, connection, documents } = this.ctx;
    if (client.pull) {
      if (client.refreshSupport) void connection.languages.diagnostics.refresh();
    } else for (const doc of documents.all()) if (isCDocument(doc)) this.schedule(doc.uri, 0);
  }

  /** One document is stale (a summary it uses changed): analysed and shown again. */
  refresh(uri: string): void {
    const s = this.states.get(uri);
    if (s) s.last = undefined;
    const { client, connection } = this.ctx;
    if (!client.pull) this.schedule(uri, 0);
    else if (client.refreshSupport) void connection.languages.diagnostics.refresh();
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.states.get(uri)?.dispose();
    this.states.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.states.values()) s.dispose();
    this.states.clear();
  }

  private async publish(uri: string): Promise<void> {
    const { connection, documents } = this.ctx;
    this.publishing++;
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
      send(await this.current(uri, undefined, send));
    } catch (e) {
      connection.console.error(
        `flushguard: analysis of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    } finally {
      this.publishing--;
    }
  }

  private async analyseNow(
    uri: string,
    version: number,
    token?: CancellationToken,
    interim?: (a: Analysis) => void,
  ): Promise<Analysis | undefined> {
    const { documents, store } = this.ctx;
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return undefined;
    const resolved = await store.resolve(uri);
    const kernel = fileKernelVersion(uriToPath(uri), resolved.settings.kernelVersion);
    const settings = { ...resolved.settings, kernelVersion: kernel.version };
    const t0 = performance.now();
    const timing = (a: Analysis): void => this.reportTiming(uri, version, t0, a);
    const path = uriToPath(uri);
    const tree = path === undefined ? undefined : this.ctx.treeOf?.(path);
    const a = await this.stateOf(uri).analyse(
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
      tree && { file: tree.context.file, generation: tree.generation },
    );
    if (a) timing(a);
    this.releaseIdleTrees();
    return a;
  }

  private reportTiming(uri: string, version: number, t0: number, a: Analysis): void {
    if (!this.ctx.client.reportTiming) return;
    const params: AnalysedParams = {
      uri,
      version,
      ms: performance.now() - t0,
      phase: a.quick === true ? 'quick' : 'full',
      parse: a.parse ?? 'none',
      functionsAnalysed: a.stats?.analysed ?? 0,
      functionsReused: a.stats?.reused ?? 0,
    };
    void this.ctx.connection.sendNotification(ANALYSED_NOTIFICATION, params);
  }

  private releaseIdleTrees(): void {
    const holding = [...this.states.values()]
      .filter((s) => s.holdsTree && !s.running)
      .sort((a, b) => b.lastUsed - a.lastUsed);
    for (const s of holding.slice(MAX_TREES)) s.release();
  }
}

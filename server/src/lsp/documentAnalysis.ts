/**
 * One open document's analysis, run on the analysis thread (analysisWorker.ts: incremental parse,
 * per-function lint, suppressions), so that the server's event loop stays free however long one
 * function takes. A run stops as soon as a newer run of the same document starts or the caller
 * cancels it (a newer edit, a cancelled pull request), inside the analysis loops too.
 */
import type { Settings } from '../config/settings';
import type { Analysis } from './analysisResult';
import type { AnalysisHost } from './analysisHost';
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';

export type { Analysis } from './analysisResult';

/** Time an analysis may take before giving up on the file (the CLI's default budget). */
export const BUDGET_MS = 20_000;

let nextKey = 0;

export class DocumentAnalysis {
  private generation = 0;
  /** The worker keeps this document's tree and per-function cache under this key. */
  private readonly key = `doc${nextKey++}`;
  private holding = false;
  last: Analysis | undefined;
  running = false;
  lastUsed = 0;

  constructor(
    private readonly host: AnalysisHost,
    private readonly budgetMs = BUDGET_MS,
  ) {}

  /** Resolves to the analysis, or undefined when superseded or cancelled. */
  async analyse(
    source: string,
    version: number,
    settings: Settings,
    excludedBy: string | undefined,
    cancelled: () => boolean,
    interim?: (a: Analysis) => void,
    tree?: { file: string; generation: number },
  ): Promise<Analysis | undefined> {
    const generation = ++this.generation;
    this.lastUsed = Date.now();
    this.running = true;
    try {
      const a = (await this.host.run(
        {
          kind: 'document',
          key: this.key,
          source,
          version,
          settings,
          ...(excludedBy !== undefined ? { excludedBy } : {}),
          interim: interim !== undefined && this.last !== undefined,
          ...(tree ? { tree } : {}),
          budgetMs: this.budgetMs,
        },
        () => generation !== this.generation || cancelled(),
        interim,
      )) as Analysis | undefined;
      if (!a || generation !== this.generation) return undefined;
      this.holding = a.note === undefined;
      this.last = a;
      return a;
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  /** Frees the tree and the per-function cache (the document keeps its last analysis). */
  release(): void {
    if (this.running || !this.holding) return;
    this.holding = false;
    this.host.release(this.key, false);
  }

  get holdsTree(): boolean {
    return this.holding;
  }

  /** The code actions of `analysis` (the tree is the worker's). */
  async actions(
    uri: string,
    analysis: Analysis,
    params: CodeActionParams,
    cancelled: () => boolean,
  ): Promise<CodeAction[]> {
    this.holding = true;
    const r = await this.host.run(
      { kind: 'actions', key: this.key, uri, version: analysis.version, analysis, params },
      cancelled,
    );
    return (r as CodeAction[] | undefined) ?? [];
  }

  dispose(): void {
    this.generation++;
    this.running = false;
    this.holding = false;
    this.host.release(this.key, true);
  }
}

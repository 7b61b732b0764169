/**
 * The kernel tree index in the language server (issue 13): built in the background after
 * `initialized` on worker threads, with work-done progress (percentage, cancel), from the same
 * on-disk cache as the CLI. Open documents are analysed alone meanwhile and refreshed when the
 * index is ready. Changed files (`workspace/didChangeWatchedFiles`) and edited documents are
 * summarised again one by one; when a summary changes, the open documents that name it (a
 * function, a field, a callback field) are analysed again.
 */
import { readBounded } from '../host/boundedRead';
import { MAX_PARSE_CHARS } from '../parsing/parser';
import { availableParallelism } from 'node:os';
import type { ServerContext } from './context';
import { isCDocument } from './context';
import type { Analyses } from './analyses';
import { uriToPath } from './settingsStore';
import { BuildCancelled, buildTreeFacts, findKernelRoot } from '../xref/build';
import { TreeIndex } from '../xref/treeIndex';
import type { FileFacts, FunctionFactsSummary } from '../xref/types';
import type { TreeContext } from '../analysis/dcache/summaries';
import { treeRelative } from '../tree/kernelTree';

/** Edits of an open document wait this long before its summary is computed again. */
const EDIT_DELAY_MS = 500;

export class WorkspaceIndex {
  root: string | undefined;
  private facts = new Map<string, FileFacts>();
  private index: TreeIndex | undefined;
  generation = 0;
  /** Memory the index took when it was built (heap and RSS growth, bytes). */
  builtBytes = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly analyses: Analyses,
  ) {}

  get ready(): boolean {
    return this.index !== undefined;
  }

  /** Files that gave facts. */
  get files(): number {
    return this.facts.size;
  }

  /** The index itself, once ready (the analysis thread asks it through analysisHost.ts). */
  treeFacts(): TreeIndex | undefined {
    return this.index;
  }

  /** The context of a file inside the indexed tree, once the index is ready. */
  treeOf(path: string): { context: TreeContext; generation: number } | undefined {
    if (!this.index || !this.root || !path.startsWith(`${this.root}/`)) return undefined;
    return {
      context: { tree: this.index, file: treeRelative({ root: this.root, arches: [] }, path) },
      generation: this.generation,
    };
  }

  /** Starts the background build for the first workspace root inside a kernel tree. */
  async start(): Promise<void> {
    const root = this.ctx.store.roots.map((r) => findKernelRoot(r)).find((r) => r !== undefined);
    if (!root) return;
    this.root = root;
    const { connection } = this.ctx;
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('FlushGuard: indexing the kernel tree', 0, root, true);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    let last = -1;
    try {
      const built = await buildTreeFacts(root, {
        // One core stays with the editor.
        jobs: Math.max(1, availableParallelism() - 1),
        inWorkers: true,
        cancelled: () => progress.token.isCancellationRequested,
        onProgress: (done, total) => {
          const percent = Math.floor((100 * done) / Math.max(1, total));
          if (percent === last) return;
          last = percent;
          progress.report(percent, `${done}/${total} files`);
        },
      });
      this.facts = new Map(built.facts.map((f) => [f.file, f]));
      this.rebuild();
      gc?.();
      const after = process.memoryUsage();
      this.builtBytes = Math.max(0, after.heapUsed - before.heapUsed);
      progress.done();
      connection.console.info(
        `flushguard: index of ${root}: ${built.stats.files} files, ${built.stats.parsed} summarised, ${built.stats.ms} ms`,
      );
      this.analyses.refreshAll();
    } catch (e) {
      progress.done();
      this.root = undefined;
      if (!(e instanceof BuildCancelled))
        connection.console.error(`flushguard: the index could not be built: ${String(e)}`);
    }
  }

  /** Files changed on disk: summarised again (ignored before the index is ready). */
  async filesChanged(paths: string[]): Promise<void> {
    const changed: string[] = [];
    for (const path of paths) {
      if (!/\.[ch]$/.test(path)) continue;
      // As the index build reads them: regular files only, size first (xref/build.ts).
      const read = readBounded(path, MAX_PARSE_CHARS);
      const text = read.ok ? read.bytes.toString('utf8') : undefined;
      changed.push(...(await this.update(path, text)));
    }
    this.refreshDependants(changed);
  }

  /** An open document was edited: its summary follows the buffer, after a pause. */
  edited(uri: string): void {
    if (!this.index) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        const doc = this.ctx.documents.get(uri);
        const path = uriToPath(uri);
        if (!doc || !path) return;
        void this.update(path, doc.getText()).then((names) => this.refreshDependants(names, uri));
      }, EDIT_DELAY_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
  }

  /** Replaces one file's facts; the names whose summaries changed (none: nothing to redo). */
  private async update(path: string, text: string | undefined): Promise<string[]> {
    const tree = this.index && this.root ? this.treeOf(path) : undefined;
    if (!tree) return [];
    const rel = tree.context.file;
    // Summarised on the analysis thread: a huge edited function never holds the event loop.
    const next =
      text === undefined
        ? null
        : ((await this.ctx.host.run({ kind: 'summary', rel, source: text }, () => false)) as
            FileFacts | undefined);
    if (next === undefined) return [];
    const old = this.facts.get(rel);
    const names = changedNames(old, next ?? undefined);
    if (next) this.facts.set(rel, next);
    else this.facts.delete(rel);
    // Only lines and offsets moved (a keystroke above them): the answers are the same, so the
    // index and every analysis that used it stay; the new positions come with the next rebuild.
    if (names.length === 0) return [];
    this.rebuild();
    return names;
  }

  private rebuild(): void {
    this.index = new TreeIndex(this.facts.values());
    this.generation++;
  }

  /** Analyses again the open documents (but `except`) whose text names a changed summary. */
  private refreshDependants(names: string[], except?: string): void {
    if (names.length === 0) return;
    const words = new RegExp(`\\b(?:${names.map(escape).join('|')})\\b`);
    for (const doc of this.ctx.documents.all()) {
      if (doc.uri === except || !isCDocument(doc) || !words.test(doc.getText())) continue;
      this.analyses.refresh(doc.uri);
    }
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function's facts without their positions: its line, and the offsets naming the switch arm of
 * each call, numbered in order instead (the same arms after an edit above them).
 */
function withoutPositions(fn: FunctionFactsSummary): string {
  const arms = new Map<number, number>();
  const ordinal = (offset: number): number => {
    if (!arms.has(offset)) arms.set(offset, arms.size);
    return arms.get(offset)!;
  };
  const calls = fn.calls.map((c) =>
    c.arm ? { ...c, arm: [ordinal(c.arm[0]), ordinal(c.arm[1])] } : c,
  );
  return JSON.stringify({ ...fn, line: 0, calls });
}

/**
 * Function names, field names and callback fields whose facts differ between two versions; a
 * change of position alone (lines, offsets) is no change.
 */
export function changedNames(a: FileFacts | undefined, b: FileFacts | undefined): string[] {
  const out = new Set<string>();
  const fns = (f: FileFacts | undefined): Map<string, string> =>
    new Map((f?.functions ?? []).map((fn) => [fn.name, withoutPositions(fn)]));
  const diff = (x: Map<string, string>, y: Map<string, string>): void => {
    for (const [k, v] of x) if (y.get(k) !== v) out.add(k);
    for (const k of y.keys()) if (!x.has(k)) out.add(k);
  };
  diff(fns(a), fns(b));
  const entries = (r: Record<string, unknown> | undefined): Map<string, string> =>
    new Map(Object.entries(r ?? {}).map(([k, v]) => [k, JSON.stringify(v)]));
  const sources = (r: FileFacts['fields'] | undefined): Map<string, string> =>
    new Map(
      Object.entries(r ?? {}).map(([k, v]) => [
        k,
        JSON.stringify(v.map((source) => ({ ...source, line: 0 }))),
      ]),
    );
  const fields = new Set<string>();
  const before = new Set(out);
  diff(sources(a?.fields), sources(b?.fields));
  for (const k of out) if (!before.has(k)) fields.add(k);
  for (const k of fields) {
    // `struct.field`: documents name the field.
    out.delete(k);
    out.add(k.slice(k.indexOf('.') + 1));
  }
  diff(entries(a?.callbacks), entries(b?.callbacks));
  return [...out].filter((n) => /^\w+$/.test(n));
}

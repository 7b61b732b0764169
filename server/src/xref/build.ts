/**
 * Builds (or refreshes) a kernel tree's index at the CLI edge: walks the tree, reuses cached
 * per-file facts whose size and mtime (or content hash) are unchanged, summarises the rest on
 * worker threads with the same parser (only the items that can matter: prefilter.ts, in two
 * rounds), and writes the cache back. The summaries themselves are pure (summarize.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { readBounded, sizeText } from '../host/boundedRead';
import { join, relative, resolve, sep } from 'node:path';
import { TreeFinder } from '../tree/kernelTree';
import { cacheHome } from '../tree/store';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import {
  BudgetExceeded,
  checkParseable,
  createParser,
  initParser,
  MAX_PARSE_CHARS,
  parseC,
} from '../parsing/parser';
import type { ParsedSource, Parser } from '../parsing/parser';
import type { Range } from 'web-tree-sitter';
import { preprocess } from '../parsing/preprocess';
import type { Item } from './regions';
import { withDeadline } from '../parsing/deadline';
import { wasmSources } from '../host/wasmPaths';
import { summarizeFile } from './summarize';
import { extendForCallbacks, selectForIndex } from './prefilter';
import { blankExcept } from './regions';
import { sha1 } from '../tree/store';
import { lastAtOrBefore } from '../lineMap';
import { fileKernelVersion } from '../kernel/fromTree';
import { cachePath, readCache, writeCache, XREF_FORMAT } from './cache';
import type { CachedFile, CachedTree } from './cache';
import type { FileFacts } from './types';
import { TreeIndex } from './treeIndex';
import { calledNameHashes, hashedCallsTreePageWriter, namesByHash } from './pageWriters';

/** Largest file the index reads: what the parser takes (a longer text is not summarised). */
const MAX_INDEX_BYTES = MAX_PARSE_CHARS;

/** Only files that can hold page, folio, scatterlist or operations-table facts are parsed. */
const RELEVANT = /page|folio|iget|i_mapping|_operations|flush_dcache|scatterlist/;
const PER_FILE_BUDGET_MS = 10_000;

/** The kernel tree holding `path` (server/src/tree/kernelTree.ts decides what a tree top is). */
export function findKernelRoot(path: string): string | undefined {
  return new TreeFinder().find(path)?.root;
}

/**
 * Tree-relative paths ('/'-separated) of the C sources and headers under `root`; `listed` gives
 * the listings of directories this run already read (by absolute path).
 */
async function treeFiles(
  root: string,
  listed?: (dir: string) => Dirent[] | undefined,
): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  for (let dirs = 0; stack.length > 0; dirs++) {
    // A turn of the event loop now and then: the language server answers meanwhile.
    if (dirs % 200 === 199) await new Promise((r) => setImmediate(r));
    const d = stack.pop()!;
    let entries;
    try {
      entries = listed?.(d) ?? readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && /\.[ch]$/.test(e.name))
        out.push(relative(root, p).split(sep).join('/'));
    }
  }
  return out.sort();
}

/** What one file gives the index: its facts, and the registrations its facts left out. */
export interface FileResult {
  facts: FileFacts | null;
  /** Callback registrations in items not parsed (prefilter.ts): field → names. */
  registrations?: Record<string, string[]>;
  /** SHA-1 of the text, for files that gave anything (a touched but unchanged file is reused). */
  hash?: string;
  /** Asked for (BuildOptions.lintable): the file is clean UTF-8 and no lint rule can flag it. */
  quiet?: true;
  /**
   * For a quiet file, the hashes of the names it calls (pageWriters.ts, calledNameHashes): one
   * that writes a page makes it worth linting.
   */
  calls?: Uint32Array;
}

/**
 * Facts of one file's text; null when the file cannot hold any (or cannot be parsed in time).
 * Only the items that can matter are parsed (prefilter.ts); `fields` adds the items registering
 * callbacks for those fields (the second round, once the whole tree says which fields matter).
 */
export function summarizeText(
  parser: Parser,
  rel: string,
  text: string,
  fields?: ReadonlySet<string>,
  bodies?: ReadonlySet<string>,
): FileResult {
  if (!RELEVANT.test(text) || text.length > MAX_PARSE_CHARS || text.includes('\0'))
    return { facts: null };
  const selection = selectForIndex(text);
  let parsedText = text;
  let ranges: Range[] | undefined;
  let registrations: Record<string, string[]> | undefined;
  if (selection) {
    const keep =
      fields || bodies
        ? extendForCallbacks(text, selection, fields ?? new Set(), bodies)
        : selection.keep;
    registrations = Object.keys(selection.registrations).length
      ? selection.registrations
      : undefined;
    if (!keep.includes(true))
      return registrations ? { facts: null, registrations, hash: sha1(text) } : { facts: null };
    parsedText = blankExcept(text, selection.items, keep);
    ranges = keptRanges(text, selection.items, keep);
  }
  const hash = sha1(text);
  try {
    const deadline = performance.now() + PER_FILE_BUDGET_MS;
    const parsed = ranges
      ? parseRanges(parser, parsedText, ranges, deadline)
      : parseC(parser, parsedText, undefined, deadline);
    try {
      // The original text: the blanked one has the same offsets, and summaries read names from it.
      const facts = withDeadline(deadline, () =>
        summarizeFile(rel, parsed.tree, text, parsed.pre.iterators),
      );
      return registrations ? { facts, registrations, hash } : { facts, hash };
    } finally {
      parsed.tree.delete();
    }
  } catch {
    return { facts: null };
  }
}

/**
 * Parses only `ranges` of the blanked text (tree-sitter's included ranges): the same tokens as
 * the whole blanked text, so the same tree, without lexing (and copying into the WASM heap) the
 * blanks, which were most of the characters.
 */
function parseRanges(
  parser: Parser,
  blanked: string,
  ranges: Range[],
  deadline: number,
): ParsedSource {
  checkParseable(blanked);
  // The pre-pass over the blanked text, as parseC: its state at a kept item is what it was.
  const pre = preprocess(blanked);
  const tree = parser.parse(pre.text, null, {
    includedRanges: ranges,
    progressCallback: () => performance.now() > deadline,
  });
  if (!tree) {
    parser.reset();
    throw new BudgetExceeded('parsing took longer than the time budget');
  }
  return { source: blanked, pre, tree };
}

/** The kept items as tree-sitter ranges (UTF-16 offsets and columns, as the parser counts). */
function keptRanges(src: string, items: readonly Item[], keep: readonly boolean[]): Range[] {
  const starts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  // Rows as tree-sitter counts them, at LF only (LineMap also breaks at a lone CR).
  const point = (offset: number): { row: number; column: number } => {
    const row = lastAtOrBefore(starts, offset);
    return { row, column: offset - starts[row]! };
  };
  return items.flatMap((item, k) =>
    keep[k]
      ? [
          {
            startIndex: item.start,
            endIndex: item.end,
            startPosition: point(item.start),
            endPosition: point(item.end),
          },
        ]
      : [],
  );
}

export interface BuildStats {
  files: number;
  /** Files read and summarised in this run (both rounds). */
  parsed: number;
  reused: number;
  ms: number;
  cacheFile?: string;
  /** Files left out of the index, with why (over MAX_INDEX_BYTES, not a regular file). */
  skipped?: { file: string; reason: string }[];
}

export interface BuildOptions {
  jobs: number;
  /** Bypass the cache entirely (neither read nor written). */
  noCache?: boolean;
  cacheHome?: string;
  /** Told how many files must be summarised before the work starts (0 when all are cached). */
  onStart?: (files: number) => void;
  /** Told after each summarised file (first round). */
  onProgress?: (done: number, total: number) => void;
  /** Asked between files: true stops the build (it then throws BuildCancelled). */
  cancelled?: () => boolean;
  /** Summarise on worker threads even with one job (the language server keeps its thread free). */
  inWorkers?: boolean;
  /**
   * The lint's test of whether a text can give it anything (linter.ts, mayReport), run on each
   * file read here; those it rejects are BuiltTree.quiet. Workers run the test their entry gave
   * runXrefWorker, which must be this one.
   */
  lintable?: (text: string) => boolean;
  /** Listings of the tree's directories this run already read (cli/files.ts, Listings). */
  listed?: (dir: string) => Dirent[] | undefined;
}

export class BuildCancelled extends Error {
  constructor() {
    super('index build cancelled');
  }
}

export interface BuiltTree {
  facts: FileFacts[];
  /** Changes whenever the facts change: what a cached lint result depends on. */
  digest: string;
  stats: BuildStats;
  /** Size and mtime of every file walked (tree-relative), for the lint cache's check. */
  stamps: Map<string, { size: number; mtimeMs: number }>;
  /** Files read in this run that `lintable` rejected (tree-relative): the lint skips them. */
  quiet: Set<string>;
}

export async function buildTreeFacts(root: string, options: BuildOptions): Promise<BuiltTree> {
  const start = performance.now();
  const abs = resolve(root);
  const path = options.noCache ? undefined : cachePath(abs, options.cacheHome ?? cacheHome());
  const kernel = JSON.stringify(fileKernelVersion(join(abs, 'Makefile')).version ?? null);
  const old = path ? readCache(path, abs, kernel) : undefined;
  const next: CachedTree = { format: XREF_FORMAT, root: abs, kernel, files: {} };
  const todo: Todo[] = [];
  const touched: Todo[] = [];
  const rels = await treeFiles(abs, options.listed);
  const skipped: { file: string; reason: string }[] = [];
  const stamps = new Map<string, { size: number; mtimeMs: number }>();
  for (let k = 0; k < rels.length; k++) {
    const rel = rels[k]!;
    // A turn of the event loop now and then: the language server answers meanwhile.
    if (k % 2000 === 1999) {
      await new Promise((r) => setImmediate(r));
      if (options.cancelled?.()) throw new BuildCancelled();
    }
    const st = statSync(join(abs, rel), { throwIfNoEntry: false });
    if (!st) continue;
    // Size before reading (a 1.5 GB sparse `.c` took 1.6 GB to be read whole).
    const refused = !st.isFile()
      ? 'not a regular file'
      : st.size > MAX_INDEX_BYTES
        ? `${sizeText(st.size)}, more than the ${sizeText(MAX_INDEX_BYTES)} read`
        : undefined;
    if (refused) {
      skipped.push({ file: rel, reason: refused });
      continue;
    }
    const prev = old?.files[rel];
    const item = { rel, size: st.size, mtimeMs: st.mtimeMs };
    stamps.set(rel, { size: st.size, mtimeMs: st.mtimeMs });
    if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs) next.files[rel] = prev;
    else if (prev?.hash && prev.size === st.size) touched.push(item);
    else todo.push(item);
  }
  // Same size, new mtime (a checkout, a touch): the content hash decides.
  for (const t of touched) {
    const prev = old!.files[t.rel]!;
    if (sha1(readText(join(abs, t.rel))) === prev.hash)
      next.files[t.rel] = { ...prev, mtimeMs: t.mtimeMs };
    else todo.push(t);
  }
  options.onStart?.(todo.length);
  const pool = new SummaryPool(
    abs,
    todo.length >= 64 || options.inWorkers ? options.jobs : 1,
    options.inWorkers === true,
    options.cancelled,
    options.lintable,
  );
  try {
    const lintable = options.lintable !== undefined;
    const first = await pool.run(
      todo.map((t) => (lintable ? { rel: t.rel, lintable } : { rel: t.rel })),
      options.onProgress,
    );
    const quiet = new Map(todo.flatMap((t, i) => (first[i]!.quiet ? [[t.rel, first[i]!]] : [])));
    todo.forEach((t, i) => {
      next.files[t.rel] = { size: t.size, mtimeMs: t.mtimeMs, ...entryOf(first[i]!) };
    });
    // Further rounds: items registering callbacks for the fields that matter (prefilter.ts).
    // Implementations parsed in one round can make more fields matter (a registration naming a
    // function that now has a summary), so the rounds go on until no file's triggers change:
    // a warm run then finds the same triggers and the same digest as the cold run that built it.
    let reparsed = 0;
    for (let round = 0; round < MAX_CALLBACK_ROUNDS; round++) {
      const fields = callbackFields(Object.values(next.files));
      const bodies = addressFields(Object.values(next.files));
      const again = Object.entries(next.files).flatMap(([rel, f]) => {
        const registered = Object.keys(f.registrations ?? {});
        // `+field`: the implementations registered for it are parsed too (bufferWrites.ts).
        const triggers = [
          ...registered.filter((k) => fields.has(k)),
          ...registered.filter((k) => bodies.has(k)).map((k) => `+${k}`),
        ].sort();
        return triggers.join() === (f.triggers ?? []).join() ? [] : [{ rel, triggers }];
      });
      if (again.length === 0) break;
      reparsed += again.length;
      const second = await pool.run(
        again.map((a) => ({
          rel: a.rel,
          fields: a.triggers.filter((t) => !t.startsWith('+')),
          bodies: a.triggers.flatMap((t) => (t.startsWith('+') ? [t.slice(1)] : [])),
        })),
      );
      again.forEach((a, i) => {
        const prev = next.files[a.rel]!;
        const r = second[i]!;
        next.files[a.rel] = { size: prev.size, mtimeMs: prev.mtimeMs, ...entryOf(r) };
        if (a.triggers.length > 0) next.files[a.rel]!.triggers = a.triggers;
      });
    }
    const changed = todo.length + touched.length + reparsed > 0;
    if (path && (changed || !old)) writeCache(path, next);
    const kept = Object.keys(next.files).sort();
    const facts = kept.flatMap((rel) => {
      const f: CachedFile | undefined = next.files[rel];
      return f?.facts ? [f.facts] : [];
    });
    const stats: BuildStats = {
      files: kept.length,
      parsed: todo.length + reparsed,
      reused: kept.length - todo.length,
      ms: Math.round(performance.now() - start),
    };
    if (path) stats.cacheFile = path;
    if (skipped.length > 0) stats.skipped = skipped;
    return { facts, digest: digestOf(kept, next), stats, stamps, quiet: stillQuiet(quiet, facts) };
  } finally {
    await pool.close();
  }
}

/** Rounds of callback implementations at most (a tree needs two or three). */
const MAX_CALLBACK_ROUNDS = 8;

interface Todo {
  rel: string;
  size: number;
  mtimeMs: number;
}

function entryOf(r: FileResult): Omit<CachedFile, 'size' | 'mtimeMs'> {
  // `quiet` depends on the lint's rules, not on the index: it is not kept.
  return {
    facts: r.facts,
    ...(r.registrations ? { registrations: r.registrations } : {}),
    ...(r.hash ? { hash: r.hash } : {}),
  };
}

/**
 * The fields a callback registration matters for: those some function with a summary (a page
 * parameter) is registered for anywhere in the tree. Another field's implementations cannot
 * flush or write a page (treeIndex.ts asks every implementation), whatever else registers.
 */
export function callbackFields(files: Iterable<CachedFile>): Set<string> {
  const all = [...files];
  const summarised = new Set<string>();
  for (const f of all) for (const fn of f.facts?.functions ?? []) summarised.add(fn.name);
  const out = new Set<string>();
  const add = (regs: Record<string, string[]> | undefined): void => {
    for (const [field, names] of Object.entries(regs ?? {}))
      if (names.some((n) => summarised.has(n))) out.add(field);
  };
  for (const f of all) {
    add(f.facts?.callbacks);
    add(f.registrations);
  }
  return out;
}

/** Operations-table fields some file calls with a page's kernel mapping (summarize.ts). */
function addressFields(files: Iterable<CachedFile>): Set<string> {
  const out = new Set<string>();
  for (const f of files) for (const field of f.facts?.addressCalls ?? []) out.add(field);
  return out;
}

/**
 * The quiet files that stay quiet once the whole tree is known: a file that calls a function of
 * the tree writing a page it is handed can hold a missing flush without any mapping word of its
 * own (pageWriters.ts), and the linter's own pre-filter lets it through for the same reason.
 */
function stillQuiet(quiet: Map<string, FileResult>, facts: FileFacts[]): Set<string> {
  if (![...quiet.values()].some((r) => r.calls && r.calls.length > 0)) return new Set(quiet.keys());
  const index = new TreeIndex(facts);
  const defined = namesByHash(index.writerNames());
  const out = new Set<string>();
  for (const [rel, r] of quiet)
    if (!hashedCallsTreePageWriter(r.calls ?? new Uint32Array(), defined, index, rel)) out.add(rel);
  return out;
}

/** A digest of the facts in use: the per-file hashes and shapes, cheap to compute. */
function digestOf(rels: string[], tree: CachedTree): string {
  const parts: string[] = [];
  for (const rel of rels) {
    const f = tree.files[rel]!;
    if (f.facts) parts.push(rel, f.hash ?? '', (f.triggers ?? []).join());
  }
  return sha1(parts.join('\n'));
}

interface Job {
  rel: string;
  fields?: string[];
  /** Fields whose registered implementations are parsed too. */
  bodies?: string[];
  /** Run the lint's test on the text (FileResult.quiet). */
  lintable?: boolean;
}

/**
 * Summarises files in the main thread (few files) or on worker threads that live for both
 * rounds of a build (starting a thread and its WASM parser costs more than a small file).
 */
class SummaryPool {
  private workers: Worker[] = [];
  private parser: Parser | undefined;

  constructor(
    private readonly root: string,
    private readonly jobs: number,
    private readonly alwaysWorkers = false,
    private readonly cancelled?: () => boolean,
    private readonly lintable?: (text: string) => boolean,
  ) {}

  async run(
    jobs: Job[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<FileResult[]> {
    if (jobs.length === 0) return [];
    if (!this.alwaysWorkers && (this.jobs <= 1 || jobs.length < 16)) return this.runHere(jobs);
    if (this.workers.length === 0)
      this.workers = Array.from({ length: this.jobs }, spawn(this.root));
    const results = new Array<FileResult>(jobs.length);
    let next = 0;
    let finished = 0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((done, fail) => {
            const feed = (): void => {
              if (this.cancelled?.()) {
                w.off('message', onMessage);
                w.off('error', fail);
                fail(new BuildCancelled());
                return;
              }
              if (next >= jobs.length) {
                w.off('message', onMessage);
                w.off('error', fail);
                done();
                return;
              }
              const index = next++;
              w.postMessage({ index, ...jobs[index]! });
            };
            const onMessage = (m: { index: number; result: FileResult }): void => {
              results[m.index] = m.result;
              onProgress?.(++finished, jobs.length);
              feed();
            };
            w.on('message', onMessage);
            w.on('error', fail);
            feed();
          }),
      ),
    );
    return results;
  }

  private async runHere(jobs: Job[]): Promise<FileResult[]> {
    if (!this.parser) {
      await initParser(wasmSources());
      this.parser = createParser();
    }
    const parser = this.parser;
    return jobs.map((j) => summarizeJob(parser, this.root, j, this.lintable));
  }

  async close(): Promise<void> {
    this.parser?.delete();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function spawn(root: string): () => Worker {
  const entry = process.argv[1] ?? __filename;
  // Under tsx (tests, scripts) the worker registers tsx before loading the entry (as cli/pool.ts).
  const source = entry.endsWith('.ts')
    ? `require('tsx/cjs'); require(${JSON.stringify(entry)});`
    : undefined;
  const data = { flushguardXrefWorker: true, root };
  return () =>
    source
      ? new Worker(source, { eval: true, workerData: data })
      : new Worker(entry, { workerData: data });
}

/** A file of the tree, through a bounded read ('' when refused or unreadable). */
function readText(path: string): string {
  const read = readBounded(path, MAX_INDEX_BYTES);
  return read.ok ? read.bytes.toString('utf8') : '';
}

/** One job: the file read once, summarised, and given to the lint's test when asked. */
function summarizeJob(
  parser: Parser,
  root: string,
  job: Job,
  lintable: ((text: string) => boolean) | undefined,
): FileResult {
  const read = readBounded(join(root, job.rel), MAX_INDEX_BYTES);
  const text = read.ok ? read.bytes.toString('utf8') : '';
  const result = summarizeText(
    parser,
    job.rel,
    text,
    job.fields && new Set(job.fields),
    job.bodies && new Set(job.bodies),
  );
  // What the lint's own read would refuse (not UTF-8, a NUL byte) is left to it; its decoder
  // drops a byte-order mark, so the test sees the text without one.
  if (job.lintable && lintable && read.ok && isUtf8(read.bytes) && !text.includes('\0')) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (!lintable(body)) {
      result.quiet = true;
      result.calls = calledNameHashes(body);
    }
  }
  return result;
}

export function isXrefWorker(): boolean {
  return (workerData as { flushguardXrefWorker?: boolean } | null)?.flushguardXrefWorker === true;
}

/** `lintable`: the test BuildOptions.lintable names (the CLI's entry passes it; the LSP's none). */
export async function runXrefWorker(lintable?: (text: string) => boolean): Promise<void> {
  const { root } = workerData as { root: string };
  await initParser(wasmSources());
  const parser = createParser();
  parentPort?.on('message', (m: { index: number } & Job) => {
    const result = summarizeJob(parser, root, m, lintable);
    parentPort?.postMessage({ index: m.index, result });
  });
}

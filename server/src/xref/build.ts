/**
 * Builds (or refreshes) a kernel tree's index at the CLI edge: walks the tree, reuses cached
 * per-file facts whose size and mtime are unchanged, summarises the rest on worker threads with
 * the same parser, and writes the cache back. The summaries themselves are pure (summarize.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { TreeFinder } from '../tree/kernelTree';
import { cacheHome } from '../tree/store';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createParser, initParser, MAX_PARSE_CHARS, parseC } from '../parsing/parser';
import type { Parser } from '../parsing/parser';
import { withDeadline } from '../parsing/deadline';
import { wasmSources } from '../host/wasmPaths';
import { summarizeFile } from './summarize';
import { cachePath, readCache, writeCache, XREF_FORMAT } from './cache';
import type { CachedFile, CachedTree } from './cache';
import type { FileFacts } from './types';

/** Only files that can hold page, folio or operations-table facts are parsed. */
const RELEVANT = /page|folio|iget|i_mapping|_operations|flush_dcache/;
const PER_FILE_BUDGET_MS = 10_000;

/** The kernel tree holding `path` (server/src/tree/kernelTree.ts decides what a tree top is). */
export function findKernelRoot(path: string): string | undefined {
  return new TreeFinder().find(path)?.root;
}

/** Tree-relative paths ('/'-separated) of the C sources and headers under `root`. */
function treeFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
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

/** Facts of one file's text; null when the file cannot hold any (or cannot be parsed in time). */
export function summarizeText(parser: Parser, rel: string, text: string): FileFacts | null {
  if (!RELEVANT.test(text) || text.length > MAX_PARSE_CHARS || text.includes('\0')) return null;
  try {
    const deadline = performance.now() + PER_FILE_BUDGET_MS;
    const parsed = parseC(parser, text, undefined, deadline);
    try {
      return withDeadline(deadline, () =>
        summarizeFile(rel, parsed.tree, text, parsed.pre.iterators),
      );
    } finally {
      parsed.tree.delete();
    }
  } catch {
    return null;
  }
}

export interface BuildStats {
  files: number;
  parsed: number;
  reused: number;
  ms: number;
  cacheFile?: string;
}

export interface BuildOptions {
  jobs: number;
  /** Bypass the cache entirely (neither read nor written). */
  noCache?: boolean;
  cacheHome?: string;
  /** Told how many files must be summarised before the work starts (0 when all are cached). */
  onStart?: (files: number) => void;
}

export async function buildTreeFacts(
  root: string,
  options: BuildOptions,
): Promise<{ facts: FileFacts[]; stats: BuildStats }> {
  const start = performance.now();
  const abs = resolve(root);
  const path = options.noCache ? undefined : cachePath(abs, options.cacheHome ?? cacheHome());
  const old = path ? readCache(path, abs) : undefined;
  const next: CachedTree = { format: XREF_FORMAT, root: abs, files: {} };
  const todo: { rel: string; size: number; mtimeMs: number }[] = [];
  for (const rel of treeFiles(abs)) {
    const st = statSync(join(abs, rel), { throwIfNoEntry: false });
    if (!st) continue;
    const prev = old?.files[rel];
    if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs) next.files[rel] = prev;
    else todo.push({ rel, size: st.size, mtimeMs: st.mtimeMs });
  }
  options.onStart?.(todo.length);
  const results = await summarizeAll(
    abs,
    todo.map((t) => t.rel),
    options.jobs,
  );
  todo.forEach((t, i) => {
    next.files[t.rel] = { size: t.size, mtimeMs: t.mtimeMs, facts: results[i] ?? null };
  });
  if (path && todo.length > 0) writeCache(path, next);
  const facts = Object.keys(next.files)
    .sort()
    .flatMap((rel) => {
      const f: CachedFile | undefined = next.files[rel];
      return f?.facts ? [f.facts] : [];
    });
  const stats: BuildStats = {
    files: Object.keys(next.files).length,
    parsed: todo.length,
    reused: Object.keys(next.files).length - todo.length,
    ms: Math.round(performance.now() - start),
  };
  if (path) stats.cacheFile = path;
  return { facts, stats };
}

/** Summarises files in the main thread (few files) or on `jobs` worker threads. */
async function summarizeAll(
  root: string,
  rels: string[],
  jobs: number,
): Promise<(FileFacts | null)[]> {
  if (jobs <= 1 || rels.length < 64) {
    await initParser(wasmSources());
    const parser = createParser();
    try {
      return rels.map((rel) => summarizeText(parser, rel, readText(join(root, rel))));
    } finally {
      parser.delete();
    }
  }
  const results: (FileFacts | null)[] = new Array<FileFacts | null>(rels.length).fill(null);
  const entry = process.argv[1] ?? __filename;
  // Under tsx (tests, scripts) the worker registers tsx before loading the entry (as cli/pool.ts).
  const source = entry.endsWith('.ts')
    ? `require('tsx/cjs'); require(${JSON.stringify(entry)});`
    : undefined;
  let next = 0;
  const run = (): Promise<void> =>
    new Promise((done, fail) => {
      const data = { flushguardXrefWorker: true, root };
      const w = source
        ? new Worker(source, { eval: true, workerData: data })
        : new Worker(entry, { workerData: data });
      const feed = (): void => {
        if (next < rels.length) {
          const index = next++;
          w.postMessage({ index, rel: rels[index]! });
        } else void w.terminate().then(() => done());
      };
      w.on('message', (m: { index: number; facts: FileFacts | null }) => {
        results[m.index] = m.facts;
        feed();
      });
      w.on('error', fail);
      w.on('online', feed);
    });
  await Promise.all(Array.from({ length: Math.min(jobs, rels.length) }, run));
  return results;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function isXrefWorker(): boolean {
  return (workerData as { flushguardXrefWorker?: boolean } | null)?.flushguardXrefWorker === true;
}

export async function runXrefWorker(): Promise<void> {
  const { root } = workerData as { root: string };
  await initParser(wasmSources());
  const parser = createParser();
  parentPort?.on('message', (m: { index: number; rel: string }) => {
    const facts = summarizeText(parser, m.rel, readText(join(root, m.rel)));
    parentPort?.postMessage({ index: m.index, facts });
  });
}

/**
 * The field-provenance index over a tree: every file that names a page source is parsed once
 * and its field sources (fieldSources.ts) kept in the cache by size and mtime, so a second build
 * parses only what changed. The engine asks `query(struct, field)`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from '../parsing/parser';
import { parseC } from '../parsing/parser';
import { fieldSources, mayHaveFieldSources } from './fieldSources';
import type { FieldSource, Provenance } from './fieldSources';
import { isRecord, readCacheFile, treeCacheDir, writeCacheFile } from './store';
import type { KernelTree } from './kernelTree';
import { treeRelative } from './kernelTree';

export interface LocatedSource extends FieldSource {
  /** Tree-relative path. */
  file: string;
}

export interface FieldAnswer {
  /** private: every source is a private allocation; visible: some source is user-visible. */
  verdict: Provenance;
  sources: LocatedSource[];
}

type Entry = [size: number, mtimeMs: number, sources: FieldSource[]];
interface FieldCache {
  engine: string;
  entries: Record<string, Entry>;
}
const isFieldCache = (v: unknown): v is FieldCache =>
  isRecord(v) && typeof v['engine'] === 'string' && isRecord(v['entries']);

const RACY_MS = 2000;

export class FieldIndex {
  private readonly byField = new Map<string, LocatedSource[]>();

  constructor(readonly perFile: Readonly<Record<string, readonly FieldSource[]>>) {
    for (const [file, sources] of Object.entries(perFile))
      for (const s of sources) {
        const list = this.byField.get(s.field) ?? [];
        list.push({ ...s, file });
        this.byField.set(s.field, list);
      }
  }

  /**
   * Where `struct.field` gets its pages. Sources recorded without a struct count for every
   * struct with that field name. No source at all is `unknown`, never private.
   */
  query(struct: string | undefined, field: string): FieldAnswer {
    const sources = (this.byField.get(field) ?? []).filter(
      (s) => struct === undefined || s.struct === undefined || s.struct === struct,
    );
    let verdict: Provenance = sources.length > 0 ? 'private' : 'unknown';
    for (const s of sources) {
      if (s.kind === 'visible') return { verdict: 'visible', sources };
      if (s.kind === 'unknown') verdict = 'unknown';
    }
    return { verdict, sources };
  }
}

export interface BuildOptions {
  /** Cache home; undefined: no cache. */
  home?: string;
  engine: string;
}

/** Builds (or refreshes from the cache) the index for `files` (absolute paths) of one tree. */
export function buildFieldIndex(
  tree: KernelTree,
  files: readonly string[],
  parser: Parser,
  options: BuildOptions,
): { index: FieldIndex; parsed: number } {
  const cacheFile =
    options.home === undefined
      ? undefined
      : join(treeCacheDir(options.home, tree.root), 'fields.json');
  const cached = cacheFile === undefined ? undefined : readCacheFile(cacheFile, isFieldCache);
  const old = cached && cached.engine === options.engine ? cached.entries : {};
  const entries: Record<string, Entry> = {};
  const perFile: Record<string, FieldSource[]> = {};
  const now = Date.now();
  let parsed = 0;
  for (const path of files) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    const rel = treeRelative(tree, path);
    const hit = Object.hasOwn(old, rel) ? old[rel] : undefined;
    let sources: FieldSource[];
    if (Array.isArray(hit) && hit[0] === st.size && hit[1] === st.mtimeMs && Array.isArray(hit[2]))
      sources = hit[2];
    else {
      sources = sourcesOf(parser, path);
      parsed++;
    }
    if (now - st.mtimeMs > RACY_MS) entries[rel] = [st.size, st.mtimeMs, sources];
    if (sources.length > 0) perFile[rel] = sources;
  }
  if (cacheFile !== undefined && parsed > 0)
    writeCacheFile(cacheFile, { engine: options.engine, entries } satisfies FieldCache);
  return { index: new FieldIndex(perFile), parsed };
}

function sourcesOf(parser: Parser, path: string): FieldSource[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  if (!mayHaveFieldSources(text)) return [];
  try {
    const { tree } = parseC(parser, text);
    try {
      return fieldSources(tree.rootNode);
    } finally {
      tree.delete();
    }
  } catch {
    return [];
  }
}

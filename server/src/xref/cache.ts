/**
 * The tree index on disk, in the tree's directory of the shared cache home
 * (server/src/tree/store.ts: `$FLUSHGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/flushguard`, else
 * `~/.cache/flushguard`; written to a temporary file and renamed, checked on read, rebuilt when
 * damaged). Each entry is keyed by the file's tree-relative path, size and mtime.
 */
import { join } from 'node:path';
import { isRecord, readCacheFile, treeCacheDir, writeCacheFile } from '../tree/store';
import type { FileFacts } from './types';

/** Bumped whenever FileFacts or the way it is computed changes: old caches are then ignored. */
export const XREF_FORMAT = 20;

export interface CachedFile {
  size: number;
  mtimeMs: number;
  facts: FileFacts | null;
  /** Callback registrations the facts left out (prefilter.ts), by field. */
  registrations?: Record<string, string[]>;
  /** The fields whose registrations were parsed in the second round (sorted). */
  triggers?: string[];
  /** SHA-1 of the file's text (files that gave anything). */
  hash?: string;
}

export interface CachedTree {
  format: number;
  root: string;
  /** The kernel version the tree's Makefile gives: another version, another cache. */
  kernel: string;
  files: Record<string, CachedFile>;
}

export function cachePath(root: string, home: string): string {
  return join(treeCacheDir(home, root), `xref-${XREF_FORMAT}.json`);
}

const isCachedTree = (v: unknown): v is CachedTree =>
  isRecord(v) && v['format'] === XREF_FORMAT && isRecord(v['files']);

export function readCache(path: string, root: string, kernel: string): CachedTree | undefined {
  const data = readCacheFile(path, isCachedTree);
  return data?.root === root && data.kernel === kernel ? data : undefined;
}

export function writeCache(path: string, tree: CachedTree): void {
  writeCacheFile(path, tree);
}

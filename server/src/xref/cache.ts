/**
 * The on-disk home of the tree index: `$FLUSHGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/flushguard`,
 * else `~/.cache/flushguard` (issue 13). One file per tree, keyed by the tree's absolute path;
 * each entry is keyed by the file's size and mtime. Written to a temporary file and renamed, so
 * a reader sees the old or the new index, never half of one; a file that does not parse or has
 * the wrong shape is ignored (and so rebuilt).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileFacts } from './types';

/** Bumped whenever FileFacts or the way it is computed changes: old caches are then ignored. */
export const XREF_FORMAT = 3;

export interface CachedFile {
  size: number;
  mtimeMs: number;
  facts: FileFacts | null;
}

export interface CachedTree {
  format: number;
  root: string;
  files: Record<string, CachedFile>;
}

export function cacheHome(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['FLUSHGUARD_CACHE_DIR'];
  if (dir) return dir;
  const xdg = env['XDG_CACHE_HOME'];
  return xdg ? join(xdg, 'flushguard') : join(homedir(), '.cache', 'flushguard');
}

export function cachePath(root: string, home = cacheHome()): string {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(home, 'xref', `${id}.json`);
}

export function readCache(path: string, root: string): CachedTree | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<CachedTree> | null;
    if (
      data?.format !== XREF_FORMAT ||
      data.root !== root ||
      typeof data.files !== 'object' ||
      data.files === null
    )
      return undefined;
    return data as CachedTree;
  } catch {
    return undefined;
  }
}

export function writeCache(path: string, tree: CachedTree): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(tree));
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

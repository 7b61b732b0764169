/**
 * FlushGuard's on-disk cache: where it lives and how a file in it is written and read.
 *
 * Home: `$FLUSHGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/flushguard`, else `~/.cache/flushguard`
 * (the XDG Base Directory layout). Each kernel tree gets its own directory, named by a hash of its
 * absolute path.
 *
 * A cache file is written to a private temporary name and renamed over the old one, so a reader
 * sees the old file or the new one, never half of either, and two runs writing at once each
 * leave a whole file (the last rename wins). The first line carries the length and SHA-1 of the
 * rest: a truncated or damaged file fails the check and is treated as absent (rebuilt), never
 * trusted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const MAGIC = 'flushguard-cache 1';

export function cacheHome(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['FLUSHGUARD_CACHE_DIR'];
  if (own) return own;
  const xdg = env['XDG_CACHE_HOME'];
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  if (xdg && xdg.startsWith('/')) return join(xdg, 'flushguard');
  return join(homedir(), '.cache', 'flushguard');
}

/** The directory holding one tree's cache files. */
export function treeCacheDir(home: string, treeRoot: string): string {
  return join(home, 'trees', sha1(treeRoot).slice(0, 16));
}

export function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Writes `value` as JSON atomically; failures (read-only home, full disk) are not fatal. */
export function writeCacheFile(path: string, value: unknown): boolean {
  const body = JSON.stringify(value);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, `${MAGIC} ${Buffer.byteLength(body)} ${sha1(body)}\n${body}`);
    renameSync(tmp, path);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

/** Reads a cache file; undefined when absent, damaged, or not what `valid` expects. */
export function readCacheFile<T>(path: string, valid: (v: unknown) => v is T): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  const header = /^flushguard-cache 1 (\d+) ([0-9a-f]{40})$/.exec(text.slice(0, nl));
  if (nl < 0 || !header) return undefined;
  const body = text.slice(nl + 1);
  if (Buffer.byteLength(body) !== Number(header[1]) || sha1(body) !== header[2]) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Expands the CLI's PATH arguments into C files, and reads them safely. */
import { readdirSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { MAX_PARSE_CHARS } from '../parsing/parser';
import { RULES } from '../rules/index';
import { displayName } from '../sanitise';
import type { RuleSeverity } from '../config/settings';
import { MIB, readBounded } from '../host/boundedRead';

export interface InputFile {
  /** Path as shown in output: as given, or joined under the given directory. */
  display: string;
  path: string;
  /** Rules and severities of the file's own `.flushguard.json`, when it has one. */
  options?: { rules: string[]; severities: Record<string, RuleSeverity> };
}

const C_FILE = /\.[ch]$/;

/**
 * The directory listings a walk took, by absolute path, for the index's walk of the same tree
 * (xref/build.ts): one readdir per directory per run. Each is handed out once, then dropped.
 */
export class Listings {
  private readonly byDir = new Map<string, Dirent[]>();

  read(dir: string): Dirent[] {
    const entries = readdirSync(dir, { withFileTypes: true });
    this.byDir.set(resolve(dir), entries);
    return entries;
  }

  take(dir: string): Dirent[] | undefined {
    const entries = this.byDir.get(dir);
    this.byDir.delete(dir);
    return entries;
  }
}

export function collectFiles(
  paths: string[],
  listings?: Listings,
): { files: InputFile[]; errors: string[] } {
  const files: InputFile[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      errors.push(`${displayName(p)}: no such file or directory`);
    } else if (st.isDirectory()) {
      walk(p, files, errors, listings);
    } else {
      files.push({ display: p, path: p });
    }
  }
  return { files, errors };
}

function walk(dir: string, files: InputFile[], errors: string[], listings?: Listings): void {
  const stack = [dir];
  // Directories by device and inode: a symlink cycle ends, a linked directory is read once.
  const seen = new Set<string>();
  while (stack.length > 0) {
    const d = stack.pop()!;
    const id = statSync(d, { throwIfNoEntry: false });
    if (id && seen.has(`${id.dev}:${id.ino}`)) continue;
    if (id) seen.add(`${id.dev}:${id.ino}`);
    let entries: Dirent[];
    try {
      entries = listings ? listings.read(d) : readdirSync(d, { withFileTypes: true });
    } catch (e) {
      errors.push(`${displayName(d)}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const name = e.name;
      if (name === '.git' || name === 'node_modules') continue;
      const p = join(d, name);
      // The entry's own type when it has one: a stat per entry was most of a warm run. Links
      // (and file systems that give no type) are followed as before.
      const st = e.isDirectory() || e.isFile() ? e : statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) subdirs.push(p);
      else if (st?.isFile() && C_FILE.test(name)) files.push({ display: p, path: p });
    }
    stack.push(...subdirs.reverse());
  }
}

export type ReadResult =
  { ok: true; text: string } | { ok: false; reason: string; unreadable: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The most a C file may have to be read: the largest of Linux 6.12 (an amd register header) is
 * 22.8 MiB; a larger one is refused before it is read (a 1.5 GB sparse file cost 1.6 GB to skip).
 */
export const MAX_SOURCE_BYTES = 64 * MIB;
/** The most a configuration or scenario file may have. */
export const MAX_SMALL_FILE_BYTES = MIB;

/** Reads a C file; special files, binary files, files that are not UTF-8 and oversized files are refused with a reason. */
export function readSource(path: string): ReadResult {
  const read = readBounded(path, MAX_SOURCE_BYTES);
  if (!read.ok) return read;
  const bytes = read.bytes;
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    return { ok: false, reason: `binary file (NUL byte at offset ${nul})`, unreadable: false };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    // Skipped, not guessed: a wrong guess gives columns no editor agrees with (6.1 has none).
    const lossy = bytes.toString('utf8');
    const line = lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))).split('\n').length;
    return {
      ok: false,
      reason: `not valid UTF-8 (first bad byte on line ${line})`,
      unreadable: false,
    };
  }
  // Only a file the rules would parse is too large: a 22 MiB register header is read and passed.
  if (text.length > MAX_PARSE_CHARS && RULES.some((r) => r.relevant(text))) {
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    return {
      ok: false,
      reason: `${mib(text.length)} MiB of text, more than the ${mib(MAX_PARSE_CHARS)} MiB the parser takes`,
      unreadable: false,
    };
  }
  return { ok: true, text };
}

export type ConfigFound = { path: string; root: string; text: string } | { error: string };

/** Reads a configuration file (bounded, regular files only); the error names the file, not its content. */
export function readConfigFile(path: string, shown: string): ConfigFound {
  const read = readBounded(path, MAX_SMALL_FILE_BYTES);
  if (!read.ok) return { error: `${shown}: cannot read the configuration file (${read.reason})` };
  return { path: shown, root: dirname(resolve(path)), text: read.bytes.toString('utf8') };
}

/**
 * The `.flushguard.json` that applies to a directory: the nearest one in it or above it (looked
 * up once per directory). Its directory is the root its exclude globs are relative to.
 */
export class ConfigFinder {
  private readonly found = new Map<string, ConfigFound | undefined>();
  constructor(
    private readonly fileName: string,
    private readonly cwd = process.cwd(),
  ) {}

  near(dir: string): ConfigFound | undefined {
    const abs = resolve(dir);
    if (this.found.has(abs)) return this.found.get(abs);
    const path = join(abs, this.fileName);
    let result: ConfigFound | undefined;
    if (statSync(path, { throwIfNoEntry: false }) !== undefined)
      result = readConfigFile(path, relative(this.cwd, path) || path);
    else if (dirname(abs) !== abs) result = this.near(dirname(abs));
    this.found.set(abs, result);
    return result;
  }

  /** The configuration of a linted path: its own directory for a file, itself for a directory. */
  forPath(path: string): ConfigFound | undefined {
    const st = statSync(path, { throwIfNoEntry: false });
    return this.near(st?.isDirectory() === true ? path : dirname(path));
  }
}

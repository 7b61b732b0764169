/** Expands the CLI's PATH arguments into C files, and reads them safely. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { MAX_PARSE_CHARS } from '../parsing/parser';
import { RULES } from '../rules/index';

export interface InputFile {
  /** Path as shown in output: as given, or joined under the given directory. */
  display: string;
  path: string;
}

const C_FILE = /\.[ch]$/;

export function collectFiles(paths: string[]): { files: InputFile[]; errors: string[] } {
  const files: InputFile[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      errors.push(`${p}: no such file or directory`);
    } else if (st.isDirectory()) {
      walk(p, files, errors);
    } else {
      files.push({ display: p, path: p });
    }
  }
  return { files, errors };
}

function walk(dir: string, files: InputFile[], errors: string[]): void {
  const stack = [dir];
  // Directories by device and inode: a symlink cycle ends, a linked directory is read once.
  const seen = new Set<string>();
  while (stack.length > 0) {
    const d = stack.pop()!;
    const id = statSync(d, { throwIfNoEntry: false });
    if (id && seen.has(`${id.dev}:${id.ino}`)) continue;
    if (id) seen.add(`${id.dev}:${id.ino}`);
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      errors.push(`${d}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      if (name === '.git' || name === 'node_modules') continue;
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) subdirs.push(p);
      else if (st?.isFile() && C_FILE.test(name)) files.push({ display: p, path: p });
    }
    stack.push(...subdirs.reverse());
  }
}

export type ReadResult =
  { ok: true; text: string } | { ok: false; reason: string; unreadable: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a C file; binary files, files that are not UTF-8 and oversized files are refused with a reason. */
export function readSource(path: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return {
      ok: false,
      reason: (e as NodeJS.ErrnoException).code ?? 'unreadable',
      unreadable: true,
    };
  }
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

/**
 * The `.flushguard.json` that applies: `--config FILE` when given, else the nearest one in the
 * current directory or above it. Its directory is the root its exclude globs are relative to.
 */
export function findConfigFile(
  explicit: string | undefined,
  fileName: string,
  from = process.cwd(),
): { path: string; root: string; text: string } | { error: string } | undefined {
  const read = (
    path: string,
    root: string,
    shown: string,
  ): { path: string; root: string; text: string } | { error: string } => {
    try {
      return { path: shown, root, text: readFileSync(path, 'utf8') };
    } catch (e) {
      return {
        error: `${shown}: cannot read the configuration file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
  };
  if (explicit !== undefined) return read(explicit, dirname(resolve(explicit)), explicit);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, fileName);
    if (statSync(path, { throwIfNoEntry: false })?.isFile())
      return read(path, dir, relative(from, path) || path);
    if (dirname(dir) === dir) return undefined;
  }
}

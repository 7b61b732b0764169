/** Expands the CLI's PATH arguments into C files, and reads them safely. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
  while (stack.length > 0) {
    const d = stack.pop()!;
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

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string; unreadable: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a C file; binary files and files that are not UTF-8 are refused with a reason. */
export function readSource(path: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, reason: (e as NodeJS.ErrnoException).code ?? 'unreadable', unreadable: true };
  }
  if (bytes.subarray(0, 65536).includes(0)) return { ok: false, reason: 'binary file (NUL byte), skipped', unreadable: false };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    // Kernel sources hold a few Latin-1 files (old copyright lines); read them byte for byte.
    return { ok: true, text: bytes.toString('latin1') };
  }
}

/**
 * Who relies on a flush helper. Some labelled flushes are a helper's contract with its callers
 * (`block_write_end` flushes what `page_symlink` wrote, `sg_miter_stop` what the miter's user
 * wrote): removing one leaves the function itself correct, and the bug shows in the caller that
 * wrote the page. The harness then lints the callers too, the other files against an index
 * whose facts for the mutated file come from the mutated text (as `flushguard lint` would see
 * the tree after the edit). This module finds the candidate files, by name, in one pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** At most this many other files are linted per removal (the first, in path order). */
export const MAX_CALLER_FILES = 40;

/**
 * For each name, the tree's `.c` and `.h` files (tree-relative, sorted) whose text calls it
 * (`name(`). One `grep` over the tree for all names, then each hit file is read by grep again
 * only for the names it holds.
 */
export function callerFiles(tree: string, names: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>([...names].map((n) => [n, []]));
  if (names.size === 0) return out;
  const dir = mkdtempSync(join(tmpdir(), 'fg-callers-'));
  try {
    const patterns = join(dir, 'names');
    writeFileSync(patterns, [...names].map((n) => `\\b${n}[[:space:]]*\\(`).join('\n') + '\n');
    // -o prints each matched call, -H its file: `file:name(`.
    const r = spawnSync('grep', ['-rHoE', '--include=*.c', '--include=*.h', '-f', patterns, '.'], {
      cwd: tree,
      encoding: 'latin1',
      maxBuffer: 1 << 28,
    });
    if (r.error) throw r.error;
    for (const line of r.stdout.split('\n')) {
      const m = /^\.\/(.+?):(\w+)\s*\($/.exec(line);
      const list = m ? out.get(m[2]!) : undefined;
      if (m && list && list[list.length - 1] !== m[1]) list.push(m[1]!);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const list of out.values()) list.sort();
  return out;
}

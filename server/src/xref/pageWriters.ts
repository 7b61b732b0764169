/**
 * Whether a file calls a function of the tree that writes a page it is handed (the index's
 * calleeWrites): such a file can hold a missing flush even when it names no mapping API itself
 * (6.1 fs/btrfs/reflink.c:114, copy_inline_to_page(), has btrfs_decompress() fill a page-cache
 * page through lzo_decompress()'s kmap and flushes after it). The file-level pre-filters of the
 * linter and of the index build (BuiltTree.quiet) ask this before dropping a file.
 */
import type { TreeFacts } from './types';

/** The identifiers a text calls (`name(`), each once. */
export function calledNames(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) out.add(m[1]!);
  return [...out];
}

/** Parameters a page writer may take its page at: the summaries keep the first few. */
const PAGE_ARGS = [0, 1, 2, 3, 4, 5];

/** C keywords followed by a parenthesis, never a function. */
const KEYWORD = /^(?:if|for|while|switch|return|sizeof|typeof|__typeof__|defined)$/;

/**
 * The calls of a file as 32-bit hashes of the names (FNV-1a), each once. The index build keeps
 * these for every quiet file until the whole tree is known: as strings they were 2.6 million
 * names of 58,000 files of 6.12 (over 100 MB in the main thread); as hashes they take 4 bytes
 * each. A collision can only make a quiet file look like a caller, which then is linted and
 * reports what it would have reported anyway (the linter's own pre-filter asks by name).
 */
export function calledNameHashes(text: string): Uint32Array {
  const out = new Set<number>();
  for (const name of calledNames(text)) if (!KEYWORD.test(name)) out.add(nameHash(name));
  return Uint32Array.from(out);
}

export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The names a tree defines, by hash: what `calledNameHashes` is matched against. */
export function namesByHash(names: Iterable<string>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of names) {
    const h = nameHash(n);
    const list = out.get(h);
    if (list) list.push(n);
    else out.set(h, [n]);
  }
  return out;
}

/** `callsTreePageWriter` for a file known by the hashes of its calls (every name of a hash). */
export function hashedCallsTreePageWriter(
  hashes: Uint32Array,
  defined: ReadonlyMap<number, readonly string[]>,
  tree: TreeFacts,
  file: string,
): boolean {
  const names: string[] = [];
  for (const h of hashes) names.push(...(defined.get(h) ?? []));
  return callsTreePageWriter(names, tree, file);
}

export function callsTreePageWriter(
  names: readonly string[],
  tree: TreeFacts,
  file: string,
): boolean {
  return names.some(
    (n) => !KEYWORD.test(n) && PAGE_ARGS.some((i) => tree.calleeWrites(n, i, file)),
  );
}

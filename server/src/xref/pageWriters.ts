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

export function callsTreePageWriter(
  names: readonly string[],
  tree: TreeFacts,
  file: string,
): boolean {
  return names.some(
    (n) => !KEYWORD.test(n) && PAGE_ARGS.some((i) => tree.calleeWrites(n, i, file)),
  );
}

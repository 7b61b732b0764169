/**
 * `__block_write_begin(page, pos, len, get_block)` runs `get_block` on the page's buffer heads
 * (fs/buffer.c:1991, 6.1): when the tree index knows that get_block copies into `bh->b_page` (a
 * tail conversion, fs/reiserfs/tail_conversion.c direct2indirect, 6.1), the call writes the page.
 * Its own flush covers only the new buffers it zeroes afterwards (fs/buffer.c:1998-2008), so a
 * helper making this call does not flush the page for its callers.
 */
import type { Node } from '../../parsing/parser';
import { stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import { GET_BLOCK_CALLER } from '../../knowledge/dcache';
import type { TreeFacts } from '../../xref/types';

/** The page argument the call's get_block writes, if the index says it does. */
export function getBlockWrittenPage(
  e: Event & { kind: 'call' },
  tree: { tree: TreeFacts; file: string } | undefined,
): Node | undefined {
  const api = GET_BLOCK_CALLER.get(e.name);
  if (!api || !tree?.tree.headWrites) return undefined;
  const cb = e.args[api.callback] && stripExpr(e.args[api.callback]!);
  if (cb?.type !== 'identifier') return undefined;
  return tree.tree.headWrites(cb.text, api.head, tree.file) ? e.args[api.page] : undefined;
}

/** Calls of the table's get_block runners, for a text test before any model is built. */
export const GET_BLOCK_CALL = (): RegExp =>
  new RegExp(`\\b(?:${[...GET_BLOCK_CALLER.keys()].join('|')})\\s*\\(`);

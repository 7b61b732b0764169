/**
 * Buffer heads and the page they sit in, for the tree index. `__block_write_begin()` hands the
 * buffer heads of the page it is given to the filesystem's `get_block` callback
 * (fs/buffer.c:1991 `get_block(inode, block, bh, 1)` on the page's buffers, 6.1; :2146, 6.12), and
 * a `get_block` that converts a file's tail copies the tail into `bh->b_page` through a kmap
 * (fs/reiserfs/stree.c:1362 in reiserfs_delete_item, reached from reiserfs_get_block through
 * direct2indirect, 6.1): the caller of `__block_write_begin()` then holds a page the kernel wrote.
 */
import type { Node } from '../parsing/parser';
import { parameterIndirections, stripExpr } from '../parsing/nodeText';
import type { FileSummaries } from '../analysis/dcache/summaries';
import { calleeModel } from '../analysis/dcache/pageModel';

export const HEAD_BUFFER = /\bbuffer_head\b/;
/** Only a function that names `b_page` is asked about its buffer heads (prefilter.ts too). */
export const BUFFER_PAGE = /\bb_page\b/;

/** Indices of the `struct buffer_head *` parameters of `fn`, if it names a buffer's page. */
export function bufferHeadParams(
  fn: Node,
  params: readonly string[],
  types: ReadonlyMap<string, string>,
): Set<number> {
  const out = new Set<number>();
  if (!BUFFER_PAGE.test(fn.text)) return out;
  const depth = parameterIndirections(fn);
  params.forEach((p, i) => {
    if (types.get(p) === 'buffer_head' && depth[i] === 1) out.add(i);
  });
  return out;
}

/**
 * The buffer-head parameters whose page (`bh->b_page`) the function writes through a kmap: its
 * own write, a same-file callee's, or a write through a local given the parameter
 * (`up_to_date_bh = unbh; ... kmap_atomic(up_to_date_bh->b_page)`, fs/reiserfs/tail_conversion.c
 * direct2indirect, 6.1).
 */
export function bufferHeadPageWrites(
  local: FileSummaries,
  fn: Node,
  name: string,
  heads: ReadonlySet<number>,
  values: ReadonlyMap<string, Node[]>,
): number[] {
  const out = [...heads].filter((i) => local.writtenThroughParam(name, i).includes('.b_page'));
  const rest = [...heads].filter((i) => !out.includes(i));
  if (rest.length === 0) return out;
  const facts = local.factsOf(fn);
  const written = new Set<string>();
  for (const actions of calleeModel(facts, local).actions.values())
    for (const a of actions)
      if (
        a.kind === 'write' &&
        (a.via === 'kmap' || a.via === 'miter') &&
        a.page.endsWith('.b_page')
      )
        written.add(a.page.slice(0, -'.b_page'.length));
  for (const i of rest) {
    const param = facts.params[i];
    const given = [...values].filter(([, vs]) =>
      vs.some((v) => stripExpr(v).type === 'identifier' && stripExpr(v).text === param),
    );
    if ([...given.map(([k]) => k)].some((k) => written.has(k))) out.push(i);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The buffer-head parameter an argument is, directly or through a local it was assigned from
 * (`unbh = bh_result; ... direct2indirect(th, inode, &path, unbh, off)`); -1 if none.
 */
export function bufferHeadArgument(
  arg: Node,
  params: readonly string[],
  heads: ReadonlySet<number>,
  values: ReadonlyMap<string, Node[]>,
): number {
  const s = stripExpr(arg);
  if (s.type !== 'identifier') return -1;
  const direct = params.indexOf(s.text);
  if (heads.has(direct)) return direct;
  for (const v of values.get(s.text) ?? []) {
    const from = stripExpr(v);
    const i = from.type === 'identifier' ? params.indexOf(from.text) : -1;
    if (heads.has(i)) return i;
  }
  return -1;
}

/**
 * Pages a function writes that are private for a reason found outside the page's own
 * assignment: a helper elsewhere in the tree returns only fresh pages, the function itself hangs
 * a pool page on a request, a cursor walks a scatterlist field that only holds the driver's own
 * lists. Each answer is the evidence shown in `--verbose` (Documentation/core-api/cachetlb.rst:
 * only pages that can have a user mapping need flush_dcache_page()).
 */
import type { Node } from '../../parsing/parser';
import { callArguments, stripExpr } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';
import { helperReturnOrigin, treeOrigin } from '../../xref/origin';
import type { Evidence, TreeFacts } from '../../xref/types';
import { FILLS_VISIBLE_ARRAY, SG_ITERATOR } from '../../xref/sources';
import * as K from '../../knowledge/dcache';
import { NEXT_ENTRY } from '../../knowledge/shared';
import type { FileSummaries } from './summaries';
import { chainedOnPage } from './pageChains';

/** Why `page` is private by evidence from beyond its own assignment, if it is. */
export function privateElsewhere(
  page: string,
  facts: FunctionFacts,
  file: FileSummaries,
): string | undefined {
  return (
    helperArray(page, facts, file) ??
    payloadSetHere(page, facts) ??
    privateSgCursor(page, facts, file) ??
    chainedOnPage(page, facts)
  );
}

/**
 * `pages[n]` where every value the local array `pages` is given is a helper's return that the
 * tree index knows holds only private pages (`pages = blob_page_array(n)`), and no call fills
 * the array in place (`&pages`, pin_user_pages(..., pages)).
 */
function helperArray(page: string, facts: FunctionFacts, file: FileSummaries): string | undefined {
  const base = /^(\w+)\[/.exec(page)?.[1];
  const tree = file.tree?.tree;
  if (!base || !tree || facts.params.includes(base)) return undefined;
  const flat = (t: string): string => facts.canon(t.replace(/\s+/g, ''));
  const why: string[] = [];
  for (const e of facts.all) {
    if (e.kind === 'call' && e.args.some((a) => flat(a.text.replace(/^&/, '')) === base)) {
      if (e.args.some((a) => a.text.trim().startsWith('&')) || FILLS_VISIBLE_ARRAY.test(e.name))
        return undefined;
    }
    if (e.kind !== 'assign' || facts.canon(e.lhsKey) !== base) continue;
    const hint = e.rhs && helperPages(e.rhs, base, facts, tree);
    if (hint?.value !== 'private') return undefined;
    why.push(hint.evidence);
  }
  return why[0];
}

/**
 * The pages `value` (a call) gives `page`, by what the helper returns over the tree; a fresh
 * page the function then hands on together with a mapping (`add_to_cache(folio, mapping, i)`)
 * or a VMA (`map_anon(folio, vma, addr)`) joins a page cache or a user mapping.
 */
export function helperPages(
  value: Node,
  page: string,
  facts: FunctionFacts,
  tree: TreeFacts,
): Evidence<'private' | 'visible'> | undefined {
  const r = helperReturnOrigin(value, tree);
  return r?.value === 'private' && handedToMapping(page, facts) ? undefined : r;
}

/** An argument naming a page cache (`mapping`, `inode->i_mapping`, `swap_mapping`) or a user VMA (`vma`, `vmf`). */
const MAPPING_ARG = /mapping\b|\bvm[af]\b/;

function handedToMapping(page: string, facts: FunctionFacts): boolean {
  const flat = (t: string): string => facts.canon(t.replace(/\s+/g, '').replace(/^&/, ''));
  return facts.all.some(
    (e) =>
      e.kind === 'call' &&
      e.args.some((a) => flat(a.text) === page) &&
      e.args.some((a) => MAPPING_ARG.test(a.text)),
  );
}

/**
 * `rq->special_vec.bv_page = mempool_alloc(pool, ...)`: a request's bio_vec whose page the
 * function itself sets, every time, from a private allocation (a command payload a driver builds
 * for the device), rather than one handed in with the caller's data.
 */
function payloadSetHere(page: string, facts: FunctionFacts): string | undefined {
  if (!/\.bv_page$/.test(page)) return undefined;
  const given = facts.all.flatMap((e) =>
    e.kind === 'assign' && e.rhs && facts.canon(e.lhsKey) === page ? [calleeOfValue(e.rhs)] : [],
  );
  const [first] = given;
  return first && given.every((c) => K.PRIVATE_PAGE_SOURCE.has(c))
    ? `${page} is set here from ${first}(), a private allocation`
    : undefined;
}

/**
 * `sg_page(sg)` where the local cursor `sg` only ever starts from a scatterlist field the tree
 * index knows holds private lists (`sg = fl->sgl`, `for_each_sg(fl->sgl, sg, n, i)`, with
 * `sg = sg_next(sg)` moving along it): the entry's page is one of that list's own pages.
 */
function privateSgCursor(
  page: string,
  facts: FunctionFacts,
  file: FileSummaries,
): string | undefined {
  const entry = /^sg_page\((.+)\)$/.exec(page)?.[1];
  const tree = file.tree?.tree;
  if (!entry || !tree || !/^\w+$/.test(entry) || facts.params.includes(entry)) return undefined;
  const starts: Node[] = [];
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || facts.canon(e.lhsKey) !== entry) continue;
    const v = stripExpr(e.rhs);
    const self = v.type === 'call_expression' && NEXT_ENTRY.has(calleeOfValue(v));
    if (!self || stripExpr(callArguments(v)[0] ?? v).text !== entry) starts.push(v);
  }
  for (const loop of facts.iterators.values()) {
    if (!SG_ITERATOR.test(loop.macro)) continue;
    const [from, cursor] = file.text(loop.argsOpen + 1, loop.argsClose).split(',');
    if (cursor?.trim() !== entry) continue;
    const node = facts.cfg.node.descendantForIndex(loop.argsOpen + 1 + (from?.search(/\S/) ?? 0));
    if (!node) return undefined;
    starts.push(node.parent?.type === 'field_expression' ? node.parent : node);
  }
  const why: string[] = [];
  for (const v of starts) {
    const hint = treeOrigin(v, facts.cfg.node, tree);
    if (hint?.value !== 'private') return undefined;
    why.push(hint.evidence);
  }
  return why[0];
}

function calleeOfValue(n: Node): string {
  n = stripExpr(n);
  return n.type === 'call_expression' ? (n.childForFieldName('function')?.text ?? '') : '';
}

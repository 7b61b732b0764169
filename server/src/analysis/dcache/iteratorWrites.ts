/**
 * Pages filled through an iterator: `iov_iter_bvec(&iter, ITER_DEST, &bv, ...)` over a page makes
 * every later call handed the iterator a write of that page (the page model's writes).
 */
import type { Node } from '../../parsing/parser';
import { exprKey, stripExpr } from '../../parsing/nodeText';
import { normKey } from '../core/events';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import * as K from '../../knowledge/dcache';

/** Iterator directions that fill the pages (include/linux/uio.h: ITER_DEST is READ). */
const FILLS = /^(?:ITER_DEST|READ)$/;
/** Iterator bookkeeping that moves or measures it without touching the pages. */
const ITER_BOOKKEEPING = /^iov_iter_(?!zero$)\w+$/;

/**
 * `iov_iter_bvec(&iter, ITER_DEST, &bv, 1, len)` over a page (`bvec_set_folio(&bv, folio, ...)`,
 * or the bio_vec's own page): every later call handed the iterator (`vfs_iter_read(file, &iter,
 * ...)`, `iov_iter_zero(n, &iter)`) fills that page through a kernel mapping
 * (lib/iov_iter.c, copy_to_iter over ITER_BVEC maps each page).
 */
export function iteratorWrites(
  facts: FunctionFacts,
  notePage: (arg: Node, api: string, path?: string) => string,
  bvecPage: (arg: Node) => { key: string; text: string },
): { e: Event; page: string }[] {
  const out: { e: Event; page: string }[] = [];
  const inner = (n: Node): Node => {
    const s = stripExpr(n);
    return s.type === 'pointer_expression' && s.text.startsWith('&')
      ? stripExpr(s.childForFieldName('argument') ?? s)
      : s;
  };
  const key = (n: Node): string => normKey(exprKey(inner(n)));
  // `bvec_set_folio(&bvec[i++], folio, ...)`: an element of a bio_vec array holds the page, and
  // an iterator over the array (`iov_iter_bvec(iter, ITER_DEST, bvec, i, len)`) walks them all.
  const arrayKey = (n: Node): string | undefined => {
    const s = inner(n);
    const array = s.type === 'subscript_expression' ? s.childForFieldName('argument') : null;
    return array ? normKey(exprKey(array)) : undefined;
  };
  const bvecs = new Map<string, { page: Node; api: string }[]>();
  const iters = new Map<string, string[]>();
  /** Iterators kept in a structure (`&rreq->buffer.iter`) over pages this function set. */
  const held = new Map<string, string[]>();
  for (const e of facts.all) {
    if (e.kind !== 'call') continue;
    const sets = K.SETS_BVEC_PAGE.get(e.name);
    const iterates = K.BVEC_ITERATOR.get(e.name);
    if (sets) {
      const [bv, page] = [e.args[sets.bvec], e.args[sets.page]];
      if (!bv || !page) continue;
      // The setter's name says whether the page is a folio (`flush_dcache_folio` in the fix).
      bvecs.set(key(bv), [{ page, api: e.name }]);
      const array = arrayKey(bv);
      if (array) bvecs.set(array, [...(bvecs.get(array) ?? []), { page, api: e.name }]);
    } else if (iterates) {
      const [it, dir, bv] = [
        e.args[iterates.iter],
        e.args[iterates.direction],
        e.args[iterates.bvec],
      ];
      if (!it || !dir || !bv || !FILLS.test(stripExpr(dir).text)) continue;
      const set = bvecs.get(key(bv));
      const pages = set ? set.map((p) => notePage(p.page, p.api)) : [bvecPage(bv).key];
      iters.set(key(it), pages);
      if (set && key(it).includes('.')) held.set(key(it), pages);
    } else if ((iters.size > 0 || held.size > 0) && !ITER_BOOKKEEPING.test(e.name)) {
      const byDevice = K.DEVICE_FILLED_ITERATOR.get(e.name);
      for (const a of e.args) {
        if (byDevice !== undefined && a === e.args[byDevice]) continue;
        const k = key(a);
        for (const page of iters.get(k) ?? []) out.push({ e, page });
        // `netfs_read_to_pagecache(rreq)` with the iterator in `rreq->buffer.iter` (6.12
        // fs/netfs/buffered_read.c:451): the first call handed the structure starts the read
        // that fills the pages; later ones (waits, puts) only follow it.
        if (K.LOGS.test(e.name)) continue;
        for (const [it, pages] of held)
          if (it !== k && it.startsWith(`${k}.`)) {
            for (const page of pages) out.push({ e, page });
            held.delete(it);
          }
      }
    }
  }
  return out;
}

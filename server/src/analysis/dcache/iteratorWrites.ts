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
  const key = (n: Node): string => {
    const s = stripExpr(n);
    const inner = s.type === 'pointer_expression' && s.text.startsWith('&');
    return normKey(exprKey(inner ? (s.childForFieldName('argument') ?? s) : s));
  };
  const bvecs = new Map<string, Node>();
  const iters = new Map<string, string>();
  for (const e of facts.all) {
    if (e.kind !== 'call') continue;
    const sets = K.SETS_BVEC_PAGE.get(e.name);
    const iterates = K.BVEC_ITERATOR.get(e.name);
    if (sets) {
      const [bv, page] = [e.args[sets.bvec], e.args[sets.page]];
      if (bv && page) bvecs.set(key(bv), page);
    } else if (iterates) {
      const [it, dir, bv] = [
        e.args[iterates.iter],
        e.args[iterates.direction],
        e.args[iterates.bvec],
      ];
      if (!it || !dir || !bv || !FILLS.test(stripExpr(dir).text)) continue;
      const held = bvecs.get(key(bv));
      iters.set(key(it), held ? notePage(held, e.name) : bvecPage(bv).key);
    } else if (iters.size > 0 && !ITER_BOOKKEEPING.test(e.name)) {
      const byDevice = K.DEVICE_FILLED_ITERATOR.get(e.name);
      for (const a of e.args) {
        if (byDevice !== undefined && a === e.args[byDevice]) continue;
        const page = iters.get(key(a));
        if (page === undefined) continue;
        out.push({ e, page });
      }
    }
  }
  return out;
}

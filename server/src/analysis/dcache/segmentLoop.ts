/**
 * A loop over a request's (or bio's) segments that flushes each segment's page, after a write
 * of the request's first page (`kmap(bio_page(req->bio))`, 6.12 drivers/mtd/mtd_blkdevs.c:67):
 * the request holds that page, so it has a segment, and the way out before the first iteration
 * is never taken.
 */
import type { Edge } from '../../cfg/graph';
import type { Node } from '../../parsing/parser';
import type { FunctionFacts } from '../core/facts';
import { SEGMENT_WALK } from '../../knowledge/dcache';

export function skipsSegmentLoopOverWritten(
  edge: Edge,
  page: string,
  facts: FunctionFacts,
): boolean {
  const loop = edge.via;
  if (edge.kind !== 'loop-exit' || loop?.type !== 'while_statement') return false;
  const macro = facts.iterators.get(loop.startIndex)?.macro;
  const at = macro === undefined ? undefined : SEGMENT_WALK.get(macro);
  if (at === undefined) return false;
  const squash = (t: string): string => t.replace(/\s+/g, '');
  const args = squash(loop.childForFieldName('condition')?.text ?? '')
    .replace(/^\(|\)$/g, '')
    .split(',');
  const [bv, holder] = [args[0], args[at]];
  if (!bv || !holder || !/^\w+$/.test(bv)) return false;
  const owner = holder.replace(/->/g, '.');
  if (page !== `bio_page(${owner}.bio)` && page !== `bio_page(${owner})`) return false;
  const body = squash(loop.childForFieldName('body')?.text ?? '');
  return body.includes(`flush_dcache_page(${bv}.bv_page)`);
}

/**
 * The request's pages a flush inside such a loop stands for (`rq_for_each_segment(bvec, req,
 * iter) flush_dcache_page(bvec.bv_page)` flushes `bio_page(req->bio)` among the others): the
 * written page the flush covers, as the dcache rule reads the same loop above.
 */
export function segmentLoopPages(flush: Node, facts: FunctionFacts): string[] {
  for (let n = flush.parent; n && n.id !== facts.cfg.node.id; n = n.parent) {
    if (n.type !== 'while_statement') continue;
    const macro = facts.iterators.get(n.startIndex)?.macro;
    const at = macro === undefined ? undefined : SEGMENT_WALK.get(macro);
    if (at === undefined) continue;
    const args = (n.childForFieldName('condition')?.text ?? '')
      .replace(/\s+/g, '')
      .replace(/^\(|\)$/g, '')
      .split(',');
    const [bv, holder] = [args[0], args[at]];
    if (!bv || !holder || flush.text.replace(/\s+/g, '') !== `flush_dcache_page(${bv}.bv_page)`)
      return [];
    const owner = holder.replace(/->/g, '.');
    return [`bio_page(${owner}.bio)`, `bio_page(${owner})`];
  }
  return [];
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Edge } from '../../cfg/graph';
import { withFacts } from '../../../../test/helpers';
import type { FunctionFacts } from '../core/facts';
import { testOf } from '../core/conditions';
import { edgeFacts, NOT_READ, NOT_VMAP, NOT_WRITE } from './conditions';

const edges = (facts: FunctionFacts): Edge[] =>
  facts.cfg.blocks.flatMap((b) => b.succ.filter((e) => testOf(e)));

test('vmap conditions: direction and alias guard per edge; an error conjunct counts as the direction failing', async () => {
  const src = `void f(struct xfs_buf *bp, void *p, int op) {
    if (!bp->b_error && (bp->b_flags & XBF_READ)) a();
    if (is_vmalloc_addr(p) && op == REQ_OP_WRITE) b();
  }`;
  await withFacts(src, (facts) => {
    const bits = edges(facts).map(
      (e) => `${e.test!.atom.text} ${e.kind} ${edgeFacts(e, () => false)}`,
    );
    assert.deepEqual(bits.sort(), [
      `bp->b_error and 0`,
      `bp->b_error false ${NOT_READ}`,
      `bp->b_flags & XBF_READ false ${NOT_READ}`,
      `bp->b_flags & XBF_READ true ${NOT_WRITE}`,
      `is_vmalloc_addr(p) and 0`,
      `is_vmalloc_addr(p) false ${NOT_VMAP}`,
      `op == REQ_OP_WRITE false ${NOT_WRITE}`,
      `op == REQ_OP_WRITE true ${NOT_READ}`,
    ]);
  });
});

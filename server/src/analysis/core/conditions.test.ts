import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Edge } from '../../cfg/graph';
import { withFacts } from '../../../../test/helpers';
import type { FunctionFacts } from './facts';
import { Conditions, conditionOf, testOf } from './conditions';

const edges = (facts: FunctionFacts): Edge[] =>
  facts.cfg.blocks.flatMap((b) => b.succ.filter((e) => testOf(e)));

/** `subject [op constant] holds|fails` for the edge taking the construct's `true`/`case` side. */
function readings(facts: FunctionFacts): string[] {
  return edges(facts)
    .filter((e) => e.kind === 'true' || e.kind === 'case' || e.kind === 'and')
    .map((e) => {
      const t = testOf(e)!;
      const cmp = t.compare ? ` ${t.compare.op} ${t.compare.constant}` : '';
      return `${t.subject.text}${cmp} ${t.holds ? 'holds' : 'fails'}`;
    });
}

test('conditions: each atom is read once, whatever its spelling', async () => {
  const src = `void f(struct page *p, int op, struct xfs_buf *bp) {
    if (!p) a();
    if (p == NULL) a();
    if (NULL != p) a();
    if (likely(op != REQ_OP_WRITE)) a();
    if (READ == op) a();
    if (bp->b_flags & XBF_READ) a();
    switch (op) { case REQ_OP_READ: a(); break; case 3 + 4: a(); }
  }`;
  await withFacts(src, (facts) =>
    assert.deepEqual(readings(facts), [
      'p fails',
      'p fails',
      'p holds',
      'op == REQ_OP_WRITE fails',
      'op == READ holds',
      'bp->b_flags & XBF_READ holds',
      'op == REQ_OP_READ holds',
    ]),
  );
});

test('conditions: the atoms and operators of a condition are found from any of its edges', async () => {
  await withFacts('void f(int err, int w, int x) { if (!err && (w || x)) a(); }', (facts) => {
    for (const e of edges(facts)) {
      const { edges: all, ops } = conditionOf(e);
      assert.deepEqual([...new Set(all.map((x) => x.test!.atom.text))], ['err', 'w', 'x']);
      assert.deepEqual([...ops].sort(), ['and', 'or']);
    }
  });
});

test('conditions: a path cannot take the true side of `w && n` and then the true side of `!w`', async () => {
  const src = 'void f(int w, int n) { if (w && n) a(); b(); if (!w) c(); }';
  await withFacts(src, (facts) => {
    const conds = new Conditions(facts, 0);
    assert.deepEqual(conds.keys, ['w']);
    const byKind = (text: string, kind: string): Edge =>
      edges(facts).find((e) => e.test!.atom.text === text && e.kind === kind)!;
    const first = byKind('w', 'and');
    const second = edges(facts).filter((e) => e.test!.atom.text === 'w' && e.kind === 'true')[0]!;
    const known = conds.onEdge(0, first)!;
    assert.equal(conds.value(known, 'w'), true);
    assert.equal(conds.onEdge(known, second), undefined, '`!w` taken true after `w` held');
    assert.equal(conds.value(conds.onAssign(known, 'w'), 'w'), undefined, 'w = ... forgets it');
  });
});

test('conditions: only the CFG builder takes a condition apart (`!`, `&&`, `||`)', () => {
  const src = join(__dirname, '../..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return files(p);
      return n.endsWith('.ts') && !n.endsWith('.test.ts') ? [p] : [];
    });
  const peeling = files(src).filter((f) =>
    /childForFieldName\('operator'\)\?\.type\s*===\s*'(?:!|&&|\|\|)'/.test(readFileSync(f, 'utf8')),
  );
  assert.deepEqual(
    peeling.map((f) => f.slice(src.length + 1)),
    ['cfg/builder.ts'],
  );
});

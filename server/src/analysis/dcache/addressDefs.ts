/**
 * Which values of an address variable can reach a store through it. Addresses are bound to
 * pages flow-insensitively (pageModel.ts); a variable given a page's mapping on one path and
 * another buffer later (`c = kmap(*pp) + base;` over the pages, then `c = buf->tail->iov_base;`
 * for the tail) writes the page only where the mapping can still be its value. A forward
 * may-reach analysis over the CFG, for the variables given both kinds of value.
 */
import type { Node } from '../../parsing/parser';
import { checkDeadline } from '../../parsing/deadline';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';

/** Whether `event` is reached by a value of `key` that is no page mapping, and by none that is. */
export type OtherBufferAt = (event: Event, key: string) => boolean;

const PAGE = 1;
const OTHER = 2;

/**
 * `isMapping(rhs)`: the value maps a page (or points into a mapping). Only plain `=` assignments
 * give a variable a new value; `c += l` and `c++` move it within the same buffer.
 */
export function otherBufferAt(
  facts: FunctionFacts,
  isMapping: (rhs: Node) => boolean,
  candidates: ReadonlySet<string>,
): OtherBufferAt {
  const kinds = new Map<string, number>();
  const defs = new Map<Event, { key: string; kind: number }>();
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || !candidates.has(e.lhsKey) || !plainAssign(e.node))
      continue;
    const kind = isMapping(e.rhs) ? PAGE : OTHER;
    defs.set(e, { key: e.lhsKey, kind });
    kinds.set(e.lhsKey, (kinds.get(e.lhsKey) ?? 0) | kind);
  }
  const vars = [...kinds].filter(([, k]) => k === (PAGE | OTHER)).map(([v]) => v);
  if (vars.length === 0) return () => false;
  const index = new Map(vars.map((v, i) => [v, i]));
  const blocks = facts.cfg.blocks;
  // Per block and variable, the kinds of value that may hold on entry.
  const entry = new Map<number, number[]>();
  const transfer = (state: number[], e: Event): void => {
    const d = defs.get(e);
    const i = d ? index.get(d.key) : undefined;
    if (d && i !== undefined) state[i] = d.kind;
  };
  const work = [facts.cfg.entry];
  entry.set(
    facts.cfg.entry.id,
    vars.map(() => 0),
  );
  while (work.length > 0) {
    checkDeadline();
    const block = work.pop()!;
    const out = [...entry.get(block.id)!];
    for (const e of facts.events.get(block.id) ?? []) transfer(out, e);
    for (const edge of block.succ) {
      const had = entry.get(edge.to.id);
      const merged = had ? had.map((k, i) => k | out[i]!) : out;
      if (had && merged.every((k, i) => k === had[i])) continue;
      entry.set(edge.to.id, merged);
      work.push(edge.to);
    }
  }
  // The state just before each event of a block, for the variables with both kinds of value.
  const before = new Map<Event, number[]>();
  for (const block of blocks) {
    const state = entry.get(block.id);
    if (!state) continue;
    const s = [...state];
    for (const e of facts.events.get(block.id) ?? []) {
      before.set(e, [...s]);
      transfer(s, e);
    }
  }
  return (event, key) => {
    const i = index.get(key);
    const s = i === undefined ? undefined : before.get(event)?.[i];
    return s === OTHER;
  };
}

function plainAssign(node: Node): boolean {
  if (node.type !== 'assignment_expression') return node.type === 'init_declarator';
  return node.childForFieldName('operator')?.text === '=';
}

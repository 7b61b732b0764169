/**
 * Path-sensitive search without path enumeration: a breadth-first search over (block, state)
 * pairs, where a state is a small bit set a rule computes event by event. There are at most
 * blocks × 2^bits pairs, so loops and goto webs cost linear time, and the first bad pair found
 * at the exit gives the shortest witness path, edge by edge.
 */
import type { Block, Edge } from '../../cfg/graph';
import type { Event } from './events';
import type { FunctionFacts } from './facts';

export interface Machine {
  initial: number;
  /** The state after `event`, from `state`. */
  step(state: number, event: Event): number;
  /** Whether reaching the function's exit in `state` is a finding. */
  bad(state: number): boolean;
  /** Whether `edge` can be taken in `state` (a null test of a page already mapped cannot fail). */
  feasible?(state: number, edge: Edge): boolean;
  /** The state after taking `edge` (correlated conditions), or undefined when it cannot be taken. */
  onEdge?(state: number, edge: Edge): number | undefined;
}

export interface Witness {
  /** Blocks from the entry to the exit; `edges[i]` leads from `blocks[i]` to `blocks[i + 1]`. */
  blocks: Block[];
  edges: Edge[];
}

/** States are below 2^16: a rule's own bits plus two per correlated condition. */
const MAX_STATES = 1 << 16;

export function findBadPath(facts: FunctionFacts, machine: Machine): Witness | undefined {
  const { cfg } = facts;
  if (cfg.skipped) return undefined;
  const key = (b: Block, s: number): number => b.id * MAX_STATES + s;
  const parent = new Map<number, { prev: number; edge: Edge } | null>();
  const queue: { block: Block; state: number }[] = [{ block: cfg.entry, state: machine.initial }];
  parent.set(key(cfg.entry, machine.initial), null);
  for (let qi = 0; qi < queue.length; qi++) {
    const { block, state } = queue[qi]!;
    let out = state;
    for (const e of facts.events.get(block.id) ?? []) out = machine.step(out, e);
    if (block === cfg.exit) {
      if (machine.bad(out)) return unwind(parent, key(block, state), block);
      continue;
    }
    for (const edge of block.succ) {
      if (machine.feasible && !machine.feasible(out, edge)) continue;
      const next = machine.onEdge ? machine.onEdge(out, edge) : out;
      if (next === undefined) continue;
      const k = key(edge.to, next);
      if (parent.has(k)) continue;
      parent.set(k, { prev: key(block, state), edge });
      queue.push({ block: edge.to, state: next });
    }
  }
  return undefined;
}

function unwind(
  parent: Map<number, { prev: number; edge: Edge } | null>,
  last: number,
  exit: Block,
): Witness {
  const blocks: Block[] = [exit];
  const edges: Edge[] = [];
  for (let link = parent.get(last); link; link = parent.get(link.prev)) {
    edges.unshift(link.edge);
    blocks.unshift(link.edge.from);
  }
  return { blocks, edges };
}

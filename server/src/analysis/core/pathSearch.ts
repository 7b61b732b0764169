/**
 * Path-sensitive search without path enumeration: a breadth-first search over (block, state)
 * pairs, where a state is a small bit set a rule computes event by event. There are at most
 * blocks × 2^bits pairs, so loops and goto webs cost linear time, and the first bad pair found
 * at the exit gives the shortest witness path, edge by edge.
 */
import type { Block, Edge } from '../../cfg/graph';
import type { Event } from './events';
import type { FunctionFacts } from './facts';
import { checkDeadline } from '../../parsing/deadline';

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
  // The queue in parallel arrays, each entry pointing at the one it was reached from: a
  // 30,000-branch function visits hundreds of thousands of pairs per page, and an object per
  // pair (and per parent link) was most of the time, in the garbage collector.
  const blocks: Block[] = [cfg.entry];
  const states: number[] = [machine.initial];
  const from: number[] = [-1];
  const via: (Edge | undefined)[] = [undefined];
  const seen = new Set<number>([key(cfg.entry, machine.initial)]);
  for (let qi = 0; qi < blocks.length; qi++) {
    checkDeadline();
    const block = blocks[qi]!;
    let out = states[qi]!;
    for (const e of facts.events.get(block.id) ?? []) out = machine.step(out, e);
    if (block === cfg.exit) {
      if (machine.bad(out)) return unwind(blocks, from, via, qi);
      continue;
    }
    for (const edge of block.succ) {
      if (machine.feasible && !machine.feasible(out, edge)) continue;
      const next = machine.onEdge ? machine.onEdge(out, edge) : out;
      if (next === undefined) continue;
      const k = key(edge.to, next);
      if (seen.has(k)) continue;
      seen.add(k);
      blocks.push(edge.to);
      states.push(next);
      from.push(qi);
      via.push(edge);
    }
  }
  return undefined;
}

/** The path to queue entry `last`, collected backwards and reversed once (not `unshift`ed). */
function unwind(queued: Block[], from: number[], via: (Edge | undefined)[], last: number): Witness {
  const blocks: Block[] = [];
  const edges: Edge[] = [];
  for (let i = last; i >= 0; i = from[i]!) {
    checkDeadline();
    blocks.push(queued[i]!);
    const edge = via[i];
    if (edge) edges.push(edge);
  }
  return { blocks: blocks.reverse(), edges: edges.reverse() };
}

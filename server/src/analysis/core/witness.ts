/**
 * From a witness path to the steps a finding shows and the simulator replays, for every family:
 * `replayWitness` walks the path's blocks again and records, in order, the returns, the family's
 * actions with the rule's state before and after each, and the edges taken; `witnessSteps` turns
 * that trace into path steps, with the family saying what each of its actions reads as.
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import type { Event } from './events';
import type { FunctionFacts } from './facts';
import type { Witness } from './pathSearch';
import { describeEdge, stepAt } from './steps';
import type { PathStep } from './types';

export type TraceItem<A> =
  | { t: 'action'; action: A; before: number; after: number }
  | { t: 'edge'; edge: Edge; after: number }
  | { t: 'return'; node: Node };

export interface Replay<A> {
  initial: number;
  /** The family's actions of one event that the rule follows. */
  actionsOf(e: Event): readonly A[];
  apply(state: number, a: A): number;
  /** The state after taking an edge (a guard that ends an alias), when edges change it. */
  onEdge?(state: number, edge: Edge): number;
}

export function replayWitness<A>(
  facts: FunctionFacts,
  witness: Witness,
  replay: Replay<A>,
): TraceItem<A>[] {
  const trace: TraceItem<A>[] = [];
  let state = replay.initial;
  witness.blocks.forEach((block, i) => {
    for (const e of facts.events.get(block.id) ?? []) {
      if (e.kind === 'return') trace.push({ t: 'return', node: e.node });
      for (const action of replay.actionsOf(e)) {
        const before = state;
        state = replay.apply(state, action);
        trace.push({ t: 'action', action, before, after: state });
      }
    }
    const edge = witness.edges[i];
    if (edge) {
      if (replay.onEdge) state = replay.onEdge(state, edge);
      trace.push({ t: 'edge', edge, after: state });
    }
  });
  return trace;
}

/**
 * The trace as path steps after `start`. `actionSteps` gets each action and the steps so far and
 * returns the steps after it (it may drop steps a flush made moot). A branch is shown once the
 * story has begun (some step exists); a return always.
 */
export function witnessSteps<A>(
  trace: readonly TraceItem<A>[],
  source: string,
  functionName: string,
  actionSteps: (item: TraceItem<A> & { t: 'action' }, steps: PathStep[]) => PathStep[],
  start: PathStep[] = [],
): PathStep[] {
  let steps = start;
  for (const item of trace) {
    if (item.t === 'return')
      steps.push(stepAt(item.node, 'return', `returns from ${functionName}()`));
    else if (item.t === 'action') steps = actionSteps(item, steps);
    else if (steps.length > 0) {
      const d = describeEdge(item.edge, source);
      if (d) steps.push(stepAt(d.node, 'branch', d.note));
    }
  }
  return steps;
}

/**
 * Path search for the vmap rules: core/pathSearch.ts's breadth-first search over (block, state), with
 * edges that change the state: a branch on the I/O direction or on the alias guard tells the rest
 * of the path what it may assume (conditions.ts reads them).
 */
import type { Edge } from '../../cfg/graph';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { findBadPath } from '../core/pathSearch';
import type { Witness } from '../core/pathSearch';
import { edgeFacts, NOT_READ, NOT_WRITE } from './conditions';
import type { GuardTest } from './conditions';

export { NOT_WRITE, NOT_READ, NOT_VMAP, MUST_WRITE } from './conditions';
export type { GuardTest } from './conditions';

export interface EdgeMachine {
  initial: number;
  step(state: number, event: Event): number;
  bad(state: number): boolean;
}

export function searchPath(
  facts: FunctionFacts,
  m: EdgeMachine,
  isGuard: GuardTest,
): Witness | undefined {
  return findBadPath(facts, { ...m, onEdge: (state, edge) => applyEdge(state, edge, isGuard) });
}

/** The state after taking `edge`, or undefined when the path is infeasible (write and read at once). */
export function applyEdge(state: number, edge: Edge, isGuard: GuardTest): number | undefined {
  const next = state | edgeFacts(edge, isGuard);
  return (next & NOT_WRITE) !== 0 && (next & NOT_READ) !== 0 ? undefined : next;
}

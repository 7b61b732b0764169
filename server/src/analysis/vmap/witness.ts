/**
 * Runs a rule's per-alias machine over the vmap model with the path search, and replays the
 * witness path into a trace of the actions, branches and returns along it, with the index of
 * the action that made the path bad (-1: reaching the end of the function did).
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import type { Event } from '../core/events';
import type { VmapAction, VmapFunction } from './types';
import { searchPath, applyEdge } from './path';
import type { GuardTest } from './path';
import { addrKey } from './file';
import { stripExpr } from '../../parsing/nodeText';

export interface AliasMachine {
  initial: number;
  /** State after an action concerning the alias; sets `bad` when the action is the violation. */
  apply(state: number, a: VmapAction): number;
  /** State at the end of the function; may set `bad`. */
  exit(state: number): number;
  bad: number;
}

export type TraceItem =
  | { t: 'action'; action: VmapAction; before: number; after: number }
  | { t: 'edge'; edge: Edge; after: number }
  | { t: 'return'; node: Node };

export interface AliasPath {
  trace: TraceItem[];
  /** Index in `trace` of the action that set the bad bit, or -1 when the exit did. */
  trigger: number;
}

/** Actions of `e` that concern alias `key` (I/O events concern every alias of the function). */
export function actionsFor(model: VmapFunction, e: Event, key: string): VmapAction[] {
  return (model.actions.get(e) ?? []).filter(
    (a) => !('alias' in a) || a.alias === null || a.alias === key,
  );
}

export function guardTest(model: VmapFunction, key: string): GuardTest {
  return (n: Node) => {
    const s = stripExpr(n);
    const k = model.canon(addrKey(s));
    return model.guards.has(k) || k === key || /\.(?:vmap_cnt|vma_invalidate_size)$/.test(k);
  };
}

export function findAliasPath(
  model: VmapFunction,
  key: string,
  m: AliasMachine,
): AliasPath | undefined {
  const step = (s: number, e: Event): number =>
    actionsFor(model, e, key).reduce((x, a) => m.apply(x, a), s);
  const isGuard = guardTest(model, key);
  const witness = searchPath(
    model.facts,
    { initial: m.initial, step, bad: (s) => (m.exit(s) & m.bad) !== 0 },
    isGuard,
  );
  if (!witness) return undefined;
  const trace: TraceItem[] = [];
  let state = m.initial;
  let trigger = -1;
  witness.blocks.forEach((block, i) => {
    for (const e of model.facts.events.get(block.id) ?? []) {
      if (e.kind === 'return') trace.push({ t: 'return', node: e.node });
      for (const a of actionsFor(model, e, key)) {
        const before = state;
        state = m.apply(state, a);
        trace.push({ t: 'action', action: a, before, after: state });
        if (trigger < 0 && (before & m.bad) === 0 && (state & m.bad) !== 0)
          trigger = trace.length - 1;
      }
    }
    const edge = witness.edges[i];
    if (edge) {
      state = applyEdge(state, edge, isGuard) ?? state;
      trace.push({ t: 'edge', edge, after: state });
    }
  });
  return { trace, trigger };
}

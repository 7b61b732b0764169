/**
 * Runs a rule's per-alias machine over the vmap model with the path search, and replays the
 * witness path (analysis/core/witness.ts) into a trace of the actions, branches and returns along
 * it, with the index of the action that made the path bad (-1: reaching the end of the function did).
 */
import type { Node } from '../../parsing/parser';
import type { Event } from '../core/events';
import { replayWitness } from '../core/witness';
import type { TraceItem as CoreTraceItem } from '../core/witness';
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

export type TraceItem = CoreTraceItem<VmapAction>;

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
  const trace = replayWitness(model.facts, witness, {
    initial: m.initial,
    actionsOf: (e) => actionsFor(model, e, key),
    apply: (x, a) => m.apply(x, a),
    onEdge: (x, edge) => applyEdge(x, edge, isGuard) ?? x,
  });
  const trigger = trace.findIndex(
    (t) => t.t === 'action' && (t.before & m.bad) === 0 && (t.after & m.bad) !== 0,
  );
  return { trace, trigger };
}

/**
 * Path search for the vmap rules: core/pathSearch.ts's breadth-first search over (block, state), with
 * edges that change the state: a branch on the I/O direction
 * (`op == REQ_OP_WRITE`, `dir == DMA_FROM_DEVICE`, `bp->b_flags & XBF_READ`) or on the alias guard
 * (`if (is_vmalloc_addr(p))`, `if (buf->vaddr)`) tells the rest of the path what it may assume.
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import { calleeName, callArguments, stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { findBadPath } from '../core/pathSearch';
import type { Witness } from '../core/pathSearch';
import { READ_CONST, VMAP_TEST, WRITE_CONST, WRITE_TEST } from '../../knowledge/vmap';

/** Shared state bits set by edges; rules use bits 0-4 for their own state. */
export const NOT_WRITE = 1 << 5;
export const NOT_READ = 1 << 6;
export const NOT_VMAP = 1 << 7;
/** The device surely reads memory (`dir != DMA_FROM_DEVICE`: to-device or bidirectional). */
export const MUST_WRITE = 1 << 8;

export interface EdgeMachine {
  initial: number;
  step(state: number, event: Event): number;
  bad(state: number): boolean;
}

/** Whether an expression tests the alias: `is_vmalloc_addr(p)`, a saved result, `buf->vaddr`. */
export type GuardTest = (n: Node) => boolean;

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

/** Error state: when it fails the data is garbage, so no maintenance matters. */
const ERROR_TEST = /^!?\s*[\w.>-]*(?:err|error|status|fail)\w*$/i;

type Atom = { t: 'W' | 'R'; neg: boolean; weak: boolean } | { t: 'G'; neg: boolean };

function edgeFacts(edge: Edge, isGuard: GuardTest): number {
  const via = edge.via;
  if (!via) return 0;
  if (edge.kind === 'case' && via.type === 'case_statement') {
    const v = via.childForFieldName('value');
    const a = v ? constAtom(stripExpr(v).text) : undefined;
    return a ? bitsOf(a, true) : 0;
  }
  if (edge.kind !== 'true' && edge.kind !== 'false') return 0;
  const cond = via.childForFieldName('condition');
  if (!cond) return 0;
  const taken = edge.kind === 'true';
  const and = flatten(cond, '&&');
  const or = flatten(cond, '||');
  if (and.length > 1) {
    const atoms = and.map((n) => atomOf(n, isGuard));
    if (taken) return atoms.reduce((b, a) => b | (a ? bitsOf(a, true) : 0), 0);
    // One conjunct failed. If it was the alias guard or an error test, nothing is needed anyway
    // (no alias, or no data), so assume the direction test failed (`if (is_vmalloc && op ==
    // REQ_OP_WRITE)`, `if (!bp->b_error && ... && (bp->b_flags & XBF_READ))`). Any other
    // conjunct (`write && op_is_write(op)`) may be the one that failed: no conclusion.
    const dirs = atoms.filter((a) => a && a.t !== 'G');
    const others = and.filter((n, i) => !atoms[i] && !ERROR_TEST.test(stripExpr(n).text));
    if (dirs.length === 1 && others.length === 0) return bitsOf(dirs[0]!, false);
    return atoms.every((a) => a?.t === 'G' && !a.neg) ? NOT_VMAP : 0;
  }
  if (or.length > 1) {
    if (taken) return 0;
    return or.reduce((b, n) => {
      const a = atomOf(n, isGuard);
      return b | (a ? bitsOf(a, false) : 0);
    }, 0);
  }
  const a = atomOf(cond, isGuard);
  return a ? bitsOf(a, taken) : 0;
}

function bitsOf(a: Atom, holds: boolean): number {
  const positive = a.neg ? !holds : holds;
  if (a.t === 'G') return positive ? 0 : NOT_VMAP;
  // `dir != DMA_FROM_DEVICE` leaves TO_DEVICE or BIDIRECTIONAL: a write either way.
  if (!positive && a.weak) return a.t === 'R' ? MUST_WRITE : 0;
  const isWrite = a.t === 'W' ? positive : !positive;
  return isWrite ? NOT_READ : NOT_WRITE;
}

function flatten(n: Node, op: string): Node[] {
  n = stripExpr(n);
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === op) {
    return [
      ...flatten(n.childForFieldName('left')!, op),
      ...flatten(n.childForFieldName('right')!, op),
    ];
  }
  return [n];
}

function constAtom(text: string): Atom | undefined {
  const weak = text.startsWith('DMA_');
  if (WRITE_CONST.test(text)) return { t: 'W', neg: false, weak };
  if (READ_CONST.test(text)) return { t: 'R', neg: false, weak };
  return undefined;
}

function atomOf(n: Node, isGuard: GuardTest): Atom | undefined {
  let neg = false;
  for (let guard = 0; guard < 10; guard++) {
    n = stripExpr(n);
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '!') {
      neg = !neg;
      n = n.childForFieldName('argument')!;
      continue;
    }
    if (
      n.type === 'call_expression' &&
      /^(?:un)?likely$/.test(calleeName(n)) &&
      callArguments(n)[0]
    ) {
      n = callArguments(n)[0]!;
      continue;
    }
    break;
  }
  if (n.type === 'call_expression') {
    const name = calleeName(n);
    if (WRITE_TEST.has(name)) return { t: 'W', neg, weak: false };
    if (VMAP_TEST.test(name)) return { t: 'G', neg };
  }
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.type;
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (!l || !r) return undefined;
    if (op === '==' || op === '!=') {
      const isNull = (x: Node): boolean => /^(?:NULL|0)$/.test(stripExpr(x).text);
      if (isNull(r) && isGuard(l)) return { t: 'G', neg: op === '==' ? !neg : neg };
      const a = constAtom(stripExpr(r).text) ?? constAtom(stripExpr(l).text);
      if (a) return { ...a, neg: op === '!=' ? !neg : neg };
      return undefined;
    }
    if (op === '&') {
      const a = constAtom(stripExpr(r).text);
      // A flag bit: `flags & XBF_READ` true means read; false means the other flag.
      return a?.t === 'W' || a?.t === 'R' ? { t: a.t, neg, weak: false } : undefined;
    }
    return undefined;
  }
  return isGuard(n) ? { t: 'G', neg } : undefined;
}

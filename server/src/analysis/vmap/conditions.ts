/**
 * The vmap family's facts about branch conditions, read from core/conditions.ts's Tested: the I/O
 * direction (`op == REQ_OP_WRITE`, `op_is_write(op)`, `dir != DMA_FROM_DEVICE`,
 * `bp->b_flags & XBF_READ`, `case REQ_OP_READ:`) and the alias guard (`is_vmalloc_addr(p)`, a
 * saved result of it, `buf->vaddr`). An edge sets bits of the path's state; the rules read them.
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import { calleeName } from '../../parsing/nodeText';
import { conditionOf, readAtom, testOf } from '../core/conditions';
import type { Tested } from '../core/conditions';
import { READ_CONST, VMAP_TEST, WRITE_CONST, WRITE_TEST } from '../../knowledge/vmap';

/** Shared state bits set by edges; rules use bits 0-4 for their own state. */
export const NOT_WRITE = 1 << 5;
export const NOT_READ = 1 << 6;
export const NOT_VMAP = 1 << 7;
/** The device surely reads memory (`dir != DMA_FROM_DEVICE`: to-device or bidirectional). */
export const MUST_WRITE = 1 << 8;

/** Whether an expression tests the alias: `is_vmalloc_addr(p)`, a saved result, `buf->vaddr`. */
export type GuardTest = (n: Node) => boolean;

/** Error state: when it fails the data is garbage, so no maintenance matters. */
const ERROR_TEST = /^[\w.>-]*(?:err|error|status|fail)\w*$/i;

/** A direction test (write or read I/O; weak: `!= DMA_FROM_DEVICE` may be both) or a guard. */
type Fact = { t: 'W' | 'R'; weak: boolean } | { t: 'G' };

/** The bits `edge` sets: what its condition tells of the direction and the alias. */
export function edgeFacts(edge: Edge, isGuard: GuardTest): number {
  const t = testOf(edge);
  if (!t) return 0;
  if (edge.kind === 'false' && edge.test && ERROR_TEST.test(edge.test.atom.text))
    return errorSide(edge, isGuard);
  const f = factOf(t, isGuard);
  return f ? bitsOf(f, t.holds) : 0;
}

/**
 * `if (!bp->b_error && (bp->b_flags & XBF_READ))` not taken because of the error: the data is
 * garbage, so nothing is needed anyway; the path is told as if the direction test failed, when
 * the condition is a conjunction of that one direction test with error tests and alias guards.
 */
function errorSide(edge: Edge, isGuard: GuardTest): number {
  const { edges, ops } = conditionOf(edge);
  // Each conjunct's way to fail: its atom's value on the edge out to the not-taken side.
  const fails = edges
    .filter((e) => e.kind === 'false')
    .map((e) => readAtom(e.test!.atom, e.test!.value));
  if (ops.has('or') || fails.length < 2) return 0;
  const facts = fails.map((t) => factOf(t, isGuard));
  const dirs = facts.flatMap((f, i) => (f && f.t !== 'G' ? [{ f, t: fails[i]! }] : []));
  const others = fails.filter((t, i) => !facts[i] && !ERROR_TEST.test(t.subject.text));
  if (dirs.length !== 1 || others.length > 0) return 0;
  return bitsOf(dirs[0]!.f, dirs[0]!.t.holds);
}

function bitsOf(f: Fact, holds: boolean): number {
  if (f.t === 'G') return holds ? 0 : NOT_VMAP;
  // `dir != DMA_FROM_DEVICE` leaves TO_DEVICE or BIDIRECTIONAL: a write either way.
  if (!holds && f.weak) return f.t === 'R' ? MUST_WRITE : 0;
  const isWrite = f.t === 'W' ? holds : !holds;
  return isWrite ? NOT_READ : NOT_WRITE;
}

function factOf(t: Tested, isGuard: GuardTest): Fact | undefined {
  const s = t.subject;
  if (t.compare) {
    const c = t.compare.constant;
    // `bp->b_flags & XBF_READ`: a flag bit, never the weak DMA direction.
    const weak = t.compare.op === '==' && c.startsWith('DMA_');
    if (WRITE_CONST.test(c)) return { t: 'W', weak };
    if (READ_CONST.test(c)) return { t: 'R', weak };
    return undefined;
  }
  if (s.type === 'call_expression') {
    const name = calleeName(s);
    if (WRITE_TEST.has(name)) return { t: 'W', weak: false };
    if (VMAP_TEST.test(name)) return { t: 'G' };
  }
  if (s.type === 'binary_expression') return undefined;
  return isGuard(s) ? { t: 'G' } : undefined;
}

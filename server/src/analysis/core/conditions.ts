/**
 * The one place branch conditions are read. The CFG forks `&&`, `||` and `!` (cfg/builder.ts),
 * so an edge out of a condition tests one atom and knows the value it had; `testOf` reads that
 * atom into the comparison it makes:
 *
 *     if (p)  if (p != NULL)            subject p, holds on the true edge
 *     if (!p) if (p == NULL)            subject p, holds on the false edge
 *     if (op == REQ_OP_WRITE)           subject op, `==` REQ_OP_WRITE
 *     case REQ_OP_WRITE:                subject the switch's value, `==` REQ_OP_WRITE
 *     if (bp->b_flags & XBF_READ)       subject bp->b_flags, `&` XBF_READ
 *
 * Each family reads its own facts from a Tested: the vmap family the I/O direction and the alias
 * guard (vmap/conditions.ts), the dcache family null pages, writably mapped files and builds
 * without aliasing (dcache/conditions.ts). `Conditions` below, shared by both, follows
 * conditions a function tests more than once, so that a path cannot take both sides of one.
 */
import type { Node } from '../../parsing/parser';
import type { Block, Edge } from '../../cfg/graph';
import { stripExpr } from '../../parsing/nodeText';
import { peelCondition } from '../../cfg/builder';
import { normKey } from './events';
import type { FunctionFacts } from './facts';
import { checkDeadline } from '../../parsing/deadline';
import { IO_DIRECTION } from '../../knowledge/shared';

export interface Tested {
  /** What is tested, comparisons with NULL or 0 peeled: `p` in `p != NULL`, `op` in `op == READ`. */
  subject: Node;
  /** `subject == constant` or `subject & constant`, with the constant's text. */
  compare?: { op: '==' | '&'; constant: string };
  /** Whether the test (the subject, or its comparison) holds on this edge. */
  holds: boolean;
}

/** Names in capitals (`REQ_OP_WRITE`, `DMA_TO_DEVICE`), numbers, true/false/NULL. */
const CONSTANT = /^(?:[A-Z][A-Z0-9_]*|\d+|true|false|NULL)$/;
const NULL = /^(?:NULL|0)$/;

const memo = new WeakMap<Edge, Tested | null>();

/** What `edge` knows about the condition it leaves, or undefined for an edge of no test. */
export function testOf(edge: Edge): Tested | undefined {
  let t = memo.get(edge);
  if (t === undefined) {
    t = read(edge) ?? null;
    memo.set(edge, t);
  }
  return t ?? undefined;
}

function read(edge: Edge): Tested | undefined {
  if (edge.test) return readAtom(edge.test.atom, edge.test.value);
  const via = edge.via;
  if (edge.kind !== 'case' || via?.type !== 'case_statement') return undefined;
  const value = via.childForFieldName('value');
  // case_statement → the switch body → the switch.
  const subject = via.parent?.parent?.childForFieldName('condition') ?? via;
  const constant = value ? stripExpr(value).text : '';
  return CONSTANT.test(constant)
    ? { subject: stripExpr(subject), compare: { op: '==', constant }, holds: true }
    : undefined;
}

/** An atom (no `&&`, `||`) that had `value`, read as a Tested. */
export function readAtom(atom: Node, value: boolean): Tested {
  let n = atom;
  let holds = value;
  for (let guard = 0; guard < 8; guard++) {
    const peeled = peelCondition(n);
    n = peeled.node;
    if (peeled.negated) holds = !holds;
    if (n.type !== 'binary_expression') break;
    const op = n.childForFieldName('operator')?.type;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if ((op !== '==' && op !== '!=' && op !== '&') || !left || !right) break;
    const l = stripExpr(left).text;
    const r = stripExpr(right).text;
    if (op !== '&' && (NULL.test(r) || NULL.test(l))) {
      // `p == NULL` is `!p`.
      if (op === '==') holds = !holds;
      n = NULL.test(r) ? left : right;
      continue;
    }
    const constant = CONSTANT.test(r) ? r : CONSTANT.test(l) ? l : undefined;
    if (constant === undefined) break;
    return {
      subject: stripExpr(constant === r ? left : right),
      compare: { op: op === '&' ? '&' : '==', constant },
      holds: op === '!=' ? !holds : holds,
    };
  }
  return { subject: n, holds };
}

/**
 * Every edge out of the condition an edge leaves, and the operators joining its atoms, gathered
 * from the graph: `if (!err && write)` gives the four edges out of `err` and `write`, joined by
 * `and` only.
 */
export function conditionOf(edge: Edge): { edges: Edge[]; ops: Set<'and' | 'or'> } {
  const inner = (e: Edge): boolean =>
    (e.kind === 'and' || e.kind === 'or') && e.via?.id === edge.via?.id;
  let first = edge.from;
  for (let p = first.pred.find(inner); p; p = first.pred.find(inner)) first = p.from;
  const edges: Edge[] = [];
  const ops = new Set<'and' | 'or'>();
  const seen = new Set<number>([first.id]);
  const queue: Block[] = [first];
  for (let i = 0; i < queue.length; i++) {
    for (const e of queue[i]!.succ) {
      if (e.test) edges.push(e);
      if (!inner(e)) continue;
      ops.add(e.kind as 'and' | 'or');
      if (!seen.has(e.to.id)) {
        seen.add(e.to.id);
        queue.push(e.to);
      }
    }
  }
  return { edges, ops };
}

/** Calls with no side effects whose value holds between two tests. */
const PREDICATE = /^(?:Page[A-Z]\w*|folio_test_\w+|is_\w+|op_is_\w+)$/;
const isPredicate = (name: string): boolean => PREDICATE.test(name) || IO_DIRECTION.has(name);

/** The key under which a test is followed: `do_write`, `PageSlab(page)`, `op==REQ_OP_READ`. */
function keyOf(t: Tested): string | undefined {
  const s = t.subject;
  const plain =
    s.type === 'identifier' ||
    s.type === 'field_expression' ||
    (s.type === 'call_expression' && isPredicate(s.childForFieldName('function')?.text ?? ''));
  if (!plain || t.compare?.op === '&') return undefined;
  const key = normKey(s.text.replace(/\s+/g, ''));
  return t.compare ? `${key}==${t.compare.constant}` : key;
}

/** Only the conditions of `if` statements correlate: a loop's test is tested anew each turn. */
function ifTest(edge: Edge): { key: string; holds: boolean } | undefined {
  if (edge.via?.type !== 'if_statement') return undefined;
  const t = testOf(edge);
  const key = t && keyOf(t);
  return key === undefined ? undefined : { key, holds: t!.holds };
}

/** The conditions a function's `if`s test more than once: the same for every page a rule checks. */
const selections = new WeakMap<FunctionFacts, Map<string, string[]>>();

function followed(facts: FunctionFacts, max: number, always: RegExp | undefined): string[] {
  let bySelection = selections.get(facts);
  if (!bySelection) selections.set(facts, (bySelection = new Map<string, string[]>()));
  const id = `${max} ${always?.source ?? ''}`;
  let keys = bySelection.get(id);
  if (!keys) bySelection.set(id, (keys = scan(facts, max, always)));
  return keys;
}

function scan(facts: FunctionFacts, max: number, always: RegExp | undefined): string[] {
  const count = new Map<string, number>();
  const atoms = new Set<number>();
  for (const b of facts.cfg.blocks) {
    checkDeadline();
    for (const e of b.succ) {
      const t = ifTest(e);
      if (!t || !e.test || atoms.has(e.test.atom.id)) continue;
      atoms.add(e.test.atom.id);
      count.set(t.key, (count.get(t.key) ?? 0) + 1);
    }
  }
  // Only conditions tested more than once can correlate anything; a family's predicates on its
  // objects (`always`: a page is a slab page) are followed even when tested once.
  // Tests of one value against different constants (`op == REQ_OP_WRITE`, `op == REQ_OP_READ`)
  // correlate too: they count together.
  const group = (key: string): string =>
    key.includes('==') ? key.slice(0, key.indexOf('==') + 2) : key;
  const perGroup = new Map<string, number>();
  for (const [key, n] of count) perGroup.set(group(key), (perGroup.get(group(key)) ?? 0) + n);
  // The most tested conditions first: they are the ones most likely to correlate.
  const ranked = [...count.keys()].sort(
    (a, b) => (perGroup.get(group(b)) ?? 0) - (perGroup.get(group(a)) ?? 0),
  );
  const keys: string[] = [];
  for (const key of ranked) {
    const n = perGroup.get(group(key)) ?? 0;
    if ((n > 1 || always?.test(key)) && keys.length < max) keys.push(key);
  }
  const distinct = new Map<string, number>();
  for (const key of count.keys())
    if (key.includes('==')) distinct.set(group(key), (distinct.get(group(key)) ?? 0) + 1);
  twoValued.set(facts, new Set([...distinct].filter(([, n]) => n === 2).map(([g]) => g)));
  return keys;
}

/**
 * Values a function compares with exactly two constants (`dir == TO_SG`, `dir == FROM_SG`): the
 * two are taken as its only values, so one known false makes the other true.
 */
const twoValued = new WeakMap<FunctionFacts, Set<string>>();

/**
 * Correlated branch conditions. Kernel code tests the same condition twice (`if (do_write)` to
 * pick the copy direction, `if (!do_write)` to flush); a path that takes the write side first and
 * the flush-skipping side second does not exist. Each followed condition gets two bits of a
 * rule's state: known true, known false. Assigning to a name the condition reads forgets it.
 */
export class Conditions {
  readonly keys: string[];

  /**
   * `shift` is the first free bit of the rule's state; at most `max` conditions are followed,
   * those whose key `always` matches even when tested once.
   */
  constructor(
    private readonly facts: FunctionFacts,
    private readonly shift: number,
    { max = 4, always, extra = [] }: { max?: number; always?: RegExp; extra?: string[] } = {},
  ) {
    // Built per page by the rules; the scan of every `if` is shared. `extra`: conditions a rule
    // learns from elsewhere (a callee's flag), followed even when tested once.
    const keys = followed(facts, max, always);
    this.keys = [...keys, ...extra.filter((k, i) => !keys.includes(k) && extra.indexOf(k) === i)];
  }

  /** The state on a path where `key` has the truth `holds`, or undefined when it cannot. */
  assume(state: number, key: string, holds: boolean): number | undefined {
    const i = this.keys.indexOf(key);
    if (i < 0) return state;
    const v = this.value(state, key);
    if (v !== undefined) return v === holds ? state : undefined;
    return state | (1 << (this.shift + 2 * i + (holds ? 0 : 1)));
  }

  get bits(): number {
    return this.keys.length * 2;
  }

  /** Whether condition `key` is known to hold (true), known not to (false), or unknown. */
  value(state: number, key: string): boolean | undefined {
    const i = this.keys.indexOf(key);
    if (i < 0) return undefined;
    if (state & (1 << (this.shift + 2 * i))) return true;
    if (state & (1 << (this.shift + 2 * i + 1))) return false;
    // `op == REQ_OP_READ` known true makes `op == REQ_OP_WRITE` false.
    const eq = key.indexOf('==');
    if (eq < 0) return undefined;
    const lhs = key.slice(0, eq + 2);
    const other = this.keys.findIndex(
      (k, j) => j !== i && k.startsWith(lhs) && (state & (1 << (this.shift + 2 * j))) !== 0,
    );
    if (other >= 0) return false;
    if (!twoValued.get(this.facts)?.has(lhs)) return undefined;
    const otherFalse = this.keys.findIndex(
      (k, j) => j !== i && k.startsWith(lhs) && (state & (1 << (this.shift + 2 * j + 1))) !== 0,
    );
    return otherFalse >= 0 ? true : undefined;
  }

  /** The state after taking `edge`, or undefined when the known conditions rule it out. */
  onEdge(state: number, edge: Edge): number | undefined {
    const t = ifTest(edge);
    const i = t ? this.keys.indexOf(t.key) : -1;
    if (i < 0) return state;
    const v = this.value(state, t!.key);
    if (v !== undefined && v !== t!.holds) return undefined;
    const yes = 1 << (this.shift + 2 * i);
    const no = 1 << (this.shift + 2 * i + 1);
    return (state & ~(yes | no)) | (t!.holds ? yes : no);
  }

  /** An assignment to a name forgets every condition that reads it. */
  onAssign(state: number, lhsKey: string): number {
    this.keys.forEach((key, i) => {
      if (
        key === lhsKey ||
        key.includes(`(${lhsKey}`) ||
        key.startsWith(`${lhsKey}.`) ||
        key.startsWith(`${lhsKey}==`)
      ) {
        state &= ~(3 << (this.shift + 2 * i));
      }
    });
    return state;
  }
}

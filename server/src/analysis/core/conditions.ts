/**
 * Correlated branch conditions. Kernel code tests the same condition twice (`if (do_write)` to
 * pick the copy direction, `if (!do_write)` to flush); a path that takes the write side first and
 * the flush-skipping side second does not exist. Each simple condition of a function (a name, a
 * field, `dir == READ`, a predicate call such as `PageSlab(page)`) gets two bits of a rule's
 * state: known true, known false. Assigning to a name the condition reads forgets it.
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import { stripExpr } from '../../parsing/nodeText';
import { normKey } from './events';
import type { FunctionFacts } from './facts';
import { checkDeadline } from '../../parsing/deadline';

interface Literal {
  key: string;
  positive: boolean;
}

/** Calls with no side effects whose value holds between two tests. */
const PREDICATE =
  /^(?:Page[A-Z]\w*|folio_test_\w+|is_\w+|op_is_\w+|bio_data_dir|rq_data_dir|bio_op|req_op)$/;
const CONSTANT = /^(?:[A-Z][A-Z0-9_]*|\d+|true|false|NULL)$/;

function literal(n: Node): Literal | undefined {
  let positive = true;
  for (let guard = 0; guard < 8; guard++) {
    n = stripExpr(n);
    // `likely(x)` and `unlikely(x)` are x.
    if (
      n.type === 'call_expression' &&
      /^(?:un)?likely$/.test(n.childForFieldName('function')?.text ?? '')
    ) {
      const arg = n.childForFieldName('arguments')?.namedChild(0);
      if (arg) {
        n = arg;
        continue;
      }
    }
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '!') {
      positive = !positive;
      n = n.childForFieldName('argument') ?? n;
      continue;
    }
    break;
  }
  if (n.type === 'identifier' || n.type === 'field_expression')
    return { key: normKey(n.text.replace(/\s+/g, '')), positive };
  if (n.type === 'call_expression') {
    const name = n.childForFieldName('function')?.text ?? '';
    return PREDICATE.test(name)
      ? { key: normKey(n.text.replace(/\s+/g, '')), positive }
      : undefined;
  }
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.type;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if ((op === '==' || op === '!=') && left && right && CONSTANT.test(right.text)) {
      const l = literal(left);
      if (!l || !l.positive) return undefined;
      return { key: `${l.key}==${right.text}`, positive: op === '==' ? positive : !positive };
    }
  }
  return undefined;
}

/** `A && B && C` → ['&&', [A, B, C]]; a single literal is an `&&` of one. */
function flatten(n: Node): { op: '&&' | '||'; literals: Literal[] } | undefined {
  n = stripExpr(n);
  const op = n.type === 'binary_expression' ? n.childForFieldName('operator')?.type : undefined;
  if (op === '&&' || op === '||') {
    const parts: Node[] = [];
    const stack = [n];
    while (stack.length > 0) {
      const m = stripExpr(stack.pop()!);
      if (m.type === 'binary_expression' && m.childForFieldName('operator')?.type === op) {
        const l = m.childForFieldName('left');
        const r = m.childForFieldName('right');
        if (r) stack.push(r);
        if (l) stack.push(l);
      } else parts.push(m);
    }
    const literals = parts.map(literal);
    return literals.every((l) => l !== undefined) ? { op, literals: literals } : undefined;
  }
  const l = literal(n);
  return l ? { op: '&&', literals: [l] } : undefined;
}

type Test = { op: '&&' | '||'; literals: Literal[] };

/** A function's followed conditions: the same for every page a rule checks, so built once. */
interface Selection {
  keys: string[];
  tests: Map<number, Test>;
}

const selections = new WeakMap<FunctionFacts, Map<number, Selection>>();

function select(facts: FunctionFacts, max: number): Selection {
  let byMax = selections.get(facts);
  if (!byMax) selections.set(facts, (byMax = new Map<number, Selection>()));
  let selection = byMax.get(max);
  if (!selection) byMax.set(max, (selection = scan(facts, max)));
  return selection;
}

function scan(facts: FunctionFacts, max: number): Selection {
  const keys: string[] = [];
  const tests = new Map<number, Test>();
  const count = new Map<string, number>();
  const found = new Map<number, Test>();
  for (const b of facts.cfg.blocks) {
    checkDeadline();
    for (const e of b.succ) {
      if ((e.kind !== 'true' && e.kind !== 'false') || e.via?.type !== 'if_statement') continue;
      if (found.has(e.via.id)) continue;
      const cond = e.via.childForFieldName('condition');
      const test = cond ? flatten(cond) : undefined;
      if (!test) continue;
      found.set(e.via.id, test);
      for (const l of test.literals) count.set(l.key, (count.get(l.key) ?? 0) + 1);
    }
  }
  // Only conditions tested more than once (or predicates on pages) can correlate anything.
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
  for (const key of ranked) {
    const n = perGroup.get(group(key)) ?? 0;
    if ((n > 1 || key.startsWith('PageSlab(')) && keys.length < max) keys.push(key);
  }
  for (const [id, test] of found)
    if (test.literals.some((l) => keys.includes(l.key))) tests.set(id, test);
  return { keys, tests };
}

export class Conditions {
  readonly keys: string[];
  private readonly tests: Map<number, Test>;

  /** `shift` is the first free bit of the rule's state; at most `max` conditions are followed. */
  constructor(
    facts: FunctionFacts,
    private readonly shift: number,
    max = 4,
  ) {
    // Built per page by the rules: the scan of every `if` is shared (it made each page cost
    // the whole function, and the search for repeated tests made it quadratic).
    const selection = select(facts, max);
    this.keys = [...selection.keys];
    this.tests = selection.tests;
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
    return other >= 0 ? false : undefined;
  }

  private set(state: number, key: string, value: boolean): number {
    const i = this.keys.indexOf(key);
    if (i < 0) return state;
    const t = 1 << (this.shift + 2 * i);
    const f = 1 << (this.shift + 2 * i + 1);
    return (state & ~(t | f)) | (value ? t : f);
  }

  /** The state after taking `edge`, or undefined when the known conditions rule it out. */
  onEdge(state: number, edge: Edge): number | undefined {
    if ((edge.kind !== 'true' && edge.kind !== 'false') || !edge.via) return state;
    const test = this.tests.get(edge.via.id);
    if (!test) return state;
    // `A || B` taken false is `!A && !B`; so is every case below once the sense is folded in.
    const all = (edge.kind === 'true') === (test.op === '&&');
    const want = (l: Literal): boolean => (edge.kind === 'true' ? l.positive : !l.positive);
    if (all) {
      for (const l of test.literals) {
        const v = this.value(state, l.key);
        if (v !== undefined && v !== want(l)) return undefined;
        state = this.set(state, l.key, want(l));
      }
      return state;
    }
    // Some literal must go the wanted way: impossible when all are known the other way; forced
    // when only one is unknown.
    const open = test.literals.filter((l) => this.value(state, l.key) !== !want(l));
    if (open.length === 0) return undefined;
    if (open.length === 1 && this.value(state, open[0]!.key) === undefined)
      return this.set(state, open[0]!.key, want(open[0]!));
    return state;
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

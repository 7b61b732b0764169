/**
 * Conditional flushes: a helper that flushes its page only when a flag parameter says the page
 * was written (`end_page(page, err, dirty)` with `if (dirty) flush_dcache_page(page)`, or the
 * flag packed into a state word, `v = dirty << PG_DIRTY; ... if (v & BIT(PG_DIRTY)) flush`).
 * A call that passes the flag as a constant of the other truthiness flushes nothing
 * (6.1 fs/erofs/zdata.c:149 z_erofs_onlinepage_end, called with `false` after a plain copy).
 */
import type { Node } from '../../parsing/parser';
import { stripExpr } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';

/** The flush happens only when argument `flag` is non-zero (`value` true) or zero (false). */
export interface FlushGuard {
  flag: number;
  value: boolean;
}

const TRUE_CONST = /^(?:true|1)$/;
const FALSE_CONST = /^(?:false|0|NULL)$/;

/** A constant argument's truthiness; undefined when the argument is not a constant. */
export function constantTruth(arg: Node | string | undefined): boolean | undefined {
  if (arg === undefined) return undefined;
  const text = (typeof arg === 'string' ? arg : stripExpr(arg).text).trim();
  if (TRUE_CONST.test(text)) return true;
  if (FALSE_CONST.test(text)) return false;
  return undefined;
}

/**
 * Whether a flush under `guard` can happen at a call with `args` (the call's argument texts or
 * nodes): false only when the flag is passed as a constant of the other truthiness.
 */
export function guardAllows(
  guard: FlushGuard | undefined,
  args: readonly (Node | string)[],
): boolean {
  if (!guard) return true;
  const truth = constantTruth(args[guard.flag]);
  return truth === undefined || truth === guard.value;
}

/**
 * The parameter that the innermost `if` around `node` tests, when the flush sits in one of its
 * branches: the parameter itself (`if (dirty)`, `if (!dirty)`), or a bit a local was given from
 * it (`v = dirty << D; ... if (v & BIT(D))`). `exclude` is the flushed page's own parameter.
 */
export function flushGuard(
  node: Node,
  facts: FunctionFacts,
  exclude: number,
): FlushGuard | undefined {
  const at = innermostIf(node, facts.cfg.node);
  if (!at) return undefined;
  let test = stripExpr(at.cond);
  let negated = false;
  while (test.type === 'unary_expression' && test.childForFieldName('operator')?.text === '!') {
    negated = !negated;
    test = stripExpr(test.childForFieldName('argument') ?? test);
  }
  const flag = testedParam(test, facts, exclude);
  return flag === undefined ? undefined : { flag, value: at.inThen !== negated };
}

/**
 * The innermost `if` around `node` inside `root`: its condition, and whether `node` is in its
 * then-branch. None when `node` is part of that condition.
 */
export function innermostIf(node: Node, root: Node): { cond: Node; inThen: boolean } | undefined {
  let child: Node = node;
  for (let n = node.parent; n && n !== root; child = n, n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const cond = n.childForFieldName('condition');
    if (!cond || child === cond) return undefined;
    return { cond, inThen: n.childForFieldName('consequence')?.id === child.id };
  }
  return undefined;
}

function testedParam(test: Node, facts: FunctionFacts, exclude: number): number | undefined {
  if (test.type === 'identifier') {
    const i = facts.params.indexOf(test.text);
    return i >= 0 && i !== exclude ? i : undefined;
  }
  if (test.type !== 'binary_expression' || test.childForFieldName('operator')?.text !== '&')
    return undefined;
  const word = stripExpr(test.childForFieldName('left') ?? test);
  const mask = test.childForFieldName('right')?.text ?? '';
  if (word.type !== 'identifier') return undefined;
  // The mask's bit names (`BIT(PG_DIRTY)` → PG_DIRTY), and where the word was given them.
  const bits = mask.match(/\b[A-Z][A-Z0-9_]+\b/g)?.filter((b) => b !== 'BIT') ?? [];
  for (const e of facts.all) {
    if (e.kind !== 'assign' || e.lhsKey !== word.text || !e.rhs) continue;
    for (const bit of bits) {
      const m = new RegExp(`\\b(\\w+)\\s*<<\\s*${bit}\\b`).exec(e.rhs.text);
      const i = m ? facts.params.indexOf(m[1]!) : -1;
      if (i >= 0 && i !== exclude) return i;
    }
  }
  return undefined;
}

/** A parameter (`index`, and `path` inside it) that a function flushes, under `when`. */
export interface FlushedPlace {
  index: number;
  path: string;
  when?: FlushGuard;
}

/**
 * The control-flow graph of one C function: basic blocks of evaluated AST nodes ("items"),
 * joined by edges that remember which construct chose them, so a path can be told as steps.
 *
 * Blocks are shared by every rule; rules keep their own state in maps keyed by block id and
 * never write to a block (the ESLint code-path rule, docs/design/cfg.md).
 */
import type { Node } from '../parsing/parser';

export type EdgeKind =
  | 'next'
  | 'true'
  | 'false'
  | 'case'
  | 'default'
  | 'no-case'
  | 'loop'
  | 'loop-exit'
  | 'break'
  | 'continue'
  | 'goto'
  | 'return'
  | 'preproc'
  /** The `#else`/`#elif` side of a `#if`, or past it when there is none; `via` is the `#if`. */
  | 'preproc-else'
  /** Inside `a && b`: `a` held, so `b` is tested next. */
  | 'and'
  /** Inside `a || b`: `a` failed, so `b` is tested next. */
  | 'or';

/**
 * What an edge out of a condition knows: `atom`, one operand of the condition that is neither
 * `&&`, `||` nor `!` (parentheses, casts and likely()/unlikely() peeled), had `value`.
 * `if (!(a || b))` gives four such edges: a true, a false, b true, b false.
 */
export interface EdgeTest {
  atom: Node;
  value: boolean;
}

export interface Edge {
  from: Block;
  to: Block;
  kind: EdgeKind;
  /** The construct that chose this edge (the if, the case label, the goto...), if any. */
  via?: Node;
  /** Set on every edge out of the condition of an `if` or a loop. */
  test?: EdgeTest;
}

export interface Block {
  readonly id: number;
  /** Expressions, declarations and statements evaluated here, in order. */
  readonly items: Node[];
  readonly succ: Edge[];
  readonly pred: Edge[];
}

export interface FunctionCfg {
  name: string;
  node: Node;
  entry: Block;
  /** Reached by every return and by falling off the end of the body. */
  exit: Block;
  blocks: Block[];
  /** Why the function could not be analysed (too deep, too large); the graph is then empty. */
  skipped?: string;
}

export function connect(from: Block, to: Block, kind: EdgeKind, via?: Node, test?: EdgeTest): void {
  const edge: Edge = via ? { from, to, kind, via } : { from, to, kind };
  if (test) edge.test = test;
  from.succ.push(edge);
  to.pred.push(edge);
}

/** Blocks reachable from the entry, in breadth-first order. */
export function reachable(cfg: FunctionCfg): Block[] {
  const seen = new Set<number>([cfg.entry.id]);
  const order = [cfg.entry];
  for (let i = 0; i < order.length; i++) {
    for (const e of order[i]!.succ) {
      if (!seen.has(e.to.id)) {
        seen.add(e.to.id);
        order.push(e.to);
      }
    }
  }
  return order;
}

/**
 * The graph as text, the oracle of the CFG fixtures: one `from =kind=> to` line per edge of the
 * reachable blocks (`from => to` for a plain `next`), in breadth-first order from the entry.
 * A block is named by the text of its first item (`x();`, `a == 2`), `entry` or `exit`; a block
 * with no items is `_1`, `_2`... in that order, and a second block of the same name gets `#2`.
 * A `!` after the kind says the atom tested had the other value: `p =true!=> x();` for `if (!p)`.
 */
export function edgeLines(cfg: FunctionCfg): string[] {
  const order = reachable(cfg);
  const names = new Map<number, string>();
  const used = new Map<string, number>();
  let empty = 0;
  for (const b of order) {
    let name =
      b === cfg.entry
        ? 'entry'
        : b === cfg.exit
          ? 'exit'
          : b.items[0]
            ? b.items[0].text.replace(/\s+/g, ' ')
            : `_${++empty}`;
    const seen = (used.get(name) ?? 0) + 1;
    used.set(name, seen);
    if (seen > 1) name += `#${seen}`;
    names.set(b.id, name);
  }
  return order.flatMap((b) =>
    b.succ.map((e) => {
      const negated = e.test && e.test.value !== AFFIRMS.has(e.kind) ? '!' : '';
      const kind = e.kind === 'next' ? '' : `=${e.kind}${negated}`;
      return `${names.get(b.id)} ${kind}=> ${names.get(e.to.id)}`;
    }),
  );
}

/** Kinds taken when the tested atom holds, unless the condition negated it (`if (!p)`). */
const AFFIRMS = new Set<EdgeKind>(['true', 'loop', 'and']);

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
  | 'preproc-else';

export interface Edge {
  from: Block;
  to: Block;
  kind: EdgeKind;
  /** The construct that chose this edge (the if, the case label, the goto...), if any. */
  via?: Node;
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

export function connect(from: Block, to: Block, kind: EdgeKind, via?: Node): void {
  const edge: Edge = via ? { from, to, kind, via } : { from, to, kind };
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
 * A one-line text form of the graph, the oracle of the CFG fixtures: reachable blocks only,
 * named `entry`, `exit` and `bN` in breadth-first order from the entry.
 * Example: `entry->b1[true] entry->b2[false] b1->exit[return] b2->exit`.
 */
export function toArrows(cfg: FunctionCfg): string {
  const order = reachable(cfg);
  const number = new Map(
    order.filter((b) => b !== cfg.entry && b !== cfg.exit).map((b, i) => [b.id, i + 1]),
  );
  const name = (b: Block): string =>
    b === cfg.entry ? 'entry' : b === cfg.exit ? 'exit' : `b${number.get(b.id)}`;
  const arrows: string[] = [];
  for (const b of order) {
    for (const e of b.succ) {
      arrows.push(`${name(b)}->${name(e.to)}${e.kind === 'next' ? '' : `[${e.kind}]`}`);
    }
  }
  return arrows.join(' ');
}

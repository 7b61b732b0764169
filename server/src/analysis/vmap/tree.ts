/**
 * Tree questions the vmap rules ask without `node.parent`: in web-tree-sitter each `.parent`
 * re-walks from the root (O(depth)), so a walk up from every call of a deeply nested function was
 * cubic (a fuzzed `#ifdef` of 2,000 nested braces took 30 s per rule). These answer top-down, in
 * one pass or one descent, with the same results as the upward walks they replace.
 */
import type { Node } from '../../parsing/parser';
import { calleeName, stripExpr } from '../../parsing/nodeText';

/**
 * The ancestors of `n` from `root` down to n's parent, outermost first; one descent, O(depth).
 * Undefined when `n` is not inside `root`.
 */
export function ancestorsWithin(root: Node, n: Node): Node[] | undefined {
  const out: Node[] = [];
  let a: Node | null = root;
  while (a && a.id !== n.id) {
    out.push(a);
    a = a.childWithDescendant(n);
  }
  return a ? out : undefined;
}

/** `n.parent`, `n.parent.parent`, ... innermost first, as far up as `root` (included). */
export function* upFrom(root: Node, n: Node): Generator<Node> {
  const chain = ancestorsWithin(root, n);
  if (chain) {
    for (let i = chain.length - 1; i >= 0; i--) yield chain[i]!;
    return;
  }
  for (let p = n.parent; p; p = p.parent) yield p;
}

const RANGE_CALL = /\b(?:flush|invalidate)_kernel_vmap_range\b/g;

/**
 * Calls in the arguments of flush/invalidate_kernel_vmap_range() (`xfs_buf_vmap_len(bp)`), not
 * behind a statement (a `({ ... })` block): the nodes such an upward walk from them would reach
 * the range call from before any statement. Found once per function from the few range calls
 * its text names, so asking about every call costs a set lookup.
 */
export function rangeCallInterior(fn: Node, source: string): (n: Node) => boolean {
  const ids = new Set<number>();
  const text = source.slice(fn.startIndex, fn.endIndex);
  for (const m of text.matchAll(RANGE_CALL)) {
    const at = fn.startIndex + m.index;
    const id = fn.descendantForIndex(at, at + m[0].length);
    const call = id?.type === 'identifier' ? id.parent : null;
    if (call?.type !== 'call_expression' || calleeName(call) !== m[0]) continue;
    const stack = [...call.namedChildren];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (c.type.endsWith('statement') || ids.has(c.id)) continue;
      ids.add(c.id);
      for (const k of c.namedChildren) stack.push(k);
    }
  }
  return ids.size === 0 ? () => false : (n) => ids.has(n.id);
}

/** An assignment or update of a plain name, with the innermost loop around it inside the function. */
export interface Change {
  node: Node;
  /** The changed expression's text, parentheses and casts stripped. */
  target: string;
  op: string;
  loop: Node | undefined;
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/**
 * Every assignment and `++`/`--` in `fn`, each with its innermost loop, in one cursor walk.
 * The order is the one a stack walk pushing `namedChildren` visits (last child first), so the
 * first match a caller picks is the one it picked before.
 */
export function changesIn(fn: Node): Change[] {
  const out: Change[] = [];
  const loops: { depth: number; node: Node }[] = [];
  const c = fn.walk();
  try {
    let depth = 0;
    for (;;) {
      const type = c.nodeType;
      while (loops.length > 0 && loops[loops.length - 1]!.depth >= depth) loops.pop();
      if (type === 'assignment_expression' || type === 'update_expression') {
        const n = c.currentNode;
        const target = n.childForFieldName(type === 'assignment_expression' ? 'left' : 'argument');
        if (target) {
          const op =
            type === 'assignment_expression'
              ? (n.childForFieldName('operator')?.text ?? '')
              : n.text.includes('--')
                ? '--'
                : '++';
          out.push({ node: n, target: stripExpr(target).text, op, loop: loops.at(-1)?.node });
        }
      } else if (LOOPS.has(type)) loops.push({ depth, node: c.currentNode });
      if (c.gotoLastChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (depth === 0) return out;
        if (c.gotoPreviousSibling()) break;
        c.gotoParent();
        depth--;
      }
    }
  } finally {
    c.delete();
  }
}

/**
 * Turns the items of a basic block into events, in evaluation order (arguments before the call,
 * the right-hand side before the store): calls, assignments, stores through pointers, returns.
 * Rules read events; they never look at raw statements.
 */
import type { Node } from '../../parsing/parser';
import {
  callArguments,
  calleeName,
  declaredName,
  exprKey,
  stripExpr,
} from '../../parsing/nodeText';

export type Event =
  | { kind: 'call'; node: Node; name: string; args: Node[] }
  | { kind: 'assign'; node: Node; lhsKey: string; rhs: Node | null }
  | { kind: 'store'; node: Node; baseKey: string }
  | { kind: 'return'; node: Node; value: Node | null };

/** Normalises an expression key: `a->b` and `a.b` name the same place for our purposes. */
export function normKey(key: string): string {
  return key.replace(/->/g, '.').replace(/^&/, '').replace(/^\*/, '');
}

/**
 * The pointer an address expression is based on: `(u8 *)addr + off` gives `addr`,
 * `&buf[i]` gives `buf`, `kmap(page) + 4` gives the kmap call.
 */
export function pointerBase(n: Node): Node {
  for (let guard = 0; guard < 50; guard++) {
    n = stripExpr(n);
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.type;
      if (op === '+' || op === '-') {
        const left = n.childForFieldName('left');
        if (left) {
          n = left;
          continue;
        }
      }
    }
    // `*p++ = v` writes through p.
    if (n.type === 'update_expression') {
      const arg = n.childForFieldName('argument');
      if (arg) {
        n = arg;
        continue;
      }
    }
    if (n.type === 'pointer_expression' && n.childForFieldName('operator')?.type === '&') {
      const arg = n.childForFieldName('argument');
      if (arg && arg.type === 'subscript_expression') {
        n = arg.childForFieldName('argument') ?? arg;
        continue;
      }
    }
    return n;
  }
  return n;
}

/** For a store target, the key of the pointer it writes through, or '' for a plain variable. */
export function storeBaseKey(lhs: Node): string {
  for (let guard = 0; guard < 50; guard++) {
    lhs = stripExpr(lhs);
    switch (lhs.type) {
      case 'field_expression': {
        const arg = lhs.childForFieldName('argument');
        if (!arg) return '';
        if (lhs.childForFieldName('operator')?.type === '->')
          return normKey(exprKey(pointerBase(arg)));
        lhs = arg;
        continue;
      }
      case 'subscript_expression':
      case 'pointer_expression': {
        const arg = lhs.childForFieldName('argument');
        if (!arg) return '';
        return normKey(exprKey(pointerBase(arg)));
      }
      case 'call_expression': {
        // `BLOCK_STATUS(desc) = v`: only a macro can stand on the left of `=`, and an accessor
        // macro names a field of what its first argument points to.
        const arg = /^[A-Z][A-Z0-9_]*$/.test(calleeName(lhs)) ? callArguments(lhs)[0] : undefined;
        return arg ? normKey(exprKey(pointerBase(arg))) : '';
      }
      default:
        return '';
    }
  }
  return '';
}

const ASSIGNMENT_TYPES = new Set(['assignment_expression', 'init_declarator', 'update_expression']);

/** Events of one item (expression, declaration, condition), in evaluation order. */
export function eventsOf(item: Node, out: Event[] = []): Event[] {
  // Iterative post-order walk: children first, then the node itself.
  const stack: { node: Node; visited: boolean }[] = [{ node: item, visited: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const n = top.node;
    if (top.visited) {
      emit(n, out);
      continue;
    }
    if (n.type === 'function_definition' || n.type === 'comment') continue;
    stack.push({ node: n, visited: true });
    const children = n.namedChildren;
    // Right-hand sides are evaluated before the store into the left.
    const ordered = ASSIGNMENT_TYPES.has(n.type) ? [...children].reverse() : children;
    for (let i = ordered.length - 1; i >= 0; i--) {
      const c = ordered[i];
      if (c) stack.push({ node: c, visited: false });
    }
  }
  return out;
}

function emit(n: Node, out: Event[]): void {
  switch (n.type) {
    case 'call_expression': {
      const name = calleeName(n);
      out.push({ kind: 'call', node: n, name, args: callArguments(n) });
      return;
    }
    case 'assignment_expression': {
      const lhs = n.childForFieldName('left');
      const rhs = n.childForFieldName('right');
      if (!lhs) return;
      const base = storeBaseKey(lhs);
      if (base) out.push({ kind: 'store', node: n, baseKey: base });
      out.push({ kind: 'assign', node: n, lhsKey: normKey(exprKey(lhs)), rhs });
      return;
    }
    case 'init_declarator': {
      const name = declaredName(n.childForFieldName('declarator'));
      const value = n.childForFieldName('value');
      if (name && value) out.push({ kind: 'assign', node: n, lhsKey: name, rhs: value });
      return;
    }
    case 'update_expression': {
      const arg = n.childForFieldName('argument');
      const base = arg ? storeBaseKey(arg) : '';
      if (base) out.push({ kind: 'store', node: n, baseKey: base });
      // `bv++` moves the variable on: what it named before is no longer what it names.
      if (arg && !base)
        out.push({ kind: 'assign', node: n, lhsKey: normKey(exprKey(arg)), rhs: null });
      return;
    }
    case 'return_statement':
      out.push({ kind: 'return', node: n, value: n.namedChild(0) });
      return;
    default:
      return;
  }
}

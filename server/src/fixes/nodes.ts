/** Small tree helpers shared by the fix builders. */
import type { Node } from '../parsing/parser';

/** The innermost node of `type` containing the range, walking up from the smallest node there. */
export function enclosing(
  root: Node,
  start: number,
  end: number,
  types: readonly string[],
): Node | undefined {
  let n: Node | null = root.descendantForIndex(start, Math.max(start, end));
  while (n && !types.includes(n.type)) n = n.parent;
  return n ?? undefined;
}

/** Every call_expression to one of `names` inside `node`. */
export function callsTo(node: Node, names: readonly string[]): Node[] {
  return node.descendantsOfType('call_expression').filter((c) => {
    const f = c.childForFieldName('function');
    return f?.type === 'identifier' && names.includes(f.text);
  });
}

export function calleeOf(call: Node): string {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f.text : '';
}

export function argsOf(call: Node): Node[] {
  return (
    call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? []
  );
}

/** Removes parentheses and casts: `(char *)(kaddr)` gives `kaddr`. */
export function strip(n: Node): Node {
  for (let guard = 0; guard < 20; guard++) {
    const inner =
      n.type === 'cast_expression'
        ? n.childForFieldName('value')
        : n.type === 'parenthesized_expression'
          ? n.namedChild(0)
          : null;
    if (!inner) return n;
    n = inner;
  }
  return n;
}

/** Source text of a node (the tree was parsed from pre-passed text; offsets are the same). */
export function text(source: string, n: Node): string {
  return source.slice(n.startIndex, n.endIndex);
}

/** The function_definition around an offset. */
export function functionAt(root: Node, offset: number): Node | undefined {
  return enclosing(root, offset, offset, ['function_definition']);
}

/** Identifiers named `name` in `node`. */
export function identifiers(node: Node, name: string): Node[] {
  return node.descendantsOfType('identifier').filter((i) => i.text === name);
}

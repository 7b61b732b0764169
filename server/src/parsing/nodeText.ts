/** Small, pure helpers over tree-sitter nodes. */
import type { Node } from './parser';

/** The declared name of a function_definition (`<anonymous>` when the declarator is mangled). */
export function functionName(fn: Node): string {
  let d: Node | null = fn.childForFieldName('declarator');
  for (let guard = 0; d && guard < 20; guard++) {
    if (d.type === 'identifier') return d.text;
    if (
      d.type === 'function_declarator' ||
      d.type === 'pointer_declarator' ||
      d.type === 'parenthesized_declarator' ||
      d.type === 'attributed_declarator'
    ) {
      d = d.childForFieldName('declarator') ?? d.namedChild(0);
      continue;
    }
    break;
  }
  return '<anonymous>';
}

/** Names of a function's parameters, in order (`...` and unnamed ones give ''). */
export function parameterNames(fn: Node): string[] {
  let d: Node | null = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const list = d?.childForFieldName('parameters');
  if (!list) return [];
  return list.namedChildren
    .filter((p) => p.type === 'parameter_declaration' || p.type === 'variadic_parameter')
    .map((p) => declaredName(p.childForFieldName('declarator')));
}

/**
 * How many levels of pointer or array a declarator adds (`*p` 1, `**pp` 2, `*p[4]` 2), so
 * `struct page *page` (one page) is told from `struct page **pages` (an array of them).
 */
export function indirection(d: Node | null): number {
  let n = 0;
  for (let guard = 0; d && guard < 20; guard++) {
    if (d.type === 'identifier' || d.type === 'field_identifier') return n;
    if (d.type === 'pointer_declarator' || d.type === 'array_declarator') n++;
    d =
      d.childForFieldName('declarator') ??
      d.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ??
      null;
  }
  return n;
}

/** Indirection of each parameter, in the order of parameterNames(). */
export function parameterIndirections(fn: Node): number[] {
  let d: Node | null = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const list = d?.childForFieldName('parameters');
  if (!list) return [];
  return list.namedChildren
    .filter((p) => p.type === 'parameter_declaration' || p.type === 'variadic_parameter')
    .map((p) => indirection(p.childForFieldName('declarator')));
}

/** The identifier a declarator declares (`*const p[4]` gives `p`). */
export function declaredName(d: Node | null): string {
  for (let guard = 0; d && guard < 20; guard++) {
    if (d.type === 'identifier' || d.type === 'field_identifier') return d.text;
    d =
      d.childForFieldName('declarator') ??
      d.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ??
      null;
  }
  return '';
}

/** The callee's name of a call_expression, when it is a plain identifier. */
export function calleeName(call: Node): string {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f.text : '';
}

export function callArguments(call: Node): Node[] {
  return (
    call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? []
  );
}

/** Removes parentheses and casts around an expression: `((void *)(p))` gives `p`. */
export function stripExpr(n: Node): Node {
  for (let guard = 0; guard < 50; guard++) {
    if (n.type === 'parenthesized_expression' || n.type === 'cast_expression') {
      const inner = n.type === 'cast_expression' ? n.childForFieldName('value') : n.namedChild(0);
      if (!inner) return n;
      n = inner;
      continue;
    }
    return n;
  }
  return n;
}

/**
 * Expressions longer than this are keyed by position: no page or pointer is named by 2,000
 * characters, and keying every node of a 10,000-deep `a = b = ...` chain by its text is quadratic.
 */
export const MAX_KEY_CHARS = 2000;

/** String and character literals (kept), comments and whitespace (dropped), in one linear pass. */
const KEY_NOISE =
  /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|\s+/g;

/**
 * Expression text as compared: without whitespace and without comments, so that
 * `pages[/* . *\/0]` is `pages[0]` (a comment's dot once made it look like a field access).
 */
export function keyText(text: string): string {
  return text.replace(KEY_NOISE, (_m, literal: string | undefined) => literal ?? '');
}

/** Normalised text of a node (see keyText), the key under which expressions are compared. */
export function exprKey(n: Node): string {
  const e = stripExpr(n);
  if (e.endIndex - e.startIndex > MAX_KEY_CHARS) return `<expression at ${e.startIndex}>`;
  return keyText(e.text);
}

/** 0-based line of a node's start. */
export function lineOf(n: Node): number {
  return n.startPosition.row;
}

/** Every function_definition in a tree, in source order, without recursion. */
export function functionDefinitions(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') {
      out.push(n);
      continue;
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

/** Source text of a node (the tree was parsed from pre-passed text; offsets are the same). */
export function sourceText(source: string, n: Node): string {
  return source.slice(n.startIndex, n.endIndex);
}

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
  return node.descendantsOfType('call_expression').filter((c) => names.includes(calleeName(c)));
}

/** The function_definition around an offset. */
export function functionAt(root: Node, offset: number): Node | undefined {
  return enclosing(root, offset, offset, ['function_definition']);
}

/** Identifiers named `name` in `node`. */
export function identifiers(node: Node, name: string): Node[] {
  return node.descendantsOfType('identifier').filter((i) => i.text === name);
}

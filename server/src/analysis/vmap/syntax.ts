/**
 * What a function's syntax tree says that alias discovery asks about, read in one cursor walk:
 * the field accesses (`bp->b_addr`, `io->vma_invalidate_size`), the `if (buf->vaddr)` tests, the
 * names and expressions the function mentions, and whether it declares a `struct urb *`.
 * Comments and strings are not code, so nothing here matches inside them.
 */
import type { Node } from '../../parsing/parser';

export interface FieldUse {
  /** The word right before the operator: `bp` in `bp->b_addr`, `io` in `req->io->vaddr`. */
  object: string | undefined;
  op: '->' | '.';
  field: string;
  node: Node;
  /** The callee of a call (`ops->field(...)`): an operation, not data. */
  callee: boolean;
}

export interface FunctionSyntax {
  /** Field accesses in source order. */
  fields: FieldUse[];
  /** `if (o->f)` tests of a field through a plain pointer name: [o, f]. */
  fieldTests: [string, string][];
  /** Identifiers and field names the function uses. */
  names: Set<string>;
  /** Whether a `struct urb *` is declared (a parameter or a local). */
  urbPointer: boolean;
  /** Whether `expr` (whitespace folded) is an expression of the function. */
  mentions(expr: string): boolean;
}

export function functionSyntax(fn: Node, source: string): FunctionSyntax {
  const text = (n: Node): string => source.slice(n.startIndex, n.endIndex);
  const fields: FieldUse[] = [];
  const fieldTests: [string, string][] = [];
  const names = new Set<string>();
  /** Ranges of the expressions, read as text only when asked (`mentions`). */
  const exprs: number[] = [];
  /** Calls' callees, known before the callee is visited (pre-order). */
  const callees = new Set<number>();
  let urbPointer = false;
  // A cursor, not `.parent`: web-tree-sitter answers `.parent` by descending from the root.
  const c = fn.walk();
  try {
    for (;;) {
      const type = c.nodeType;
      if (type === 'identifier' || type === 'field_identifier') names.add(c.nodeText);
      if (type === 'call_expression') {
        const callee = c.currentNode.childForFieldName('function');
        if (callee?.type === 'field_expression') callees.add(callee.id);
      } else if (type === 'field_expression') {
        const use = fieldUse(c.currentNode, text, callees);
        if (use) fields.push(use);
      } else if (type === 'if_statement') {
        const t = fieldTest(c.currentNode, text);
        if (t) fieldTests.push(t);
      } else if (type === 'struct_specifier' && !urbPointer) {
        urbPointer = isUrbPointer(c.currentNode, text);
      }
      if (type === 'identifier' || type.endsWith('_expression'))
        exprs.push(c.startIndex, c.endIndex);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) {
        if (!c.gotoParent()) return syntax();
      }
    }
  } finally {
    c.delete();
  }

  function syntax(): FunctionSyntax {
    let texts: Set<string> | undefined;
    return {
      fields,
      fieldTests,
      names,
      urbPointer,
      mentions(expr) {
        if (!texts) {
          texts = new Set();
          for (let i = 0; i < exprs.length; i += 2)
            texts.add(source.slice(exprs[i], exprs[i + 1]).replace(/\s+/g, ' '));
        }
        return texts.has(expr);
      },
    };
  }
}

function fieldUse(n: Node, text: (n: Node) => string, callees: Set<number>): FieldUse | undefined {
  const arg = n.childForFieldName('argument');
  const field = n.childForFieldName('field');
  const op = n.childForFieldName('operator')?.type;
  if (!arg || !field || (op !== '->' && op !== '.')) return undefined;
  const object =
    arg.type === 'identifier'
      ? text(arg)
      : arg.type === 'field_expression'
        ? (arg.childForFieldName('field')?.text ?? undefined)
        : undefined;
  const callee = callees.has(n.id);
  return { object, op, field: text(field), node: n, callee };
}

/** `if (o->f)`: the whole condition is one field of a plain name. */
function fieldTest(n: Node, text: (n: Node) => string): [string, string] | undefined {
  const cond = n.childForFieldName('condition');
  const inner = cond?.type === 'parenthesized_expression' ? cond.namedChildren : [];
  const f = inner.length === 1 ? inner[0] : undefined;
  if (f?.type !== 'field_expression' || f.childForFieldName('operator')?.type !== '->')
    return undefined;
  const o = f.childForFieldName('argument');
  const field = f.childForFieldName('field');
  return o?.type === 'identifier' && field ? [text(o), text(field)] : undefined;
}

/** `struct urb *urb` as a parameter or a declaration. */
function isUrbPointer(spec: Node, text: (n: Node) => string): boolean {
  const name = spec.childForFieldName('name');
  if (!name || text(name) !== 'urb') return false;
  const decl = spec.parent;
  if (decl?.type !== 'parameter_declaration' && decl?.type !== 'declaration') return false;
  return decl.childrenForFieldName('declarator').some((d) => {
    const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
    return inner?.type === 'pointer_declarator' || inner?.type === 'abstract_pointer_declarator';
  });
}

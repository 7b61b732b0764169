/**
 * Struct types of the names a function declares (`struct ceph_pagelist *pl` gives
 * `pl → ceph_pagelist`), so a field store or read can be keyed `ceph_pagelist.page` rather than
 * by a field name that thousands of structures share.
 */
import type { Node } from '../parsing/parser';
import { declaredName, stripExpr } from '../parsing/nodeText';

/** The struct (or typedef) name a declaration's type names; '' for scalars and unions of words. */
function typeName(decl: Node): string {
  const t = decl.childForFieldName('type');
  if (!t) return '';
  if (t.type === 'struct_specifier' || t.type === 'union_specifier')
    return t.childForFieldName('name')?.text ?? '';
  return t.type === 'type_identifier' ? t.text : '';
}

/** Declarators of a declaration (`*a, b[4], c = x` gives three). */
function declarators(decl: Node): Node[] {
  return decl.childrenForFieldName('declarator');
}

/** Name → struct type for a function's parameters and locals (nested functions excluded). */
export function declaredTypes(fn: Node): Map<string, string> {
  const types = new Map<string, string>();
  // One native query: walking a large function node by node through WASM is the slow part.
  for (const n of fn.descendantsOfType(['parameter_declaration', 'declaration'])) {
    const type = typeName(n);
    if (!type) continue;
    for (const d of declarators(n)) {
      const name = declaredName(d);
      if (name) types.set(name, type);
    }
  }
  return types;
}

/**
 * The `struct.field` key of a field expression (`pl->page`, `ctx->pages[i]`, `s.pg`), when the
 * base is a declared name of a known struct type; undefined otherwise.
 */
export function fieldKey(n: Node, types: Map<string, string>): string | undefined {
  let e = stripExpr(n);
  if (e.type === 'subscript_expression') e = stripExpr(e.childForFieldName('argument') ?? e);
  if (e.type !== 'field_expression') return undefined;
  const field = e.childForFieldName('field')?.text;
  const base = stripExpr(e.childForFieldName('argument') ?? e);
  if (!field || base.type !== 'identifier') return undefined;
  const type = types.get(base.text);
  return type ? `${type}.${field}` : undefined;
}

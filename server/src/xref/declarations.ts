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
 * The `struct.field` key of a field expression (`pl->page`, `ctx->pages[i]`, `s.pg`,
 * `lru[0].page_ptr`), when the
 * base is a declared name of a known struct type; undefined otherwise. A base that is itself a
 * field (`st->pl->head`) gives a path (`state.pl.head`) that the tree index resolves with the
 * struct definitions of the whole tree (server/src/xref/treeIndex.ts).
 */
export function fieldKey(n: Node, types: Map<string, string>): string | undefined {
  let e = stripExpr(n);
  if (e.type === 'pointer_expression' && e.text.startsWith('&'))
    e = stripExpr(e.childForFieldName('argument') ?? e);
  if (e.type === 'subscript_expression') e = stripExpr(e.childForFieldName('argument') ?? e);
  if (e.type !== 'field_expression') return undefined;
  const fields: string[] = [];
  for (let depth = 0; e.type === 'field_expression' && depth < 3; depth++) {
    const field = e.childForFieldName('field')?.text;
    if (!field) return undefined;
    fields.unshift(field);
    e = stripExpr(e.childForFieldName('argument') ?? e);
    // `page[0].page_ptr`: an element of an array of the struct is keyed as the struct.
    if (e.type === 'subscript_expression') e = stripExpr(e.childForFieldName('argument') ?? e);
  }
  if (e.type !== 'identifier') return undefined;
  const type = types.get(e.text);
  return type ? `${type}.${fields.join('.')}` : undefined;
}

const LEAF_STRUCT =
  /^(?:list_head|hlist_\w+|mutex|rw_semaphore|work_struct|delayed_work|kref|rcu_head|completion|timer_list|wait_queue_head|spinlock|refcount_struct|callback_head|rb_node|rb_root\w*|llist_\w+|lock_class_key|xarray|idr|ida)$/;

/**
 * Pointer-to-struct members of the struct definitions in `root` (`struct st { struct pl *pl; }`
 * gives `st.pl → pl`), so that paths through fields resolve to the struct that holds the last one.
 */
export function structMembers(root: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of root.descendantsOfType('struct_specifier')) {
    const name = s.childForFieldName('name')?.text;
    const body = s.childForFieldName('body');
    if (!name || !body) continue;
    for (const f of body.namedChildren) {
      if (f.type !== 'field_declaration') continue;
      if (f.childForFieldName('type')?.type !== 'struct_specifier') continue;
      const type = typeName(f);
      // Members that only ever end a path (locks, list heads) never need resolving.
      if (!type || LEAF_STRUCT.test(type)) continue;
      for (const d of f.childrenForFieldName('declarator')) {
        const member = declaredName(d);
        if (member) out[`${name}.${member}`] = type;
      }
    }
  }
  return out;
}

const PAGE_STRUCT = /^(?:page|folio)$/;

/**
 * The key under which the tree index records what a function returns (`blob_page_array()`),
 * for functions returning a page, a folio or an array of them (`struct page **`); undefined for
 * any other function. Read by server/src/xref/origin.ts for a caller's `pages = helper(...)`.
 */
export function returnKey(fn: Node, name: string): string | undefined {
  const t = fn.childForFieldName('type');
  if (t?.type !== 'struct_specifier' || !PAGE_STRUCT.test(t.childForFieldName('name')?.text ?? ''))
    return undefined;
  return fn.childForFieldName('declarator')?.type === 'pointer_declarator'
    ? `${name}()`
    : undefined;
}

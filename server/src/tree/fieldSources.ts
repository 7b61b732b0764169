/**
 * The first piece of the cross-file index: where struct fields holding a page, a folio or an
 * array of them get their value. For each assignment `x->f = call(…)` / `x->f[i] = call(…)`, and
 * each call that fills an array it is handed (`pin_user_pages(…, x->pages)`), the source is
 * classed as private (a fresh allocation nobody else maps: alloc_page, folio_alloc,
 * vmalloc_to_page) or visible (the page cache, GUP/pinned user memory, a user VMA's page), and
 * anything else as unknown. A field is private only when every source in the tree is private.
 *
 * The struct is known when the base is a parameter or local declared `struct foo *x` in the same
 * function; otherwise the source is recorded for the field name alone and counts for every
 * struct with that field (never private on a guess).
 */
import type { Node } from '../parsing/parser';
import {
  calleeName,
  callArguments,
  declaredName,
  functionDefinitions,
  stripExpr,
} from '../parsing/nodeText';

export type Provenance = 'private' | 'visible' | 'unknown';

export interface FieldSource {
  /** `struct foo` as `foo`; undefined when the base's type is not declared in the function. */
  struct?: string;
  field: string;
  /** Assigned through an index (`x->pages[i] = …`) or filled as an array. */
  array: boolean;
  callee: string;
  kind: Provenance;
  /** 1-based. */
  line: number;
}

/** Return a page or folio that only the allocating code knows about. */
const PRIVATE_RESULT = new Set([
  'alloc_page',
  'alloc_pages',
  'alloc_pages_node',
  '__alloc_pages',
  '__alloc_pages_node',
  'folio_alloc',
  '__folio_alloc',
  '__folio_alloc_node',
  'vmalloc_to_page',
  'dma_alloc_pages',
]);

/** Return a page or folio that user space can map or already maps. */
const VISIBLE_RESULT = new Set([
  'find_get_page',
  'find_lock_page',
  'find_or_create_page',
  'grab_cache_page',
  'grab_cache_page_write_begin',
  'pagecache_get_page',
  'read_mapping_page',
  'read_cache_page',
  'read_cache_page_gfp',
  'filemap_get_folio',
  '__filemap_get_folio',
  'filemap_grab_folio',
  'filemap_lock_folio',
  'read_mapping_folio',
  'read_cache_folio',
  'vm_normal_page',
  'follow_page',
  'alloc_page_vma',
  'vma_alloc_folio',
]);

/** Fill an array argument with pages: user memory (GUP, pinning, iov_iter) or fresh pages. */
const FILLS_ARRAY: Record<string, Provenance> = {
  get_user_pages: 'visible',
  get_user_pages_fast: 'visible',
  get_user_pages_unlocked: 'visible',
  get_user_pages_remote: 'visible',
  pin_user_pages: 'visible',
  pin_user_pages_fast: 'visible',
  pin_user_pages_unlocked: 'visible',
  pin_user_pages_remote: 'visible',
  iov_iter_get_pages2: 'visible',
  iov_iter_get_pages_alloc2: 'visible',
  iov_iter_extract_pages: 'visible',
  alloc_pages_bulk_array: 'private',
};

/** Cheap test before parsing: does the text name any source this index records? */
export function mayHaveFieldSources(text: string): boolean {
  return SOURCE_WORD.test(text);
}

const SOURCE_WORD = new RegExp(
  `\\b(${[...PRIVATE_RESULT, ...VISIBLE_RESULT, ...Object.keys(FILLS_ARRAY)].join('|')})\\s*\\(`,
);

export function fieldSources(root: Node): FieldSource[] {
  const out: FieldSource[] = [];
  for (const fn of functionDefinitions(root)) {
    const types = structTypes(fn);
    const stack: Node[] = [fn];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === 'assignment_expression') assignment(n, types, out);
      else if (n.type === 'call_expression') filler(n, types, out);
      for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
    }
  }
  return out;
}

function assignment(n: Node, types: Map<string, string>, out: FieldSource[]): void {
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (!left || !right) return;
  const target = fieldOf(left, types);
  if (!target) return;
  const value = stripExpr(right);
  // Clearing a field says nothing about where its pages come from.
  if (value.type === 'null' || value.type === 'number_literal' || value.text === 'NULL') return;
  const callee = value.type === 'call_expression' ? calleeName(value) : '';
  const kind: Provenance = PRIVATE_RESULT.has(callee)
    ? 'private'
    : VISIBLE_RESULT.has(callee)
      ? 'visible'
      : 'unknown';
  // Only fields that some page source reaches are worth keeping: others are not page fields.
  if (kind === 'unknown' && !target.known) return;
  out.push({ ...target.source, callee: callee || value.type, kind, line: n.startPosition.row + 1 });
}

function filler(n: Node, types: Map<string, string>, out: FieldSource[]): void {
  const kind = FILLS_ARRAY[calleeName(n)];
  if (!kind) return;
  for (const arg of callArguments(n)) {
    let a = stripExpr(arg);
    if (a.type === 'pointer_expression') a = stripExpr(a.childForFieldName('argument') ?? a);
    const target = fieldOf(a, types);
    if (target)
      out.push({
        ...target.source,
        array: true,
        callee: calleeName(n),
        kind,
        line: n.startPosition.row + 1,
      });
  }
}

/** `x->f`, `x.f`, `x->f[i]`: the field, and the struct when `x` is declared in the function. */
function fieldOf(
  left: Node,
  types: Map<string, string>,
): { source: Omit<FieldSource, 'callee' | 'kind' | 'line'>; known: boolean } | undefined {
  let e = stripExpr(left);
  let array = false;
  if (e.type === 'subscript_expression') {
    array = true;
    e = stripExpr(e.childForFieldName('argument') ?? e);
  }
  if (e.type !== 'field_expression') return undefined;
  const field = e.childForFieldName('field')?.text;
  const base = stripExpr(e.childForFieldName('argument') ?? e);
  if (!field) return undefined;
  const struct = base.type === 'identifier' ? types.get(base.text) : undefined;
  const source: Omit<FieldSource, 'callee' | 'kind' | 'line'> = { field, array };
  if (struct !== undefined) source.struct = struct;
  return { source, known: /^(page|pages|folio|folios|.*_page|.*_pages|.*_folio)$/.test(field) };
}

/** Identifiers declared in a function (parameters, locals) with a `struct foo` type. */
function structTypes(fn: Node): Map<string, string> {
  const types = new Map<string, string>();
  const stack: Node[] = [fn];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'parameter_declaration' || n.type === 'declaration') {
      const t = n.childForFieldName('type');
      const name = t?.type === 'struct_specifier' ? t.childForFieldName('name')?.text : undefined;
      if (name)
        for (const d of n.childrenForFieldName('declarator')) {
          const id = declaredName(d);
          if (id) types.set(id, name);
        }
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
  }
  return types;
}

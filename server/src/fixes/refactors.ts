/**
 * Renaming refactorings on deprecated cache APIs, offered at the cursor (refactor.rewrite):
 *
 * - `kmap_atomic()`/`kunmap_atomic()` → `kmap_local_page()`/`kunmap_local()`: kmap_atomic is
 *   deprecated (Documentation/mm/highmem.rst, "Deprecated functions"). Not offered where the
 *   mapped section relies on kmap_atomic's side effect of disabling page faults (an `_inatomic`
 *   user copy, or no matching kunmap_atomic in the function).
 * - `flush_kernel_dcache_page()` → `flush_dcache_page()`: the former is gone from the kernel
 *   (6.1's Documentation/core-api/cachetlb.rst no longer lists it); flush_dcache_page covers its use.
 */
import type { Node } from '../parsing/parser';
import type { Fix, TextEdit } from '../rules/types';
import { DEPRECATED, DEPRECATED_FLUSH } from '../knowledge/dcache';
import { ATOMIC_CONTEXT_TEST } from '../knowledge/shared';

const MAP_ATOMIC = 'kmap_atomic';
const UNMAP_ATOMIC = 'kunmap_atomic';
const MAP_LOCAL = DEPRECATED.get(MAP_ATOMIC) ?? MAP_ATOMIC;
const UNMAP_LOCAL = DEPRECATED.get(UNMAP_ATOMIC) ?? UNMAP_ATOMIC;
const [OLD_FLUSH = '', NEW_FLUSH = ''] = [...DEPRECATED_FLUSH][0] ?? [];
import {
  callArguments,
  callsTo,
  enclosing,
  functionAt,
  stripExpr,
  sourceText,
} from '../parsing/nodeText';

/** The variable a call's result is stored in: `kaddr = call`, `void *kaddr = call`. */
export function resultVariable(call: Node): string | undefined {
  let n = call;
  while (
    n.parent &&
    (n.parent.type === 'cast_expression' || n.parent.type === 'parenthesized_expression')
  )
    n = n.parent;
  const p = n.parent;
  if (p?.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id) {
    const left = p.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  if (p?.type === 'init_declarator') {
    let d = p.childForFieldName('declarator');
    while (d && d.type === 'pointer_declarator') d = d.childForFieldName('declarator');
    return d?.type === 'identifier' ? d.text : undefined;
  }
  return undefined;
}

function calleeIdentifier(call: Node): Node | undefined {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f : undefined;
}

/** kmap_atomic → kmap_local_page for the kmap_atomic call touching [start, end]. */
export function kmapAtomicToLocal(
  source: string,
  root: Node,
  start: number,
  end: number,
): Fix | undefined {
  const fn = functionAt(root, start);
  if (!fn) return undefined;
  const maps = callsTo(fn, [MAP_ATOMIC]).filter((c) => c.startIndex <= end && c.endIndex >= start);
  const map = maps[0];
  if (!map) return undefined;
  const fnText = sourceText(source, fn);
  // Code that copies from user space "inatomic" depends on the page faults kmap_atomic disabled.
  if (/_inatomic\s*\(/.test(fnText) || callsTo(fn, [...ATOMIC_CONTEXT_TEST]).length > 0)
    return undefined;
  const addr = resultVariable(map);
  if (!addr) return undefined;
  const unmaps = callsTo(fn, [UNMAP_ATOMIC]).filter((u) => {
    const a = callArguments(u)[0];
    return u.startIndex > map.endIndex && a !== undefined && stripExpr(a).text === addr;
  });
  if (unmaps.length === 0) return undefined;
  const edits: TextEdit[] = [];
  const rename = (call: Node, to: string): void => {
    const id = calleeIdentifier(call);
    if (id) edits.push({ start: id.startIndex, end: id.endIndex, text: to });
  };
  rename(map, MAP_LOCAL);
  for (const u of unmaps) rename(u, UNMAP_LOCAL);
  return { title: `Convert ${MAP_ATOMIC}() to ${MAP_LOCAL}()`, edits };
}

/** flush_kernel_dcache_page → flush_dcache_page at the call touching [start, end]. */
export function flushKernelDcachePageRename(
  root: Node,
  start: number,
  end: number,
): Fix | undefined {
  const call = enclosing(root, start, end, ['call_expression']);
  const scope = call ?? enclosing(root, start, end, ['expression_statement', 'compound_statement']);
  if (!scope) return undefined;
  const target = callsTo(scope, [OLD_FLUSH]).concat(
    call && calleeIdentifier(call)?.text === OLD_FLUSH ? [call] : [],
  )[0];
  const id = target && calleeIdentifier(target);
  if (!id) return undefined;
  return {
    title: `Replace ${OLD_FLUSH}() with ${NEW_FLUSH}()`,
    edits: [{ start: id.startIndex, end: id.endIndex, text: NEW_FLUSH }],
  };
}

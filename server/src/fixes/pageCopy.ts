/**
 * Rewrites a map + copy + (flush) + unmap sequence into the highmem.h helper that does all four
 * (include/linux/highmem.h in 6.1):
 *
 *   kaddr = kmap_local_page(page);          memcpy_to_page(page, off, src, len);
 *   memcpy(kaddr + off, src, len);    →
 *   flush_dcache_page(page);   (optional)
 *   kunmap_local(kaddr);
 *
 * `memset(kaddr + off, 0, len)` becomes `memzero_page(page, off, len)` and a copy out of the page,
 * `memcpy(dst, kaddr + off, len)`, becomes `memcpy_from_page(dst, page, off, len)`. memcpy_to_page
 * and memzero_page flush the page themselves. Offered only for exactly this shape: four (or three)
 * consecutive statements of one block, the mapping's address used nowhere else.
 */
import type { Node } from '../parsing/parser';
import type { Fix, TextEdit } from '../rules/types';
import { FLUSH, MAP_BY_PAGE, UNMAP } from '../knowledge/dcache';
import { callArguments, calleeName, identifiers, stripExpr, sourceText } from '../parsing/nodeText';
import { resultVariable } from './refactors';

/** The plain page mappings the rewrite understands (not the _prot or folio variants). */
const MAPS = new Set(['kmap_local_page', 'kmap_atomic', 'kmap'].filter((n) => MAP_BY_PAGE.has(n)));
const UNMAPS = new Set(['kunmap_local', 'kunmap_atomic', 'kunmap'].filter((n) => UNMAP.has(n)));
const FLUSHES = new Set(['flush_dcache_page'].filter((n) => FLUSH.has(n)));

/** The call a statement consists of, if it is `call(...);` or holds exactly one call at its top. */
function statementCall(stmt: Node): Node | undefined {
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChild(0);
    if (!e) return undefined;
    if (e.type === 'call_expression') return e;
    if (e.type === 'assignment_expression') {
      const r = e.childForFieldName('right');
      return r && stripExpr(r).type === 'call_expression' ? stripExpr(r) : undefined;
    }
  }
  if (stmt.type === 'declaration') {
    const inits = stmt.namedChildren.filter((c) => c.type === 'init_declarator');
    const value = inits.length === 1 ? inits[0]!.childForFieldName('value') : null;
    return value && stripExpr(value).type === 'call_expression' ? stripExpr(value) : undefined;
  }
  return undefined;
}

/** `kaddr` → '0', `kaddr + off` / `off + kaddr` → 'off'; anything else → undefined. */
function offsetFrom(source: string, arg: Node, addr: string): string | undefined {
  const a = stripExpr(arg);
  if (a.type === 'identifier' && a.text === addr) return '0';
  if (a.type !== 'binary_expression' || a.childForFieldName('operator')?.type !== '+')
    return undefined;
  const l = a.childForFieldName('left');
  const r = a.childForFieldName('right');
  if (!l || !r) return undefined;
  if (
    stripExpr(l).type === 'identifier' &&
    stripExpr(l).text === addr &&
    identifiers(r, addr).length === 0
  )
    return sourceText(source, r);
  if (
    stripExpr(r).type === 'identifier' &&
    stripExpr(r).text === addr &&
    identifiers(l, addr).length === 0
  )
    return sourceText(source, l);
  return undefined;
}

interface Shape {
  stmts: Node[];
  page: string;
  addr: string;
  copy: Node;
}

function shapeFrom(first: Node): Shape | undefined {
  const map = statementCall(first);
  if (!map || !MAPS.has(calleeName(map))) return undefined;
  const pageArg = callArguments(map)[0];
  const addr = resultVariable(map);
  if (!pageArg || !addr || callArguments(map).length !== 1) return undefined;
  const second = first.nextNamedSibling;
  const copy = second && statementCall(second);
  if (
    !second ||
    second.type !== 'expression_statement' ||
    !copy ||
    !['memcpy', 'memset'].includes(calleeName(copy))
  )
    return undefined;
  const stmts = [first, second];
  let next = second.nextNamedSibling;
  const page = pageArg;
  const nextCall = next && statementCall(next);
  if (
    next &&
    nextCall &&
    FLUSHES.has(calleeName(nextCall)) &&
    callArguments(nextCall)[0]?.text === page.text
  ) {
    stmts.push(next);
    next = next.nextNamedSibling;
  }
  const unmap = next && statementCall(next);
  if (!next || next.type !== 'expression_statement' || !unmap || !UNMAPS.has(calleeName(unmap)))
    return undefined;
  const unmapArg = callArguments(unmap)[0];
  const expected = calleeName(unmap) === 'kunmap' ? page.text : addr;
  if (!unmapArg || stripExpr(unmapArg).text !== expected) return undefined;
  if ((calleeName(map) === 'kmap') !== (calleeName(unmap) === 'kunmap')) return undefined;
  stmts.push(next);
  return { stmts, page: page.text, addr, copy };
}

/** The rewritten call, or undefined when the copy does not fit a helper. */
function helperCall(source: string, s: Shape): string | undefined {
  const args = callArguments(s.copy);
  if (args.length !== 3) return undefined;
  const [a0, a1, a2] = args as [Node, Node, Node];
  const len = sourceText(source, a2);
  if (identifiers(a2, s.addr).length > 0) return undefined;
  if (calleeName(s.copy) === 'memset') {
    const off = offsetFrom(source, a0, s.addr);
    return off !== undefined && /^0+$/.test(sourceText(source, a1).trim())
      ? `memzero_page(${s.page}, ${off}, ${len});`
      : undefined;
  }
  const toPage = offsetFrom(source, a0, s.addr);
  if (toPage !== undefined && identifiers(a1, s.addr).length === 0)
    return `memcpy_to_page(${s.page}, ${toPage}, ${sourceText(source, a1)}, ${len});`;
  const fromPage = offsetFrom(source, a1, s.addr);
  if (fromPage !== undefined && identifiers(a0, s.addr).length === 0)
    return `memcpy_from_page(${sourceText(source, a0)}, ${s.page}, ${fromPage}, ${len});`;
  return undefined;
}

/** The statement of a block that contains `offset`. */
function blockStatementAt(root: Node, offset: number): Node | undefined {
  let n: Node | null = root.descendantForIndex(offset, offset);
  while (n?.parent && n.parent.type !== 'compound_statement') n = n.parent;
  return n?.parent ? n : undefined;
}

/**
 * The rewrite for the sequence containing `offset` (on the map or on the copy), or undefined.
 * The address variable must not be used elsewhere in the function, except in its own declaration,
 * which is removed when it declares nothing else.
 */
export function pageCopyRewrite(source: string, root: Node, offset: number): Fix | undefined {
  const at = blockStatementAt(root, offset);
  if (!at) return undefined;
  const shape =
    shapeFrom(at) ?? (at.previousNamedSibling ? shapeFrom(at.previousNamedSibling) : undefined);
  if (!shape) return undefined;
  const replacement = helperCall(source, shape);
  if (!replacement) return undefined;
  let fn: Node | null = at.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn) return undefined;
  const first = shape.stmts[0]!;
  const last = shape.stmts[shape.stmts.length - 1]!;
  const edits: TextEdit[] = [];
  for (const use of identifiers(fn, shape.addr)) {
    if (use.startIndex >= first.startIndex && use.endIndex <= last.endIndex) continue;
    const decl =
      use.parent?.type === 'pointer_declarator' || use.parent?.type === 'declaration'
        ? enclosingDeclaration(use)
        : undefined;
    if (
      !decl ||
      decl.namedChildren.some((c) => c.type === 'init_declarator') ||
      declaredCount(decl) !== 1
    )
      return undefined;
    const lineStart = source.lastIndexOf('\n', decl.startIndex - 1) + 1;
    const lineEnd = source.indexOf('\n', decl.endIndex);
    const alone =
      source.slice(lineStart, decl.startIndex).trim() === '' &&
      source.slice(decl.endIndex, lineEnd < 0 ? source.length : lineEnd).trim() === '';
    edits.push(
      alone
        ? { start: lineStart, end: lineEnd < 0 ? source.length : lineEnd + 1, text: '' }
        : { start: decl.startIndex, end: decl.endIndex, text: '' },
    );
  }
  edits.push({ start: first.startIndex, end: last.endIndex, text: replacement });
  const helper = replacement.slice(0, replacement.indexOf('('));
  return { title: `Rewrite as ${helper}()`, edits: edits.sort((a, b) => a.start - b.start) };
}

function enclosingDeclaration(n: Node): Node | undefined {
  let p: Node | null = n.parent;
  while (p && p.type !== 'declaration') {
    if (p.type.endsWith('_statement')) return undefined;
    p = p.parent;
  }
  return p ?? undefined;
}

function declaredCount(decl: Node): number {
  return decl.namedChildren.filter((c) => c.type === 'identifier' || c.type.endsWith('declarator'))
    .length;
}

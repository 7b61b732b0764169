/**
 * The dcache family's facts about branch conditions, read from core/conditions.ts's Tested:
 * whether a page pointer is null (`if (!page)`, `if (kaddr == NULL)`), whether user space may
 * write the file through a shared mapping (`mapping_writably_mapped(m)`, a saved result of it),
 * and whether the build has no aliasing to flush for (`#else` of
 * `#ifdef ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE`, `if (ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE)`).
 * Like the correlated conditions, these read `if` conditions only.
 */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import { calleeName, stripExpr } from '../../parsing/nodeText';
import { testOf } from '../core/conditions';
import type { Tested } from '../core/conditions';
import { WRITABLY_MAPPED_TEST } from '../../knowledge/dcache';
import { SLAB_TEST_CALL, UPTODATE_TEST } from '../../knowledge/shared';

function ifTested(edge: Edge): Tested | undefined {
  return edge.via?.type === 'if_statement' ? testOf(edge) : undefined;
}

/** For an edge out of `if (p)`, `if (!p)`, `if (p == NULL)`...: the pointer, and whether it is null there. */
export function nullTest(edge: Edge): { pointer: Node; isNull: boolean } | undefined {
  const t = ifTested(edge);
  return t && !t.compare ? { pointer: t.subject, isNull: !t.holds } : undefined;
}

/**
 * For an edge out of a test of `mapping_writably_mapped(...)` or of a variable in `saved` that
 * holds its result: whether user space may write the file through a shared mapping there.
 */
export function writablyMapped(edge: Edge, saved: Set<string>): boolean | undefined {
  const t = ifTested(edge);
  if (!t || t.compare) return undefined;
  const s = t.subject;
  const tests =
    (s.type === 'call_expression' && WRITABLY_MAPPED_TEST.has(calleeName(s))) ||
    (s.type === 'identifier' && saved.has(s.text));
  return tests ? t.holds : undefined;
}

const NON_ALIASING_IF =
  /^#\s*if(?:def\s+|\s+(?:defined\s*\(?\s*)?)ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE\b/;

/**
 * The `#else` side of `#if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE`, or the false side of that macro
 * tested in C (crypto/scatterwalk.c): a build where flush_dcache_page() is a no-op.
 */
export function nonAliasingBuild(edge: Edge): boolean {
  if (edge.kind === 'preproc-else') return NON_ALIASING_IF.test(edge.via?.text ?? '');
  const t = ifTested(edge);
  return t?.subject.text === 'ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE' && !t.compare && !t.holds;
}

/**
 * For an edge out of `folio_test_uptodate(folio)` / `PageUptodate(page)` or their negation:
 * whether the folio is up to date there. User space cannot map a folio that is not (the fault
 * reads it first: mm/filemap.c filemap_fault, 6.12), so it holds no user stores to flush.
 */
export function uptodate(edge: Edge): boolean | undefined {
  const t = ifTested(edge);
  if (!t || t.compare || t.subject.type !== 'call_expression') return undefined;
  return UPTODATE_TEST.has(calleeName(t.subject)) ? t.holds : undefined;
}

/**
 * The followed keys that test whether `page` (canonicalised by `canon`) is a slab page: user space
 * never maps a slab page, so a path on which the test held needs no flush. The rule's Conditions
 * follow these keys (`SLAB_TEST_CALL`) even when a function tests them once.
 */
export function slabTests(
  keys: readonly string[],
  canon: (k: string) => string,
  page: string,
): string[] {
  return keys.filter(
    (k) => SLAB_TEST_CALL.test(k) && canon(k.slice(k.indexOf('(') + 1, -1)) === page,
  );
}

/**
 * For the true edge of `if (x < 0)` or `if (f(...) < 0)`: `x`, or the call's offset in the text.
 */
export function negativeTest(edge: Edge): string | undefined {
  if (edge.via?.type !== 'if_statement' || !edge.test?.value) return undefined;
  const atom = stripExpr(edge.test.atom);
  if (atom.type !== 'binary_expression' || atom.childForFieldName('operator')?.text !== '<')
    return undefined;
  if (atom.childForFieldName('right')?.text !== '0') return undefined;
  const left = atom.childForFieldName('left');
  const l = left ? stripExpr(left) : undefined;
  if (l?.type === 'identifier') return l.text;
  return l?.type === 'call_expression' ? `${l.startIndex}` : undefined;
}

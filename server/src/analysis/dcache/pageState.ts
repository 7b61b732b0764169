/**
 * The state of one written page along a path, as the missing-flush-dcache-page rule follows it:
 * written and not flushed, marked up to date, handed out, or lost (its name now holds another
 * page), and which of the page's names still hold the written page.
 */
import type { Edge } from '../../cfg/graph';
import type { Node } from '../../parsing/parser';
import { callArguments, stripExpr } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';
import type { PageAction, PageModel } from './pageModel';

export const PENDING = 1;
export const PUBLISHED = 2;
export const ESCAPED = 4;
/** Written, then its name was given another page: only a flush of every page can cover it now. */
export const LOST = 8;
export const UNFLUSHED = PENDING | LOST;
/** Bits 4-6: which of (up to three) names of the page still hold the written page. */
const HOLD_SHIFT = 4;
const MAX_NAMES = 3;
const holdBit = (i: number): number => 1 << (HOLD_SHIFT + i);
/** The first state bit left for correlated conditions. */
export const STATE_BITS = HOLD_SHIFT + MAX_NAMES;

/** Every page the function writes through a mapping. */
export function writtenPages(model: PageModel): string[] {
  const pages = new Set<string>();
  for (const list of model.actions.values())
    for (const a of list) if (a.kind === 'write') pages.add(a.page);
  return [...pages];
}

/** Whether the function marks `page` up to date somewhere (then only published paths count). */
export function publishes(model: PageModel, page: string, canon?: (k: string) => string): boolean {
  return [...model.actions.values()].some((l) =>
    l.some((a) => a.kind === 'publish' && publishedAs(a.page, page, canon)),
  );
}

/**
 * Whether marking `published` up to date publishes `page`: the same page, or a subpage
 * `head + i` of the compound page whose head is marked (SetPageUptodate(head) covers the whole
 * folio; mm/shmem.c:2605 shmem_write_end, 6.1, zeroes the other subpages then marks the head).
 */
function publishedAs(published: string, page: string, canon?: (k: string) => string): boolean {
  if (published === page) return true;
  const head = /^(\w+)\+\w+$/.exec(page)?.[1];
  return head !== undefined && canon !== undefined && canon(head) === published;
}

/** The transition function of `page`'s state over the model's actions. */
export function pageTransitions(
  page: string,
  model: PageModel,
  facts: FunctionFacts,
): (state: number, a: PageAction) => number {
  const names = namesOf(page, model, facts);
  const publishing = publishes(model, page, facts.canon);
  const behind = arraysBehind(page, facts);
  const ALL_HOLDS = ((1 << names.length) - 1) << HOLD_SHIFT;
  return (state, a) => {
    switch (a.kind) {
      case 'write':
        return a.page === page ? state | PENDING | ALL_HOLDS : state;
      case 'flush': {
        if (a.page === null) return state & ~UNFLUSHED;
        if (!flushCovers(a.page, page) && !behind.has(walkedArray(a.page) ?? '')) return state;
        // Flushed through a name that no longer holds the written page: another page.
        const i = a.name === undefined ? -1 : names.indexOf(a.name);
        return i < 0 || (state & holdBit(i)) !== 0 ? state & ~PENDING : state;
      }
      case 'rename': {
        let next = state;
        // `curpage++` moves `pages[curpage]` on too, but a written page stays held by its
        // element name: loops that write `pages[i]` and flush `pages[i]` in a second loop over
        // the same index are the common correct shape.
        const pending = (state & PENDING) !== 0;
        names.forEach((n, i) => {
          const moved = !pending && n.includes(`[${a.lhs}]`);
          if (n !== a.lhs && !n.startsWith(`${a.lhs}.`) && !n.startsWith(`${a.lhs}[`) && !moved)
            return;
          const from = a.rhs === null ? -1 : names.indexOf(a.rhs);
          // `page = pages[ip]` while `pages[ip]` is the written page: by the same reading as above
          // the element name still holds it, so the name walking the array holds it too. So does
          // a name given each element of a collection in turn (`f = *fi` in loops over the same
          // folios: written in one, marked up to date in the next).
          const element =
            pending &&
            a.rhs !== null &&
            ((a.rhs === page && a.rhs.includes('[')) || a.cursor === true);
          next =
            element || (from >= 0 && (state & holdBit(from)) !== 0)
              ? next | holdBit(i)
              : next & ~holdBit(i);
        });
        const held = names.length === 0 || (next & ALL_HOLDS) !== 0;
        if (held) return next;
        // No name holds the written page any more: only a flush of every page can reach it. In
        // a function that marks the page up to date, a write lost before any publish (a retry
        // that gives the folio back) is never published.
        if ((next & PENDING) !== 0) {
          if ((next & PUBLISHED) === 0 && publishing) return next & ~PENDING;
          return (next & ~PENDING) | LOST;
        }
        // Nothing written is pending: what was published or handed out was another page (the
        // previous iteration's `struct page *page = pages[i]`), not the one the name now holds.
        return (next & LOST) !== 0 ? next : next & ~(PUBLISHED | ESCAPED);
      }
      case 'unpublish':
        return a.page === page ? state & ~(PENDING | PUBLISHED) : state;
      // Once the written page is lost (no name holds it) and nothing newer is written, a page
      // published or handed out by name is another page.
      case 'publish':
        if (!publishedAs(a.page, page, facts.canon) || (state & (LOST | PENDING)) === LOST)
          return state;
        return state | PUBLISHED | ALL_HOLDS;
      case 'escape':
        if (a.page !== page || (state & (LOST | PENDING)) === LOST) return state;
        return state | ESCAPED | ALL_HOLDS;
      case 'map':
      case 'unmap':
        return state;
    }
  };
}

/**
 * The names a function gives the page (`page`, `kmapped_page`, `bv.bv_page`), as assigned or
 * flushed; the state follows up to three of them through assignments.
 */
function namesOf(page: string, model: PageModel, facts: FunctionFacts): string[] {
  const names = new Set<string>();
  for (const list of model.actions.values()) {
    for (const a of list) {
      const name = a.kind === 'rename' ? a.lhs : a.kind === 'flush' ? a.name : undefined;
      if (name !== undefined && facts.canon(name) === page) names.add(name);
    }
  }
  return [...names].slice(0, MAX_NAMES);
}

/**
 * Whether a flush of `flushed` may cover `page`. A flush of no particular page (an arch-wide
 * flush, a callee that flushes) covers all; a flush of an expression that is not a plain name
 * (`virt_to_page(buf + off)`) may be any page; two different plain names (`src` and `dst`,
 * `pages[0]` and `pages[i]`) are different pages.
 */
function flushCovers(flushed: string | null, page: string): boolean {
  return (
    flushed === null ||
    flushed === page ||
    (!PLAIN_PAGE.test(flushed) && !flushed.startsWith(MITER)) ||
    !PLAIN_PAGE.test(page) ||
    walksArray(flushed, page)
  );
}

/**
 * `pages[i]`, flushed with a bare index (the loop that flushes every page before marking it up
 * to date), may be any element of `pages`: the one written as `pages[nr - 1]` included.
 */
function walksArray(flushed: string, page: string): boolean {
  const m = /^(.*)\[[A-Za-z_]\w*\]$/.exec(flushed);
  return m !== null && page.startsWith(`${m[1]!}[`);
}

const PLAIN_PAGE = /^[A-Za-z_]\w*(?:\.\w+|\[[^[\]()]*\])*$/;

/** `pages` of `pages[i]`: a flush of the element a loop's bare index walks to. */
function walkedArray(flushed: string): string | undefined {
  return /^(\w+)\[[A-Za-z_]\w*\]$/.exec(flushed)?.[1];
}

/**
 * The arrays `page` may be an element of: it is the value of a call given the array, directly or
 * through an object made from it (`actor = actor_init(pages, n); last = actor_free(actor)`, the
 * page a decompressor's actor wrote last; fs/squashfs/file_direct.c:77, 6.12). A loop that
 * flushes every element of such an array flushes the page too.
 */
export function arraysBehind(page: string, facts: FunctionFacts): Set<string> {
  const out = new Set<string>();
  const argNames = (value: Node): string[] => {
    const s = stripExpr(value);
    if (s.type !== 'call_expression') return [];
    return callArguments(s).flatMap((a) => {
      const t = stripExpr(a);
      return t.type === 'identifier' ? [t.text] : [];
    });
  };
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || facts.canon(e.lhsKey) !== page) continue;
    for (const name of argNames(e.rhs)) {
      out.add(name);
      for (const f of facts.all)
        if (f.kind === 'assign' && f.rhs && f.lhsKey === name)
          for (const inner of argNames(f.rhs)) out.add(inner);
    }
  }
  return out;
}
/**
 * A scatterlist walk's page (`miter:<iter>`): sg_miter_next()/sg_miter_stop() flush the walk's
 * current page only (lib/scatterlist.c:934, 6.12), never a page the function maps by name.
 */
const MITER = 'miter:';

/**
 * The exit, before any iteration, of `for (i = 0; i < nr; i++) flush_dcache_page(pages[i]);`
 * while the page written is `pages[nr - 1]`, or a page `behind` says is an element of `pages`:
 * that element exists, so `nr` is at least one and the loop that flushes every page runs (the
 * last page's tail zeroed before the pages are flushed and marked up to date).
 */
export function skipsLoopOverWritten(
  edge: Edge,
  page: string,
  behind: ReadonlySet<string> = new Set(),
): boolean {
  if (edge.kind !== 'loop-exit' || edge.via?.type !== 'for_statement') return false;
  const part = (f: string): string =>
    edge.via?.childForFieldName(f)?.text.replace(/\s+/g, '') ?? '';
  const cond = /^(\w+)<(\w+)$/.exec(part('condition'));
  if (cond === null || !new RegExp(`^${cond[1]!}=0;?$`).test(part('initializer'))) return false;
  const flushes = (array: string): boolean =>
    part('body').includes(`flush_dcache_page(${array}[${cond[1]!}])`);
  const last = /^(.+)\[(\w+)-1\]$/.exec(page);
  if (last) return cond[2] === last[2] && flushes(last[1]!);
  // A page that is an element of the array (arraysBehind) exists, so the array is not empty.
  return [...behind].some(flushes);
}

/**
 * A page of a user mapping the kernel is about to read: `flush_anon_page(vma, page, addr)` says
 * so (the get_user_pages sequence, arch/arm/mm/flush.c:373, 6.12). It maintains an anonymous
 * page only (arch/arm/include/asm/cacheflush.h:317 tests PageAnon; include/linux/highmem.h:186
 * is empty where the arch has none). A page-cache page of a shared mapping holds the user's
 * stores in lines of the user's colour until flush_dcache_page() (cachetlb.rst, flush_dcache_page
 * case (b)), and every such access in the kernel pairs the two (mm/gup.c:1568, mm/ksm.c:760 and
 * :2655, 6.12). Found here: a path from the announcement to the function's end with no flush of
 * that page, so the reader (this function's caller, or code after the loop) sees stale bytes.
 */
import type { Node } from '../../parsing/parser';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { pageKey } from '../core/facts';
import { findBadPath } from '../core/pathSearch';
import type { Witness } from '../core/pathSearch';
import * as K from '../../knowledge/dcache';

export interface UserPageAccess {
  /** The announcing call (`flush_anon_page(...)`). */
  call: Extract<Event, { kind: 'call' }>;
  /** The page argument as written. */
  page: Node;
  witness: Witness;
  /** The last return on the witness path, if it ends at one. */
  exit?: Node;
}

const ANNOUNCED = 1;
const FLUSHED = 2;

function pageOf(e: Event, facts: FunctionFacts, table: Map<string, number>): string | undefined {
  if (e.kind !== 'call') return undefined;
  const idx = table.get(e.name);
  const arg = idx === undefined ? undefined : e.args[idx];
  return arg ? facts.canon(pageKey(arg)) : undefined;
}

/** Each page announced for a kernel access that some path leaves unflushed. */
export function unflushedUserPageAccesses(facts: FunctionFacts): UserPageAccess[] {
  const out: UserPageAccess[] = [];
  const seen = new Set<string>();
  for (const e of facts.all) {
    const page = pageOf(e, facts, K.USER_PAGE_ACCESS);
    if (e.kind !== 'call' || page === undefined || seen.has(page)) continue;
    seen.add(page);
    const witness = findBadPath(facts, {
      initial: 0,
      step: (s, ev) => {
        if (pageOf(ev, facts, K.USER_PAGE_ACCESS) === page) return (s | ANNOUNCED) & ~FLUSHED;
        return pageOf(ev, facts, K.FLUSH) === page ? s | FLUSHED : s;
      },
      bad: (s) => (s & ANNOUNCED) !== 0 && (s & FLUSHED) === 0,
    });
    if (!witness) continue;
    let exit: Node | undefined;
    for (const b of witness.blocks)
      for (const ev of facts.events.get(b.id) ?? []) if (ev.kind === 'return') exit = ev.node;
    out.push({ call: e, page: e.args[K.USER_PAGE_ACCESS.get(e.name)!]!, witness, exit });
  }
  return out;
}

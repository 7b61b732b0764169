/**
 * Pages an owner chains on another page's own `lru` field. A page-cache or anonymous page links
 * its `lru` into a lruvec list; `lru` is otherwise "used as a generic list by the page owner"
 * (include/linux/mm_types.h:86, 6.1). A list whose sentinel is a page's `lru` therefore holds
 * only that owner's pages (swap count continuations: mm/swapfile.c:3544, 6.1), which no user
 * mapping reaches.
 */
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, stripExpr } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';
import { declaredTypes } from '../../xref/declarations';
import { NEXT_ENTRY } from '../../knowledge/shared';

const PAGE_TYPE = 'page';

/**
 * Why `page` is chained on another page's `lru`: every value it is given is a step along `lru`
 * from itself or from one anchor page, and the function stops its walk at that anchor
 * (`page == head`, `(page = list_prev_entry(page, lru)) != head`), so the anchor's `lru` is the
 * list's sentinel rather than a neighbour on some other list.
 */
export function chainedOnPage(page: string, facts: FunctionFacts): string | undefined {
  if (!/^\w+$/.test(page) || facts.params.includes(page)) return undefined;
  const types = declaredTypes(facts.cfg.node);
  if (types.get(page) !== PAGE_TYPE) return undefined;
  let anchor: string | undefined;
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || facts.canon(e.lhsKey) !== page) continue;
    const from = stepFrom(e.rhs);
    if (!from || types.get(from) !== PAGE_TYPE) return undefined;
    if (from === page) continue;
    if (anchor !== undefined && anchor !== from) return undefined;
    anchor = from;
  }
  if (!anchor || !stopsAt(facts.cfg.node, page, anchor)) return undefined;
  return `${page} walks a list whose sentinel is ${anchor}->lru: pages the owner chains there, off the LRU`;
}

/** `x` of `list_next_entry(x, lru)`, when `value` is such a step. */
function stepFrom(value: Node): string | undefined {
  const v = stripExpr(value);
  // A step along a list from an entry (`list_next_entry(pos, member)`); sg_next has no member.
  if (v.type !== 'call_expression' || !NEXT_ENTRY.has(calleeName(v))) return undefined;
  const [pos, member] = callArguments(v);
  if (!pos || member?.text.trim() !== 'lru') return undefined;
  const p = stripExpr(pos);
  return p.type === 'identifier' ? p.text : undefined;
}

/** Whether the function compares `page` (or an assignment to it) with `anchor`. */
function stopsAt(fn: Node, page: string, anchor: string): boolean {
  const side = (n: Node | null): string => {
    if (!n) return '';
    const s = stripExpr(n);
    if (s.type === 'assignment_expression') return stripExpr(s.childForFieldName('left') ?? s).text;
    return s.text;
  };
  return fn.descendantsOfType('binary_expression').some((b) => {
    const op = b.childForFieldName('operator')?.text;
    if (op !== '==' && op !== '!=') return false;
    const l = side(b.childForFieldName('left'));
    const r = side(b.childForFieldName('right'));
    return (l === page && r === anchor) || (l === anchor && r === page);
  });
}

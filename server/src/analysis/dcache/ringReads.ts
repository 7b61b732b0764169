/**
 * The reading side of a user-mapped ring (userRing.ts): user space hands a frame back by storing
 * into the ring's structures (its status word) through its own mapping, and the kernel loads
 * them with READ_ONCE()/smp_load_acquire(). On an aliasing D-cache the kernel's alias may hold a
 * stale line of the page, so the page is flushed before the load (cachetlb.rst,
 * flush_dcache_page, case (b); net/packet/af_packet.c __packet_get_status flushes before each
 * READ_ONCE of the status, 6.1 and 6.12).
 */
import type { Node } from '../../parsing/parser';
import { calleeName, callArguments, exprKey, stripExpr } from '../../parsing/nodeText';
import { normKey } from '../core/events';
import type { Event } from '../core/events';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import * as K from '../../knowledge/dcache';
import type { PageCacheOrigin, PageRead } from './pageCache';

export interface RingReads {
  /** `ring:<root>` and the page expressions its flushes name → the ring's group. */
  names: Map<string, PageCacheOrigin>;
  /** Shared loads of a ring field. */
  reads: Map<Event, PageRead[]>;
}

/** The variable an lvalue or address starts from: `h` in `READ_ONCE(h.h1->status)`, `&h->tail`. */
function rootOf(n: Node): string {
  let s = stripExpr(n);
  while (s.type === 'pointer_expression') s = stripExpr(s.childForFieldName('argument') ?? s);
  return /^\w+/.exec(normKey(exprKey(s)))?.[0] ?? '';
}

/**
 * Loads of the ring structures `rings` names (the function's variables of a ring type) and the
 * flushes that cover them: `flush_dcache_page(to_page(&h.h1->status))`.
 */
export function ringReads(
  facts: FunctionFacts,
  rings: ReadonlySet<string>,
  lookups: ReadonlySet<string> = new Set(),
): RingReads {
  const out: RingReads = { names: new Map(), reads: new Map() };
  pageReads(facts, lookups, out);
  if (rings.size === 0) return out;
  let toPage = '';
  const loads: { e: Event; arg: Node; root: string }[] = [];
  for (const e of facts.all) {
    if (e.kind !== 'call') continue;
    const flushed = K.FLUSH.get(e.name);
    const page = flushed === undefined ? undefined : e.args[flushed];
    const s = page && stripExpr(page);
    if (s?.type === 'call_expression') {
      const address = callArguments(s)[0];
      const root = address ? rootOf(address) : '';
      if (rings.has(root)) {
        const group = `ring:${root}`;
        const origin = { api: e.name, node: facts.cfg.node, group };
        out.names.set(facts.canon(pageKey(s)), origin);
        out.names.set(group, origin);
        toPage ||= calleeName(s);
      }
    }
    const at = K.LOADS_SHARED.get(e.name);
    const arg = at === undefined ? undefined : e.args[at];
    const root = arg ? rootOf(arg) : '';
    if (arg && rings.has(root)) loads.push({ e, arg, root });
  }
  for (const { e, arg, root } of loads) {
    const group = `ring:${root}`;
    if (!out.names.has(group))
      out.names.set(group, { api: 'READ_ONCE', node: facts.cfg.node, group });
    const s = stripExpr(arg);
    const address = s.type === 'pointer_expression' ? s.text : `&${s.text}`;
    const text = `${toPage || 'virt_to_page'}(${address})`;
    out.reads.set(e, [{ group, text, folio: false }]);
  }
  return out;
}

/**
 * Ring pages looked up by address (`page = pgv_to_page(data)`) and handed to a reader the table
 * knows (`skb_fill_page_desc`): a TX ring's frame, stored by user space through its mapping,
 * which the network stack then reads through the kernel's (net/packet/af_packet.c
 * tpacket_fill_skb flushes each page before, 6.1 and 6.12).
 */
function pageReads(facts: FunctionFacts, lookups: ReadonlySet<string>, out: RingReads): void {
  if (lookups.size === 0) return;
  const groups = new Map<string, string>();
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs) continue;
    const s = stripExpr(e.rhs);
    if (s.type !== 'call_expression' || !lookups.has(calleeName(s))) continue;
    const page = facts.canon(e.lhsKey);
    const group = `ring:${e.lhsKey}`;
    if (!/^\w+$/.test(e.lhsKey) || groups.has(page)) continue;
    groups.set(page, group);
    const origin = { api: calleeName(s), node: e.node, group };
    out.names.set(page, origin);
    out.names.set(group, origin);
  }
  if (groups.size === 0) return;
  for (const e of facts.all) {
    const at = e.kind === 'call' ? K.READS_PAGE.get(e.name) : undefined;
    const arg = at === undefined || e.kind !== 'call' ? undefined : e.args[at];
    const group = arg && groups.get(facts.canon(pageKey(arg)));
    if (arg && group) out.reads.set(e, [{ group, text: stripExpr(arg).text, folio: false }]);
  }
}

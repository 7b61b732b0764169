/**
 * The reading side of a page the function itself treats as user-visible: a page it flushes after
 * writing it (the READ direction of a RAM-disk or pmem driver, a bounce copy back) is a page user
 * space may map, so the other direction, where the kernel reads the page to store or send its
 * bytes, needs the flush first (Documentation/core-api/cachetlb.rst, flush_dcache_page, case (b);
 * drivers/block/brd.c brd_do_bvec and drivers/nvdimm/btt.c btt_do_bvec flush on both sides,
 * 6.12). The function's own flush is the evidence: pages it never flushes are left alone.
 */
import type { Node } from '../../parsing/parser';
import { stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import * as K from '../../knowledge/dcache';
import type { PageCacheOrigin, PageRead } from './pageCache';
import { writesPageParam } from './pageModel';
import type { PageModel } from './pageModel';
import { needsFlush } from './pageOrigin';
import type { FileSummaries } from './summaries';

export interface IoReadSide {
  /** Canonical page → where the function shows it is user-visible (its own flush). */
  names: Map<string, PageCacheOrigin>;
  /** Events that read one of those pages: a copy from it, a same-file callee that reads it. */
  reads: Map<Event, PageRead[]>;
  /** Events that write the page: after one the kernel's own bytes are what it reads back. */
  writes: Map<Event, Set<string>>;
}

const FLUSH_WORD = /\bflush_dcache_(?:page|folio)\b/;
/** Callees worth asking whether they read a page they are handed: they map one. */
const MAPS_A_PAGE = /\bkmap|\bpage_address\b|\bfolio_address\b|\bmemcpy_(?:from|to)_page\b/;

export function ioReadSide(
  facts: FunctionFacts,
  model: PageModel,
  file: FileSummaries,
  text: string,
): IoReadSide {
  const out: IoReadSide = { names: new Map(), reads: new Map(), writes: new Map() };
  if (!FLUSH_WORD.test(text)) return out;
  const written = new Map<string, Event[]>();
  const flushed = new Map<string, Node>();
  for (const [e, actions] of model.actions) {
    for (const a of actions) {
      if (a.kind === 'write') written.set(a.page, [...(written.get(a.page) ?? []), e]);
      if (a.kind === 'flush' && a.page !== null && !flushed.has(a.page))
        flushed.set(a.page, a.node);
    }
  }
  for (const [page, node] of flushed) {
    const events = written.get(page);
    if (!events || !model.pages.has(page) || !needsFlush(page, model, facts, file)) continue;
    out.names.set(page, { api: 'flush_dcache_page', node, group: page });
    for (const e of events) out.writes.set(e, new Set([...(out.writes.get(e) ?? []), page]));
  }
  if (out.names.size === 0) return out;
  for (const e of facts.all) {
    if (e.kind !== 'call' || K.FLUSH.has(e.name) || K.UNMAP.has(e.name)) continue;
    const pages = readPages(e, facts, model, file);
    const reads: PageRead[] = [];
    for (const page of pages) {
      const info = out.names.has(page) ? model.pages.get(page) : undefined;
      if (info) reads.push({ group: page, text: info.display, folio: info.folio });
    }
    if (reads.length > 0) out.reads.set(e, reads);
  }
  return out;
}

/** The pages a call reads: by the table, or a same-file callee that maps but never writes them. */
function readPages(
  e: Event & { kind: 'call' },
  facts: FunctionFacts,
  model: PageModel,
  file: FileSummaries,
): string[] {
  const out: string[] = [];
  const idx = K.READS_PAGE.get(e.name);
  const arg = idx === undefined ? undefined : e.args[idx];
  if (arg) out.push(facts.canon(pageKey(arg)));
  for (const i of K.READS_MEMORY.get(e.name) ?? []) {
    const page = model.addressOf(e.args[i])?.page;
    if (page !== undefined) out.push(page);
  }
  if (!file.isDefined(e.name) || e.name === facts.name || K.LOGS.test(e.name)) return out;
  const maps = mapsPages(file, e.name, 0);
  e.args.forEach((a, i) => {
    const address = model.addressOf(a)?.page;
    if (address !== undefined) {
      if (!file.writesParam(e.name, i)) out.push(address);
      return;
    }
    if (!maps || !PAGE_ARGUMENT.has(stripExpr(a).type)) return;
    if (!writesPageParam(file, e.name, i)) out.push(facts.canon(pageKey(a)));
  });
  return out;
}

const PAGE_ARGUMENT = new Set(['identifier', 'field_expression', 'subscript_expression']);

const CALLED = /\b([A-Za-z_]\w*)\s*\(/g;

/** Whether a same-file function maps a page, itself or through the same-file calls it makes. */
function mapsPages(file: FileSummaries, name: string, depth: number): boolean {
  return file
    .definitions(name)
    .some(
      (fn) =>
        MAPS_A_PAGE.test(fn.text) ||
        (depth < 2 &&
          [...fn.text.matchAll(CALLED)].some(
            (m) => m[1] !== name && file.isDefined(m[1]!) && mapsPages(file, m[1]!, depth + 1),
          )),
    );
}

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
import { calleeModel } from './pageModel';
import type { PageModel } from './pageModel';
import { needsFlush } from './pageOrigin';
import { callName } from './summaries';
import type { FileSummaries } from './summaries';
import { segmentLoopPages } from './segmentLoop';

export interface IoReadSide {
  /** Canonical page → where the function shows it is user-visible (its own flush). */
  names: Map<string, PageCacheOrigin>;
  /** Events that read one of those pages: a copy from it, a same-file callee that reads it. */
  reads: Map<Event, PageRead[]>;
  /** Events that write the page: after one the kernel's own bytes are what it reads back. */
  writes: Map<Event, Set<string>>;
}

const FLUSH_WORD = /\bflush_dcache_(?:page|folio)\b/;
const PLAIN = /^[A-Za-z_]\w*(?:\.\w+|\[[^[\]()]*\])*$/;
/** Callees worth asking whether they read a page they are handed: they map one. */
const MAPS_A_PAGE = /\bkmap|\bpage_address\b|\bfolio_address\b|\bmemcpy_(?:from|to)_page\b/;

export function ioReadSide(
  facts: FunctionFacts,
  model: PageModel,
  file: FileSummaries,
  text: string,
): IoReadSide {
  const out: IoReadSide = { names: new Map(), reads: new Map(), writes: new Map() };
  const own = FLUSH_WORD.test(text);
  if (!own && !callsSameFileFlusher(text, file)) return out;
  const written = new Map<string, Event[]>();
  const flushed = new Map<string, Node>();
  // Without a flush of its own, only a same-file callee's own flush is evidence: the flush a
  // generic helper does for every page (block_write_end) says nothing about this one.
  const evidence = (e: Event): boolean =>
    own || (e.kind === 'call' && file.flushesDirectly(e.name));
  for (const [e, actions] of model.actions) {
    for (const a of actions) {
      if (a.kind === 'write') written.set(a.page, [...(written.get(a.page) ?? []), e]);
      if (a.kind === 'flush' && a.page !== null && !flushed.has(a.page) && evidence(e))
        flushed.set(a.page, a.node);
    }
  }
  // A flush of an expression that is no plain name (`bio_page(bio)` for the page mapped as
  // `bv.bv_page`) stands for the one page the function writes, as the dcache rule reads it.
  const only = written.size === 1 ? [...written.keys()][0]! : undefined;
  for (const [flush, node] of flushed) {
    // A flush of each segment's page in a walk over the request whose first page was written.
    const segment = segmentLoopPages(node, facts).find((p) => written.has(p));
    const page = written.has(flush)
      ? flush
      : segment !== undefined
        ? segment
        : only !== undefined && !PLAIN.test(flush)
          ? only
          : '';
    const events = written.get(page);
    if (!events || !model.pages.has(page) || !needsFlush(page, model, facts, file)) continue;
    out.names.set(page, { api: 'flush_dcache_page', node, group: page });
    if (flush !== page) out.names.set(flush, { api: 'flush_dcache_page', node, group: page });
    for (const e of events) out.writes.set(e, new Set([...(out.writes.get(e) ?? []), page]));
  }
  if (out.names.size === 0) return out;
  for (const e of facts.all) {
    if (e.kind !== 'call' || K.FLUSH.has(e.name) || K.UNMAP.has(e.name)) continue;
    const pages = readPages(e, facts, model, file);
    const reads: PageRead[] = [];
    for (const page of pages) {
      // A move within the page (`memmove(vto + a, vto + b, n)`) reads bytes the same call writes.
      if (out.writes.get(e)?.has(page)) continue;
      const info = out.names.has(page) ? model.pages.get(page) : undefined;
      if (info) reads.push({ group: page, text: info.display, folio: info.folio });
    }
    if (reads.length > 0) out.reads.set(e, reads);
  }
  return out;
}

/** The pages a call reads: by the table, or a same-file callee that copies or compares from them. */
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
  // `tr->writesect(dev, block, buf)`: implementations that copy from the buffer read the page.
  const field = e.name ? '' : callName(e);
  const tree = file.tree?.tree;
  if (field && tree?.calleeReadsBuffer)
    e.args.forEach((a, i) => {
      const page = model.addressOf(a)?.page;
      if (page !== undefined && tree.calleeReadsBuffer!(field, i)) out.push(page);
    });
  if (!file.isDefined(e.name) || e.name === facts.name || K.LOGS.test(e.name)) return out;
  // A callee that flushes the page it is handed looks after its own read of it (pmem's
  // pmem_do_write flushes, then write_pmem() reads: drivers/nvdimm/pmem.c:195, 6.12).
  const flushes = file.flushedParams(e.name);
  if (flushes === 'any') return out;
  e.args.forEach((a, i) => {
    if (flushes?.some((p) => p.index === i && p.path === '')) return;
    const address = model.addressOf(a)?.page;
    if (address !== undefined) {
      if (readsParam(file, e.name, i, 0)) out.push(address);
    } else if (PAGE_ARGUMENT.has(stripExpr(a).type) && readsParam(file, e.name, i, 0)) {
      out.push(facts.canon(pageKey(a)));
    }
  });
  return out;
}

const CALLED = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * Whether the function calls a same-file function whose own code flushes a page: its flush
 * after that callee's write is the evidence, as the function's own flush would be
 * (drivers/nvdimm/pmem.c pmem_submit_bio: pmem_do_read writes and flushes the bio page, 6.12).
 */
export function callsSameFileFlusher(text: string, file: FileSummaries): boolean {
  for (const m of text.matchAll(CALLED)) if (file.flushesDirectly(m[1]!)) return true;
  return false;
}

const reading = new WeakMap<FileSummaries, Map<string, boolean>>();

/**
 * Whether the same-file function `name` reads what its parameter `index` points to: a copy or
 * compare from it (memcpy's source), a page read by the table (`memcpy_from_page`), a read
 * through its own mapping of the page, or a same-file callee that does. Memoised per file.
 */
function readsParam(file: FileSummaries, name: string, index: number, depth: number): boolean {
  let memo = reading.get(file);
  if (!memo) reading.set(file, (memo = new Map<string, boolean>()));
  const key = `${name}/${index}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  memo.set(key, false);
  const result =
    depth <= 3 &&
    file.definitions(name).some((fn) => {
      const facts = file.factsOf(fn);
      const param = facts.params[index];
      if (!param) return false;
      const page = facts.canon(param);
      const model = MAPS_A_PAGE.test(fn.text) ? calleeModel(facts, file) : undefined;
      const named = (a: Node | undefined): boolean =>
        a !== undefined &&
        (rootName(a) === param || (model !== undefined && model.addressOf(a)?.page === page));
      return facts.all.some((e) => {
        if (e.kind !== 'call') return false;
        if (K.READS_MEMORY.get(e.name)?.some((i) => named(e.args[i]))) return true;
        const idx = K.READS_PAGE.get(e.name);
        if (idx !== undefined && e.args[idx] && facts.canon(pageKey(e.args[idx])) === page)
          return true;
        return (
          file.isDefined(e.name) &&
          e.name !== name &&
          e.args.some((a, i) => named(a) && readsParam(file, e.name, i, depth + 1))
        );
      });
    });
  memo.set(key, result);
  return result;
}

/** The variable an address expression starts from: `src` in `src + off`, `(u8 *)src`. */
function rootName(n: Node): string {
  return /^[A-Za-z_]\w*/.exec(stripExpr(n).text.replace(/^\([^()]*\)\s*/, ''))?.[0] ?? '';
}

const PAGE_ARGUMENT = new Set(['identifier', 'field_expression', 'subscript_expression']);

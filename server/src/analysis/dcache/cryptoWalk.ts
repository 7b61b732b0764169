/**
 * Flushes done by the crypto API's walk (knowledge/cryptoWalk.ts), as a function's summary sees
 * them: the destination scatterlist of a request the function runs, and the page a function put
 * into a local scatterlist it hands to such a callee.
 */
import { pageKey } from '../core/facts';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { CRYPT_DESTINATION } from '../../knowledge/cryptoWalk';
import { SG_STORES_PAGE } from '../../xref/sources';

/** The destination argument of `e` when it sets up a request the function also runs. */
export function cryptDestination(e: Event, facts: FunctionFacts): number | undefined {
  if (e.kind !== 'call') return undefined;
  const req = CRYPT_DESTINATION.get(e.name);
  if (!req) return undefined;
  const runs = facts.all.some((o) => o.kind === 'call' && req.runs.test(o.name));
  return runs ? req.dst : undefined;
}

/**
 * The page the function stored into the scatterlist `key` names (`sg_set_page(&dst_sg, page, ...)`
 * makes `dst_sg` stand for `page`), when exactly one page was stored there.
 */
export function pageInScatterlist(key: string, facts: FunctionFacts): string | undefined {
  const pages = new Set<string>();
  for (const e of facts.all) {
    const at = e.kind === 'call' ? SG_STORES_PAGE.get(e.name) : undefined;
    if (at === undefined || e.kind !== 'call') continue;
    const entry = e.args[0];
    const page = e.args[at];
    if (entry && page && facts.canon(pageKey(entry)) === key) pages.add(facts.canon(pageKey(page)));
  }
  const [only] = pages;
  return pages.size === 1 ? only : undefined;
}

const CRYPT_WORD = new RegExp(`\\b(?:${[...CRYPT_DESTINATION.keys()].join('|')})\\b`);
const SG_STORE_WORD = new RegExp(`\\b(?:${[...SG_STORES_PAGE.keys()].join('|')})\\b`);
/** A file's text, by range (FileSummaries). */
interface FileText {
  text(start: number, end: number): string;
}
const runsCrypt = new WeakMap<FileText, boolean>();

/**
 * Whether a function's flushes may come from a crypto walk: it puts a page into a scatterlist,
 * in a file that sets up cipher requests (the tree index asks this before it summarises flushes).
 */
export function mayFlushByWalk(fnText: string, file: FileText): boolean {
  if (!SG_STORE_WORD.test(fnText)) return false;
  let runs = runsCrypt.get(file);
  if (runs === undefined) {
    runs = CRYPT_WORD.test(file.text(0, Number.MAX_SAFE_INTEGER));
    runsCrypt.set(file, runs);
  }
  return runs;
}

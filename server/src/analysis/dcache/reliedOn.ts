/**
 * The same-file helpers a caller leaves its flush to: the caller writes a page with an API that
 * does not flush (`copy_folio_from_iter_atomic`), does not flush it itself before the call, and
 * hands it to a helper of the file that flushes that parameter (directly or through its own
 * callees). The helper then owes the flush on every path that does not fail, as a table contract
 * would (fs/iomap/buffered-io.c, 6.12: iomap_write_iter copies into the folio at :1006 and
 * iomap_write_end flushes it on each of its three branches: :912, :882 and block_write_end).
 * A question the file answers once (FileSummaries.reliedOnHelpers): the editor's cache compares
 * the answer, not every function's text.
 */
import type { Node } from '../../parsing/parser';
import { pageKey } from '../core/facts';
import type { FileContext } from '../core/fileContext';
import * as K from '../../knowledge/dcache';
import type { FlushedPlace } from './flushGuard';

export interface Reliance {
  /** The parameter the helper must flush. */
  page: number;
  every: true;
  /** A same-file caller that relies on it. */
  caller: string;
}

/** What the scan asks of the file (FileSummaries answers it). */
export interface RelianceFile extends FileContext {
  definitions(name: string): readonly Node[];
  flushedParams(name: string): FlushedPlace[] | 'any' | undefined;
}

export function scanReliedOn(file: RelianceFile): Map<string, Reliance> {
  const out = new Map<string, Reliance>();
  const unflushedWord = new RegExp(`\\b(?:${[...K.UNFLUSHED_PAGE_WRITE.keys()].join('|')})\\s*\\(`);
  for (const name of file.names()) {
    for (const fn of file.definitions(name)) {
      if (!unflushedWord.test(fn.text)) continue;
      const facts = file.factsOf(fn);
      // Where each page is written and flushed, in text order: the helper is relied on when
      // a write comes before the call with no flush of the caller's own in between.
      const written = new Map<string, number[]>();
      const flushed = new Map<string, number[]>();
      const note = (m: Map<string, number[]>, arg: Node | undefined, at: number): void => {
        if (!arg) return;
        const key = facts.canon(pageKey(arg));
        m.set(key, [...(m.get(key) ?? []), at]);
      };
      for (const e of facts.all) {
        if (e.kind !== 'call') continue;
        const w = K.UNFLUSHED_PAGE_WRITE.get(e.name);
        const f = K.FLUSH.get(e.name);
        if (w !== undefined) note(written, e.args[w], e.node.startIndex);
        if (f !== undefined) note(flushed, e.args[f], e.node.startIndex);
      }
      const reliesOn = (key: string, call: number): boolean =>
        (written.get(key) ?? []).some(
          (w) => w < call && !(flushed.get(key) ?? []).some((f) => f > w && f < call),
        );
      for (const e of facts.all) {
        if (e.kind !== 'call' || e.name === name || !file.isDefined(e.name)) continue;
        const places = file.flushedParams(e.name);
        if (!places || places === 'any' || out.has(e.name)) continue;
        const place = places.find((p) => {
          const arg = e.args[p.index];
          const key = arg ? facts.canon(pageKey(arg)) : '';
          return p.path === '' && !p.when && reliesOn(key, e.node.startIndex);
        });
        if (place) out.set(e.name, { page: place.index, every: true, caller: name });
      }
    }
  }
  return out;
}

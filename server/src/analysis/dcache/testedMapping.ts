/**
 * The folios of a mapping the function asks about: code that tests `mapping_writably_mapped()`
 * is working on that file's page cache, and the test exists because user space may have stored
 * into those folios through a shared mapping (mm/filemap.c generic_perform_write flushes before
 * the copy when it is true, 6.12 :4083; fs/iomap/buffered-io.c iomap_write_iter :1003, 6.12).
 * So the folios it merges user data into (a copy from an iterator that may stop short) and the
 * folios it flushes are page-cache folios of that mapping, whatever same-subsystem helper looked
 * them up (fs/bcachefs/fs-io-buffered.c __bch2_buffered_write gets its batch from a helper in
 * another file, 6.12). They form one group: the test covers the whole mapping, and a loop that
 * flushes every folio of a batch covers the loop that copies into each of them.
 */
import type { FunctionFacts } from '../core/facts';
import { pageKey } from '../core/facts';
import * as K from '../../knowledge/dcache';
import type { PageCacheOrigin } from './pageCache';

export function testedMappingPages(facts: FunctionFacts): Map<string, PageCacheOrigin> {
  const out = new Map<string, PageCacheOrigin>();
  const test = facts.all.find((e) => e.kind === 'call' && K.WRITABLY_MAPPED_TEST.has(e.name));
  if (!test || test.kind !== 'call') return out;
  const group = `mapping:${test.node.startIndex}`;
  for (const e of facts.all) {
    if (e.kind !== 'call') continue;
    const merged = K.UNFLUSHED_PAGE_WRITE.get(e.name);
    const idx =
      merged !== undefined && K.copyFailsWhen(e.name) === 'zero' ? merged : K.FLUSH.get(e.name);
    const arg = idx === undefined ? undefined : e.args[idx];
    if (arg) out.set(facts.canon(pageKey(arg)), { api: test.name, node: test.node, group });
  }
  return out;
}

/**
 * Which names of a function hold page-cache pages: the result of a page-cache lookup, what a
 * lookup fills through a `&x` argument (`shmem_get_folio(..., &folio, ...)`, a folio batch), an
 * element of such a batch (`fbatch.folios[i]`), and names that take one of those by plain
 * assignment or a same-page helper (`page = folio_file_page(folio, index)`). User space may map
 * these pages shared and writable, so a kernel read of them is cachetlb.rst's case (b).
 */
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import * as K from '../../knowledge/dcache';
import { unmappableMapping } from '../../xref/origin';
import type { TreeFacts } from '../../xref/types';

export interface PageCacheOrigin {
  /** The lookup the page came from, and where. */
  api: string;
  node: Node;
  /** The group of names that hold the same page (a canonical key). */
  group: string;
}

/** Canonical page key → where its page-cache page came from. */
export function pageCacheNames(
  facts: FunctionFacts,
  localLookup: (name: string) => boolean = () => false,
  /** The tree's index, to know the mappings of internal inodes kept in struct fields. */
  tree?: TreeFacts,
): Map<string, PageCacheOrigin> {
  const names = new Map<string, PageCacheOrigin>();
  // A lookup in a mapping no user store reaches gives pages of no concern (unmappableMapping).
  const unmappable = (call: Node): boolean => {
    const first = call.type === 'call_expression' ? callArguments(call)[0] : undefined;
    return first !== undefined && unmappableMapping(first, facts.cfg.node, tree) !== undefined;
  };
  for (const e of facts.all) {
    if (e.kind !== 'call' || !(K.PAGE_CACHE_LOOKUP.has(e.name) || outLookup(e))) continue;
    if (unmappable(e.node)) continue;
    for (const arg of e.args) {
      const s = stripExpr(arg);
      if (s.type === 'pointer_expression' && s.childForFieldName('operator')?.type === '&') {
        const key = facts.canon(pageKey(s));
        names.set(key, { api: e.name, node: e.node, group: key });
      }
    }
  }
  // Assignments settle in a few passes: `folio = fbatch.folios[i]; page = &folio->page`.
  for (let pass = 0; pass < 3; pass++) {
    for (const e of facts.all) {
      if (e.kind !== 'assign' || !e.rhs) continue;
      const lhs = facts.canon(e.lhsKey);
      if (names.has(lhs)) continue;
      const from = sourceOf(e.rhs, facts, names, localLookup);
      if (from && from.group === '' && unmappable(stripExpr(from.node))) continue;
      if (from) names.set(lhs, { ...from, group: from.group === '' ? lhs : from.group });
    }
  }
  return names;
}

/**
 * `a_ops->write_begin(..., &folio, ...)`: the address_space operation hands back a locked
 * page-cache folio through its out-argument (Documentation/filesystems/vfs.rst, write_begin);
 * so does a same-file `*_write_begin` helper that the file calls with `&folio`.
 */
function outLookup(e: Event & { kind: 'call' }): boolean {
  const f = e.node.childForFieldName('function');
  const name = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : e.name;
  return name !== undefined && /(?:^|_)write_begin$/.test(name);
}

/** The origin a value carries: a lookup's result, a batch element, or another held name. */
function sourceOf(
  rhs: Node,
  facts: FunctionFacts,
  names: Map<string, PageCacheOrigin>,
  localLookup: (name: string) => boolean,
): PageCacheOrigin | undefined {
  const s = stripExpr(rhs);
  const callee = s.type === 'call_expression' ? calleeName(s) : '';
  if (callee !== '' && (K.PAGE_CACHE_LOOKUP.has(callee) || localLookup(callee)))
    return { api: callee, node: s, group: '' };
  const key = facts.canon(pageKey(s));
  const held = names.get(key);
  if (held) return held;
  // `fbatch.folios[i]`, `fbatch->folios[i]`: one element of a batch a lookup filled; each
  // element is a page of its own.
  const root = /^(\w+)[.[]/.exec(key)?.[1];
  const batch = root === undefined ? undefined : names.get(facts.canon(root));
  return batch ? { api: batch.api, node: batch.node, group: '' } : undefined;
}

export interface PageRead {
  group: string;
  text: string;
  folio: boolean;
}

/**
 * The page-cache groups a read event reads, with the page expression as written and whether it
 * is a folio; `addressOf` resolves a mapped address (`kaddr`, `kmap_local_folio(folio, 0)`).
 */
export function readOf(
  e: Event,
  facts: FunctionFacts,
  names: Map<string, PageCacheOrigin>,
  addressOf: (n: Node | undefined) => { page: string } | undefined,
  display: (page: string) => { text: string; folio: boolean } | undefined,
): PageRead[] {
  if (e.kind !== 'call') return [];
  const out: PageRead[] = [];
  const idx = K.READS_PAGE.get(e.name);
  const arg = idx === undefined ? undefined : e.args[idx];
  // A partial copy from an iterator into the page merges with what user space stored through
  // its mapping: generic_perform_write() flushes before it when the file is writably mapped.
  const merged = K.UNFLUSHED_PAGE_WRITE.get(e.name);
  const mergeArg =
    merged !== undefined && K.copyFailsWhen(e.name) === 'zero' ? e.args[merged] : undefined;
  if (mergeArg) {
    const held = names.get(facts.canon(pageKey(mergeArg)));
    const text = stripExpr(mergeArg).text;
    if (held) out.push({ group: held.group, text, folio: /folio/.test(e.name + text) });
  }
  if (arg) {
    const held = names.get(facts.canon(pageKey(arg)));
    const text = stripExpr(arg).text;
    if (held) out.push({ group: held.group, text, folio: /folio/.test(e.name + text) });
  }
  for (const i of K.READS_MEMORY.get(e.name) ?? []) {
    const page = addressOf(e.args[i])?.page;
    const held = page === undefined ? undefined : names.get(page);
    const shown = page === undefined ? undefined : display(page);
    if (held && shown) out.push({ group: held.group, ...shown });
  }
  return out;
}

/** The group a flush call covers: null for a flush of whatever page is pending. */
export function flushOf(
  e: Event,
  facts: FunctionFacts,
  names: Map<string, PageCacheOrigin>,
  addressOf: (n: Node | undefined) => { page: string } | undefined,
): string | null | undefined {
  if (e.kind !== 'call') return undefined;
  const idx = K.FLUSH.get(e.name);
  if (idx !== undefined) {
    const arg = e.args[idx];
    if (!arg) return null;
    const key = addressOf(arg)?.page ?? facts.canon(pageKey(arg));
    return names.get(key)?.group ?? key;
  }
  return K.ARCH_FLUSH.test(e.name) ? null : undefined;
}

/** Variables holding `mapping_writably_mapped(...)`, which an `if` may test instead. */
export function writablyMappedTests(facts: FunctionFacts): Set<string> {
  const out = new Set<string>();
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs) continue;
    const s = stripExpr(e.rhs);
    if (s.type === 'call_expression' && K.WRITABLY_MAPPED_TEST.has(calleeName(s)))
      out.add(e.lhsKey);
  }
  return out;
}

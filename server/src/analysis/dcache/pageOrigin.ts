/**
 * Does a page written in a function need flush_dcache_page() at all? Only a page user space can
 * map does: a page-cache page of file data, a page handed in by the block layer, a page the
 * function marks up to date. Metadata pages, private buffers, integrity payloads and pages the
 * caller flushes do not (Documentation/core-api/cachetlb.rst, "flush_dcache_page").
 */
import type { Node } from '../../parsing/parser';
import { exprKey, stripExpr } from '../../parsing/nodeText';
import { normKey } from '../core/events';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { internalMapping, treeOrigin } from '../../xref/origin';
import { FILLS_PRIVATE_ARRAY, SG_STORES_PAGE } from '../../xref/sources';
import { helperPages, privateElsewhere } from './indexedOrigin';
import * as K from '../../knowledge/dcache';
import { apiAt, selectedKernelVersion } from '../../knowledge/versions';
import type { PageModel } from './pageModel';
import { outParameter } from './summaries';
import { publishes } from './pageState';
import { publishesParam } from './publication';
import { uptodateHandOff } from './uptodateHandOff';
import type { FileSummaries } from './summaries';
import type { Premise } from '../core/origin';
import { deviceConsumer } from './deviceOnly';
import { ownedMemory, unmappableInodeBranch } from './ownership';

type Origin = 'visible' | 'private' | 'param' | 'unknown';

/**
 * Whether `page`, written in the function, needs a flush: a page user space may map, written by
 * code that is not itself a helper leaving the flush to its callers. Index evidence that made a
 * page private is kept in the file's notes.
 */
export function needsFlush(
  page: string,
  model: PageModel,
  facts: FunctionFacts,
  file: FileSummaries,
  /** Set to why the page is user-visible (the finding's origin step). */
  premise: { value?: Premise } = {},
): boolean {
  const hook = archHookImplementation(facts.name, file);
  if (hook) {
    file.notes.push({ function: facts.name, offset: facts.cfg.node.startIndex, note: hook });
    return false;
  }
  const owned = ownedMemory(page, facts, file) ?? unmappableInodeWrites(page, model);
  if (owned) {
    file.notes.push({ function: facts.name, offset: facts.cfg.node.startIndex, note: owned });
    return false;
  }
  const why: string[] = [];
  let origin = originOf(page, facts, file, why, premise);
  if (origin === 'private' && why[0])
    file.notes.push({
      function: facts.name,
      offset: facts.cfg.node.startIndex,
      note: `index: ${page} is private: ${why[0]}`,
    });
  if (origin === 'private' || METADATA_FUNCTION.test(facts.name) || isKnownHelper(facts.name))
    return false;
  // A page of no known user-visible origin that the function hands to a device only. A
  // scatterlist's page passes for a request's page, unless the function maps that scatterlist
  // for the device itself.
  const device =
    origin === 'visible' && !/^sg_page\(/.test(page) ? undefined : deviceConsumer(page, facts);
  if (device) {
    file.notes.push({
      function: facts.name,
      offset: facts.cfg.node.startIndex,
      note: `${page} only goes to the device: ${device}`,
    });
    return false;
  }
  // Written through a kernel mapping, then handed to a helper that marks it up to date: file
  // data for readers (uptodateHandOff.ts). A linear-map store is left to the checks below.
  const handed =
    origin === 'unknown' || origin === 'param'
      ? uptodateHandOff(page, model, facts, file)
      : undefined;
  if (handed) {
    origin = 'visible';
    premise.value = {
      kind: 'published',
      api: handed.callee,
      node: handed.node,
      what: `\`${page}\``,
    };
  }
  if (
    (origin === 'unknown' || origin === 'param') &&
    page.includes('.') &&
    !/\.b_page$/.test(page)
  ) {
    // A page kept in a structure: trust what the file stores into that field.
    const field = /(\w+)(?:\[[^\]]*\])?$/.exec(page)?.[1] ?? '';
    if (file.fieldOrigin(field) !== 'visible') return false;
    origin = 'visible';
    premise.value = { kind: 'field', expr: page, node: facts.cfg.node };
  }
  const vias = new Set<string>();
  for (const list of model.actions.values())
    for (const a of list) if (a.kind === 'write' && a.page === page) vias.add(a.via);
  const onlyLinear = [...vias].every((v) => v === 'linear' || v === 'bh' || v === 'page-write');
  if (onlyLinear) {
    // Without kmap the write is only suspect on a page-cache page (a buffer head of file data,
    // recognised by the file size being updated, or a page from a page-cache lookup).
    // File data copied in, not metadata fields updated: a memcpy-like write plus a size update.
    if (vias.has('bh')) {
      const copies = [...model.actions.entries()].some(
        ([e, l]) =>
          e.kind === 'call' &&
          K.WRITES_ARGUMENT.has(e.name) &&
          l.some((a) => a.kind === 'write' && a.page === page),
      );
      // A quota file is file data too: quotactl tools read it (fs/*/super.c *_quota_write).
      const fileData =
        /quota_write$/.test(facts.name) ||
        facts.all.some((e) => e.kind === 'call' && K.FILE_SIZE_UPDATE.has(e.name));
      return copies && fileData;
    }
    // A whole-page helper (clear_highpage, copy_highpage: kmap_local_page, write, kunmap, no
    // flush; include/linux/highmem.h:237 and :320, 6.12) filling a page the function then marks
    // up to date fills file data for readers through every mapping. So does a store through
    // page_address() into a page the function takes out of the up-to-date state first: it was
    // file data readers could map, and clearing the flag unmaps nothing (fs/ntfs3/inode.c
    // inode_write_data, 6.1). Without that, a page_address() page marked up to date is often a
    // directory's or an internal inode's (fs/f2fs/inline.c, fs/ext4/mballoc.c, 6.1).
    const fills = vias.has('page-write') || (vias.has('linear') && unpublishes(model, page));
    return origin === 'visible' || (fills && publishes(model, page, facts.canon));
  }
  // A page the caller passes in (a bio page it holds included) is the caller's to flush when
  // every same-file caller does so.
  const root = /^\w+/.exec(page)?.[0] ?? '';
  const at = facts.params.indexOf(root);
  if (at >= 0 && file.callerFlushes(facts.name, at, page.slice(root.length))) return false;
  // `*foliop = folio; return 0;` (a write_begin): the caller gets the page and flushes it.
  const out = outParameter(page, facts);
  if (out >= 0 && file.callerFlushes(facts.name, out, '', 0, true)) return false;
  return true;
}

/** Whether the function takes `page` out of the up-to-date state (ClearPageUptodate). */
function unpublishes(model: PageModel, page: string): boolean {
  for (const list of model.actions.values())
    if (list.some((a) => a.kind === 'unpublish' && a.page === page)) return true;
  return false;
}

/** Why every write of `page` is to a symlink's or directory's page (each under an S_ISLNK test). */
function unmappableInodeWrites(page: string, model: PageModel): string | undefined {
  let why: string | undefined;
  for (const list of model.actions.values())
    for (const a of list) {
      if (a.kind !== 'write' || a.page !== page) continue;
      why = unmappableInodeBranch(a.node);
      if (!why) return undefined;
    }
  return why;
}

/**
 * Where the page came from: only pages user space can map need the flush. `why` collects the
 * tree index's evidence when it decided.
 */
function originOf(
  page: string,
  facts: FunctionFacts,
  file: FileSummaries,
  why: string[],
  premise: { value?: Premise },
): Origin {
  if (integrityVector(page, facts, file)) return 'private';
  const fn = facts.cfg.node;
  const filled =
    filledScatterlist(page, facts) ??
    filledBvecs(page, facts) ??
    privateElsewhere(page, facts, file);
  if (filled) {
    why.push(filled);
    return 'private';
  }
  if (/(?:^|\.)bv_page\b|^(?:sg|bio)_page\(|^miter:|(?:^|\.)b_page$/.test(page)) {
    premise.value = /b_page$/.test(page)
      ? { kind: 'field', expr: page, node: fn }
      : { kind: 'bio', node: fn, what: `\`${page}\`` };
    return 'visible';
  }
  const root = page.split('.')[0] ?? '';
  let origin: Origin = facts.params.includes(root) ? 'param' : 'unknown';
  premise.value =
    origin === 'param'
      ? { kind: 'parameter', name: root, node: fn }
      : { kind: 'unknown', name: page, node: fn };
  let published = false;
  for (const e of facts.all) {
    if (
      e.kind === 'call' &&
      K.PUBLISH_PAGE.has(e.name) &&
      e.args.some((a) => facts.canon(a.text.replace(/\s+/g, '')) === page)
    ) {
      // Added to the page cache of an internal inode (`add_to_page_cache_lru(p, META(sbi), ...)`):
      // still out of user space's reach.
      const into = e.args
        .filter((a) => facts.canon(a.text.replace(/\s+/g, '')) !== page)
        .map((a) => internalMapping(a, fn, file.tree?.tree))
        .find((w) => w !== undefined);
      if (into) {
        why.push(`added to an internal inode's page cache: ${into}`);
        continue;
      }
      published = true;
      premise.value = { kind: 'published', api: e.name, node: e.node };
    }
    // A same-file helper that installs the page for user space (publication.ts).
    if (
      e.kind === 'call' &&
      !published &&
      e.name !== facts.name &&
      file.isDefined(e.name) &&
      e.args.some(
        (a, i) =>
          facts.canon(a.text.replace(/\s+/g, '')) === page && publishesParam(file, e.name, i),
      )
    ) {
      published = true;
      premise.value = { kind: 'published', api: e.name, node: e.node };
    }
    if (e.kind !== 'assign' || !e.rhs || facts.canon(e.lhsKey) !== page) continue;
    if (fillsSlot(e, page, facts)) continue;
    const callee = calleeOfValue(e.rhs);
    // `page = wqueue->notes[i]`: a page kept in a field is what the file stores there.
    const field =
      callee === '' ? /(?:\.)(\w+)(?:\[[^\]]*\])?$/.exec(normKey(exprKey(e.rhs)))?.[1] : undefined;
    const kept = field ? file.fieldOrigin(field) : undefined;
    if (kept === 'private') origin = 'private';
    else if (kept === 'visible' && origin !== 'private') origin = 'visible';
    // A directory or b-tree page getter (`dir_get_page`) hands out metadata pages.
    const returned = !file.isDefined(callee)
      ? undefined
      : METADATA_FUNCTION.test(callee)
        ? 'private'
        : file.returnOrigin(callee);
    // The tree index: a field only ever given private pages, an internal inode's mapping.
    const hint =
      file.tree &&
      (treeOrigin(e.rhs, facts.cfg.node, file.tree.tree) ??
        helperPages(e.rhs, page, facts, file.tree.tree));
    if (hint?.value === 'private') why.push(hint.evidence);
    if (hint?.value === 'private' && origin !== 'visible') origin = 'private';
    if (kept === 'visible') premise.value = { kind: 'field', expr: page, node: e.node };
    if (K.PRIVATE_PAGE_SOURCE.has(callee) || returned === 'private') origin = 'private';
    else if (
      (K.VISIBLE_PAGE_SOURCE.has(callee) || returned === 'visible') &&
      origin !== 'private'
    ) {
      origin = 'visible';
      if (!published) premise.value = { kind: 'api', api: callee, node: e.node };
    }
  }
  return origin === 'private' && published ? 'visible' : origin;
}

/**
 * `sg_page(sg + i)` where the function itself stored a fresh private page into that entry
 * (`pg = alloc_page(...); sg_assign_page(sg + i, pg)`): the entry holds the page it was given,
 * whatever scatterlists hold elsewhere. Every store into the entry must be such a page.
 */
function filledScatterlist(page: string, facts: FunctionFacts): string | undefined {
  const entry = /^sg_page\((.+)\)$/.exec(page)?.[1];
  if (!entry) return undefined;
  const flat = (t: string): string => facts.canon(t.replace(/\s+/g, ''));
  const sources: (string | undefined)[] = [];
  for (const e of facts.all) {
    const at = e.kind === 'call' ? SG_STORES_PAGE.get(e.name) : undefined;
    if (at === undefined || e.kind !== 'call' || flat(e.args[0]?.text ?? '') !== entry) continue;
    const value = e.args[at] && stripExpr(e.args[at]);
    if (!value || /^(?:NULL|0)$/.test(value.text)) continue;
    sources.push(...privateSources(value, facts));
  }
  const [first] = sources;
  return first !== undefined && sources.every((c) => c !== undefined)
    ? `${entry}'s page is one the function stored there from ${first}()`
    : undefined;
}

/**
 * `bv[i].bv_page = pages[i]` where the function filled `pages` itself with fresh pages
 * (`alloc_pages_bulk_array(gfp, n, pages)`) or from private allocators: a bio_vec array built
 * over the function's own pages (a splice read into pages it then hands to a pipe).
 */
function filledBvecs(page: string, facts: FunctionFacts): string | undefined {
  const vec = /^(\w+)(?:\[[^\]]*\])?\.bv_page$/.exec(page)?.[1];
  if (!vec) return undefined;
  const entry = new RegExp(`^${vec}(?:\\[[^\\]]*\\])?\\.bv_page$`);
  const sources: (string | undefined)[] = [];
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || !entry.test(e.lhsKey)) continue;
    const value = stripExpr(e.rhs);
    const array =
      value.type === 'subscript_expression' ? value.childForFieldName('argument') : null;
    sources.push(
      ...(array?.type === 'identifier'
        ? [filledArray(array.text, facts)]
        : privateSources(value, facts)),
    );
  }
  const [first] = sources;
  return first !== undefined && sources.every((c) => c !== undefined)
    ? `${vec}'s pages are ones the function allocated itself with ${first}()`
    : undefined;
}

/** The allocator that filled the local page array `name` (`alloc_pages_bulk_array(.., name)`). */
function filledArray(name: string, facts: FunctionFacts): string | undefined {
  let filler: string | undefined;
  for (const e of facts.all) {
    if (e.kind === 'call' && e.args.some((a) => stripExpr(a).text === name)) {
      if (!FILLS_PRIVATE_ARRAY.test(e.name)) continue;
      filler = e.name;
    }
    // Any element stored from elsewhere makes the array's origin unknown.
    if (e.kind === 'assign' && e.lhsKey.startsWith(`${name}[`)) return undefined;
  }
  return filler;
}

/** The private allocators a value comes from (a call, or every value a local is given). */
function privateSources(value: Node, facts: FunctionFacts): (string | undefined)[] {
  const direct = calleeOfValue(value);
  if (value.type !== 'identifier') return [K.PRIVATE_PAGE_SOURCE.has(direct) ? direct : undefined];
  const given = facts.all.flatMap((e) =>
    e.kind === 'assign' && e.rhs && facts.canon(e.lhsKey) === facts.canon(value.text)
      ? [calleeOfValue(e.rhs)]
      : [],
  );
  return given.length === 0
    ? [undefined]
    : given.map((c) => (K.PRIVATE_PAGE_SOURCE.has(c) ? c : undefined));
}

/** `bv.bv_page` where `bip_for_each_vec(bv, bip, iter)` walks a block-integrity payload. */
function integrityVector(page: string, facts: FunctionFacts, file: FileSummaries): boolean {
  if (/^bip\.bip_vec|\.bip_vec\b/.test(page)) return true;
  const bvec = /^(\w+)\.bv_page$/.exec(page)?.[1];
  if (!bvec) return false;
  // `struct bio_vec biv = bvec_iter_bvec(bip->bip_vec, bip->bip_iter)`
  const fromPayload = facts.all.some(
    (e) => e.kind === 'assign' && e.lhsKey === bvec && /\bbip_vec\b/.test(e.rhs?.text ?? ''),
  );
  if (fromPayload) return true;
  for (const loop of facts.iterators.values()) {
    if (!K.PRIVATE_BVEC_ITERATOR.has(loop.macro)) continue;
    const first = file
      .text(loop.argsOpen + 1, loop.argsClose)
      .split(',')[0]
      ?.trim();
    if (first === bvec) return true;
  }
  return false;
}

/**
 * `*ppage = alloc_page(...)` while the name walks an array it was given (`ppage = xdr->pages`):
 * the store fills one empty slot (sunrpc's sparse pages, net/sunrpc/socklib.c:126, 6.12), it
 * does not make the array's other pages private.
 */
function fillsSlot(e: Extract<Event, { kind: 'assign' }>, page: string, facts: FunctionFacts) {
  if (e.node.childForFieldName('left')?.type !== 'pointer_expression') return false;
  return facts.all.some(
    (o) =>
      o.kind === 'assign' &&
      o !== e &&
      o.rhs !== null &&
      facts.canon(o.lhsKey) === page &&
      o.node.childForFieldName('left')?.type !== 'pointer_expression' &&
      calleeOfValue(o.rhs) === '',
  );
}

function calleeOfValue(n: Node): string {
  n = stripExpr(n);
  return n.type === 'call_expression' ? (n.childForFieldName('function')?.text ?? '') : '';
}

/**
 * Pages of directories, symlinks, b-trees and xattrs live in the page cache but user space
 * cannot mmap them, so their writes need no flush; such functions say so in their names.
 */
const METADATA_FUNCTION =
  /(?:^|_)(?:dir|dirent|readdir|dentry|bnode|btree|bmap|brec|xattr|symlink|make_empty|dir_el|inline_dir|extent_buffer|cpfile|sufile|ifile|mdt)(?:_|$)|dir$/;

/** Roles of the cache-maintenance hooks an architecture implements (cachetlb.rst). */
const HOOK_ROLES = new Set(['flush', 'flushes-internally', 'arch-flush', 'flushes-walked-pages']);

/**
 * An architecture's own definition of a cache-maintenance hook (`copy_user_highpage` in
 * arch/<a>/mm/): Documentation/core-api/cachetlb.rst leaves how the hook keeps the aliases
 * coherent to the architecture (a deferred flush flag such as PG_dcache_clean, a purge of the
 * alias of the user address's colour, nothing on caches that do not alias), so the generic rule
 * that callers flush after a write does not apply inside it. Only known inside a tree, where the
 * file's path is.
 */
function archHookImplementation(name: string, file: FileSummaries): string | undefined {
  const arch = /^arch\/([^/]+)\//.exec(file.tree?.file ?? '')?.[1];
  if (!arch) return undefined;
  const api = apiAt(name, selectedKernelVersion());
  return api?.roles.some((r) => HOOK_ROLES.has(r.role))
    ? `${name}() is ${arch}'s own implementation of a cache-maintenance hook (cachetlb.rst): not judged by the generic rule`
    : undefined;
}

/** The kernel's own helpers (memcpy_page, zero_user_segments...) leave the flush to callers by design. */
function isKnownHelper(name: string): boolean {
  // Helpers whose contract is to flush what they wrote (memcpy_to_page, zero_user_segments):
  // their own definitions must do it.
  const api = apiAt(name, selectedKernelVersion());
  if (api?.roles.some((r) => r.role === 'flushes-internally')) return false;
  return (
    K.UNFLUSHED_PAGE_WRITE.has(name) ||
    K.FLUSH.has(name) ||
    K.WRITES_ARGUMENT.has(name) ||
    /highpage\w*$|^(?:memcpy|memset|memzero|copy)_(?:to_|from_)?(?:page|folio|bvec)s?$/.test(name)
  );
}

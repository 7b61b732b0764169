/**
 * What each event of a function does to pages and their kernel mappings: maps, writes through a
 * mapping (or the linear map, or a buffer head), flushes, unmaps, marks up to date, hands the
 * mapping to its caller. Used by the missing-flush-dcache-page rule.
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, exprKey, stripExpr } from '../../parsing/nodeText';
import { normKey, pointerBase } from '../core/events';
import type { Event } from '../core/events';
import type { Edge } from '../../cfg/graph';
import { testOf } from '../core/conditions';
import { negativeTest } from './conditions';
import { iteratorWrites } from './iteratorWrites';
import { unmappableInodeBranch } from './ownership';
import { earlierWrites } from './earlierWrites';
import { otherBufferAt } from './addressDefs';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import type { FileSummaries, IndexNote } from './summaries';
import { callName, computeParamWritesWith } from './summaries';
import { PAGE_COUNT } from '../../knowledge/shared';
import * as K from '../../knowledge/dcache';
import { FLUSH_VMAP } from '../../knowledge/vmap';
import { isKnownApi } from '../../knowledge/table';
import { guardAllows } from './flushGuard';
import { GET_BLOCK_CALL, getBlockWrittenPage } from './getBlock';
import { declaredTypes } from '../../xref/declarations';
import { FixpointMemo, provisionalAnswers } from '../core/fixpoint';

/** `ring`: a structure the file keeps in pages it maps into user space (userRing.ts). */
export type WriteVia = 'kmap' | 'linear' | 'bh' | 'miter' | 'page-write' | 'ring';

export type PageAction =
  | { kind: 'map'; page: string; api: string; node: Node }
  /** `mappedBy`: the call that gave the address, when it is not a map action of its own. */
  /** `result`: the name given the copy's return value (`ret = copy_from_user(kaddr, ...)`). */
  | {
      kind: 'write';
      page: string;
      via: WriteVia;
      node: Node;
      size?: number;
      mappedBy?: MappedBy;
      result?: string;
      /** Only on paths where the condition `key` has this truth (the callee's flag argument). */
      onlyIf?: { key: string; holds: boolean };
      /** A write another function did before (earlierWrites.ts), in words for the step. */
      earlier?: string;
    }
  /** `name`: the page expression as flushed, before names are joined (`kmapped_page`). */
  | { kind: 'flush'; page: string | null; api: string; node: Node; name?: string }
  | { kind: 'unmap'; page: string | null; api: string; node: Node }
  | { kind: 'publish' | 'unpublish' | 'escape'; page: string; node: Node }
  /**
   * A name is given a value (`page = pages[1]`, `kmapped_page = page`, `bv++`: rhs null);
   * `cursor`: the value is what a cursor points at (`f = *fi`), an element of a collection.
   */
  | { kind: 'rename'; lhs: string; rhs: string | null; node: Node; cursor?: boolean };

export interface PageInfo {
  /** The page expression as the code spells it at the mapping (`bvec->bv_page`). */
  display: string;
  /** Mapped as a folio (`kmap_local_folio`): the flush is `flush_dcache_folio`. */
  folio: boolean;
}

/** The call an address comes from: `bvec_kmap_local(&bv)`, `page_address(page)`, `memcpy_page()`. */
export interface MappedBy {
  node: Node;
  api: string;
}

interface Binding {
  page: string;
  via: WriteVia;
  mappedBy?: MappedBy;
}

export interface PageModel {
  actions: Map<Event, PageAction[]>;
  pages: Map<string, PageInfo>;
  /** The page an address expression points into (`kaddr`, `kaddr + off`, `kmap(p)`). */
  addressOf(n: Node | undefined): { page: string; via: WriteVia } | undefined;
  /** The pages whose copy failed when the path takes `edge` (`if (ret) goto out;`). */
  failedOn(edge: Edge): string[];
}

/** Fields that name where a stream writes (`strm.next_out`), not where it reads (`next_in`). */
const OUTPUT_FIELD = /\.(?:next_out|out|out_buf|outbuf|dst|dest|output)$/;

export function buildPageModel(facts: FunctionFacts, file: FileSummaries): PageModel {
  const { canon } = facts;
  const bindings = new Map<string, Binding>();
  const pages = new Map<string, PageInfo>();
  const miters = new Map<string, boolean>(); // miter key → flushes at stop (SG_MITER_TO_SG)
  const rings = file.ringWriteRoots(facts.cfg.node);

  /** `path`: a field of what the argument points to (`&bv` and `.bv_page` name `bv.bv_page`). */
  const notePage = (arg: Node, api: string, path = ''): string => {
    const page = canon(pageKey(arg) + path);
    if (!pages.has(page)) {
      const s = stripExpr(arg);
      const inner = s.type === 'pointer_expression' ? s.childForFieldName('argument') : null;
      const display =
        path === '' ? s.text : inner ? `${inner.text}${path}` : `${s.text}->${path.slice(1)}`;
      pages.set(page, { display, folio: api.includes('folio') });
    }
    return page;
  };
  const bvecPage = (arg: Node): { key: string; text: string } => {
    const s = stripExpr(arg);
    const inner = s.type === 'pointer_expression' ? s.childForFieldName('argument') : null;
    const text = inner ? `${inner.text}.bv_page` : `${s.text}->bv_page`;
    return { key: canon(normKey(text.replace(/\s+/g, ''))), text };
  };

  /** The page an address expression points into, if the function mapped it. */
  const addressOf = (n: Node | undefined): Binding | undefined => {
    if (!n) return undefined;
    const base = pointerBase(n);
    if (base.type === 'call_expression') {
      const name = calleeName(base);
      const args = callArguments(base);
      const idx = K.MAP_BY_PAGE.get(name);
      const mappedBy = { node: base, api: name };
      if (idx !== undefined && args[idx])
        return { page: notePage(args[idx], name), via: 'kmap', mappedBy };
      if (K.LINEAR_ADDRESS.has(name) && args[0])
        return { page: notePage(args[0], name), via: 'linear', mappedBy };
      if (K.MAP_BY_BVEC.has(name) && args[0]) {
        const { key, text } = bvecPage(args[0]);
        if (!pages.has(key)) pages.set(key, { display: text, folio: false });
        return { page: key, via: name === 'bvec_virt' ? 'linear' : 'kmap', mappedBy };
      }
      return undefined;
    }
    const key = normKey(exprKey(base));
    const bound = bindings.get(key);
    if (bound) return bound;
    const bh = /^(.*)\.b_data$/.exec(key);
    if (bh?.[1]) {
      const page = canon(`${bh[1]}.b_page`);
      if (!pages.has(page))
        pages.set(page, { display: `${bh[1].replace(/\./g, '->')}->b_page`, folio: false });
      return { page, via: 'bh' };
    }
    const miter = /^(.*)\.addr$/.exec(key);
    if (miter?.[1] && miters.has(miter[1])) return { page: `miter:${miter[1]}`, via: 'miter' };
    // `cpu->meta_page` itself, when `meta = cpu->meta_page` made it a ring name.
    const same = [...rings].find((r) => facts.canon(r) === facts.canon(key));
    const root = same ?? /^\w+/.exec(key)?.[0];
    if (root && rings.has(root)) {
      const page = `ring:${root}`;
      if (!pages.has(page)) pages.set(page, { display: root, folio: false });
      return { page, via: 'ring' };
    }
    return undefined;
  };

  // Addresses are bound flow-insensitively; two passes settle chains like `q = p + 4`.
  for (let pass = 0; pass < 2; pass++) {
    for (const e of facts.all) {
      checkDeadline();
      // Only a miter of this function's own (`&miter`) ends here; one kept in a structure
      // is stopped by another function.
      if (e.kind === 'call' && e.name === K.SG_MITER_START && e.args[0]?.text.startsWith('&')) {
        const flags = e.args[3]?.text ?? '';
        miters.set(
          normKey(exprKey(e.args[0])),
          !/SG_MITER_FROM_SG/.test(flags) || /SG_MITER_TO_SG/.test(flags),
        );
      }
      // `*out = kaddr` binds no local name: `out` points to where the address is kept.
      const derefStore = e.node.childForFieldName('left')?.type === 'pointer_expression';
      if (e.kind === 'assign' && e.rhs && !derefStore) {
        const b = addressOf(e.rhs);
        if (b && !bindings.has(e.lhsKey)) bindings.set(e.lhsKey, b);
      }
    }
  }

  // What this function unmaps itself: the addresses (`kunmap_atomic(it->addr)`) and the pages
  // (`kunmap(sg_page(sg))`, or the page of an unmapped address).
  const unmapped = new Set<string>();
  for (const e of facts.all) {
    const arg = e.kind === 'call' && K.UNMAP.has(e.name) ? e.args[0] : undefined;
    if (!arg) continue;
    unmapped.add(normKey(exprKey(stripExpr(arg))));
    unmapped.add(addressOf(arg)?.page ?? facts.canon(pageKey(arg)));
  }
  /** Mappings parked in a field of what the argument names (`t` → `t.rx_buf`), by field. */
  const parkedBindings = (n: Node): [string, Binding][] => {
    const key = normKey(exprKey(stripExpr(n)));
    return [...bindings].flatMap(([k, b]): [string, Binding][] => {
      const field = k.startsWith(`${key}.`) ? k.slice(key.length + 1) : '';
      return /^\w+$/.test(field) ? [[field, b]] : [];
    });
  };
  /** Mappings kept in fields of a structure the argument names (`&stream` → `stream.next_out`). */
  const fieldBindings = (n: Node): Binding[] => {
    const key = normKey(exprKey(stripExpr(n)));
    return [...bindings]
      .filter(([k]) => k.startsWith(`${key}.`) && OUTPUT_FIELD.test(k))
      .map(([, b]) => b);
  };
  // A variable given another buffer on the way (`c = buf->tail->iov_base`) no longer writes the page.
  const other = otherBufferAt(
    facts,
    (rhs) => addressOf(rhs) !== undefined,
    new Set(bindings.keys()),
  );
  const addressAt =
    (e: Event) =>
    (n: Node | undefined): Binding | undefined => {
      const b = addressOf(n);
      const base = b && n ? pointerBase(n) : undefined;
      return base && base.type !== 'call_expression' && other(e, normKey(exprKey(base)))
        ? undefined
        : b;
    };
  const actions = new Map<Event, PageAction[]>();
  for (const e of facts.all) {
    checkDeadline();
    const list = eventActions(
      e,
      addressAt(e),
      fieldBindings,
      parkedBindings,
      notePage,
      miters,
      unmapped,
      facts,
      file,
    );
    // Names move on (`page = get_arg_page(...)` in a loop, `bv++`); the rule follows which
    // names still hold a written page.
    if (e.kind === 'assign')
      list.push({
        kind: 'rename',
        lhs: e.lhsKey,
        rhs: e.rhs ? pageKey(e.rhs) : null,
        node: e.node,
        cursor: e.rhs ? isCursorElement(e.rhs) : false,
      });
    if (list.length > 0) actions.set(e, list);
  }
  for (const { e, page } of iteratorWrites(facts, notePage, bvecPage)) {
    if (e.kind !== 'call') continue;
    const mappedBy = { node: e.node, api: e.name };
    const write: PageAction = { kind: 'write', page, via: 'kmap', node: e.node, mappedBy };
    actions.set(e, [...(actions.get(e) ?? []), write]);
  }
  for (const w of earlierWrites(facts, file)) {
    const page = notePage(w.target, 'kmap');
    const write: PageAction = {
      kind: 'write',
      page,
      via: 'kmap',
      node: w.event.node,
      earlier: w.note,
    };
    actions.set(w.event, [...(actions.get(w.event) ?? []), write]);
  }
  const results = new Map<string, string[]>();
  for (const list of actions.values())
    for (const a of list)
      if (a.kind === 'write' && a.result !== undefined)
        results.set(a.result, [...(results.get(a.result) ?? []), a.page]);
  // A callee that writes the page returns a negative errno when it failed (the kernel's
  // convention): `if (fill(page) < 0) goto err;` leaves a page nobody publishes.
  const calleeWrites = new Map<string, string[]>();
  for (const [e, list] of actions)
    for (const a of list)
      if (
        a.kind === 'write' &&
        e.kind === 'call' &&
        !K.copyFailsWhen(e.name) &&
        !K.WRITES_ARGUMENT.has(e.name) &&
        !K.UNFLUSHED_PAGE_WRITE.has(e.name)
      ) {
        const key = `${e.node.startIndex}`;
        calleeWrites.set(key, [...(calleeWrites.get(key) ?? []), a.page]);
        const r = resultName(e.node);
        if (r) calleeWrites.set(r, [...(calleeWrites.get(r) ?? []), a.page]);
      }
  const failedOn = (edge: Edge): string[] => {
    const negative = negativeTest(edge);
    if (negative) return calleeWrites.get(negative) ?? [];
    const test = zeroTest(edge);
    // `err = fill(page); if (err) goto out;`: 0 or a negative errno, so non-zero failed too;
    // the same for the call tested in place (`if (tr->readsect(dev, block, buf)) return ...;`).
    if (test && !test.zero && calleeWrites.has(test.name)) return calleeWrites.get(test.name)!;
    if (results.size === 0 || !test) return [];
    const pages = results.get(test.name) ?? [];
    const call = [...actions].find(([, l]) =>
      l.some((a) => a.kind === 'write' && a.result === test.name),
    )?.[0];
    const name = call?.kind === 'call' ? call.name : '';
    const fails = K.copyFailsWhen(name);
    return fails === (test.zero ? 'zero' : 'nonzero') ? pages : [];
  };
  return { actions, pages, addressOf, failedOn };
}

/**
 * For an edge out of `if (x)`, `if (!x)`, `if (unlikely(x == 0))`, `if (x != 0)`: the name tested
 * and whether the edge is the way x is zero.
 */
function zeroTest(edge: Edge): { name: string; zero: boolean } | undefined {
  if (edge.via?.type !== 'if_statement') return undefined;
  const t = testOf(edge);
  if (!t || t.compare) return undefined;
  if (t.subject.type === 'call_expression')
    return { name: `${t.subject.startIndex}`, zero: !t.holds };
  if (t.subject.type !== 'identifier') return undefined;
  return { name: t.subject.text, zero: !t.holds };
}

function eventActions(
  e: Event,
  addressOf: (n: Node | undefined) => Binding | undefined,
  fieldBindings: (n: Node) => Binding[],
  parkedBindings: (n: Node) => [string, Binding][],
  notePage: (arg: Node, api: string, path?: string) => string,
  miters: Map<string, boolean>,
  unmapped: Set<string>,
  facts: FunctionFacts,
  file: FileSummaries,
): PageAction[] {
  const out: PageAction[] = [];
  const write = (n: Node | undefined, node: Node, size?: number): void => {
    const b = addressOf(n);
    if (b) out.push(writeAction(b, node, size));
  };
  switch (e.kind) {
    case 'store': {
      const lhs = e.node.childForFieldName('left') ?? e.node.childForFieldName('argument');
      // `*out = kaddr` hands the mapping to the caller through a pointer-to-pointer: it stores
      // the address, it does not write the page.
      const stored =
        e.node.type === 'assignment_expression' ? e.node.childForFieldName('right') : null;
      if (stored && addressOf(stored)) return out;
      const b = lhs ? addressOf(storeTarget(lhs)) : undefined;
      if (b) out.push(writeAction(b, e.node));
      return out;
    }
    case 'return':
    case 'assign': {
      const value = e.kind === 'return' ? e.value : e.rhs;
      const b = value ? addressOf(value) : undefined;
      // A mapping returned to the caller, or parked in a structure, is the caller's to flush.
      // A field that this function unmaps itself (`kunmap_atomic(it->addr)`) is only a place to
      // keep the address for a while.
      const parked =
        e.kind === 'assign' &&
        e.lhsKey.includes('.') &&
        !unmapped.has(e.lhsKey) &&
        !(b && unmapped.has(b.page));
      // A helper the table says flushes what it writes (folio_zero_tail, include/linux/highmem.h:520,
      // 6.12) returns the address for the caller to unmap, not a write for the caller to flush.
      const returned = e.kind === 'return' && !K.FLUSH.has(facts.name);
      if (b && (returned || parked)) out.push({ kind: 'escape', page: b.page, node: e.node });
      return out;
    }
    case 'call':
      break;
  }
  const { name, args, node } = e;
  const mapIdx = K.MAP_BY_PAGE.get(name);
  if (mapIdx !== undefined && args[mapIdx])
    out.push({ kind: 'map', page: notePage(args[mapIdx], name), api: name, node });
  if (K.UNMAP.has(name)) {
    const b = addressOf(args[0]);
    out.push({
      kind: 'unmap',
      page: b?.page ?? (args[0] ? facts.canon(pageKey(args[0])) : null),
      api: name,
      node,
    });
  }
  const flushIdx = K.FLUSH.get(name);
  if (flushIdx !== undefined) {
    const arg = args[flushIdx];
    const bound = arg ? addressOf(arg) : undefined;
    if (!arg || name.includes('bvec')) out.push({ kind: 'flush', page: null, api: name, node });
    else if (bound) out.push({ kind: 'flush', page: bound.page, api: name, node });
    else
      out.push({
        kind: 'flush',
        page: facts.canon(pageKey(arg)),
        api: name,
        node,
        name: pageKey(arg),
      });
  }
  // flush_kernel_vmap_range() writes back the kernel's lines of the range it is given: the page
  // of a tracked address is flushed (cachetlb.rst; a user-mapped field's page,
  // kernel/trace/ring_buffer.c rb_update_meta_page, 6.12).
  const vmapFlushed = name === FLUSH_VMAP ? addressOf(args[0]) : undefined;
  if (vmapFlushed) out.push({ kind: 'flush', page: vmapFlushed.page, api: name, node });
  const pageWrite = K.UNFLUSHED_PAGE_WRITE.get(name);
  const result = K.copyFailsWhen(name) ? resultName(node) : undefined;
  if (pageWrite !== undefined && args[pageWrite]) {
    const via: WriteVia = K.KMAP_PAGE_WRITE.has(name) ? 'kmap' : 'page-write';
    const page = notePage(args[pageWrite], name);
    out.push({
      kind: 'write',
      page,
      via,
      node,
      mappedBy: { node, api: name },
      ...(result ? { result } : {}),
    });
  }
  const before = out.length;
  for (const i of K.WRITES_ARGUMENT.get(name) ?? [])
    write(
      args[i],
      node,
      K.writeLength(
        name,
        args.map((a) => a.text),
      ),
    );
  if (result) for (const a of out.slice(before)) if (a.kind === 'write') a.result = result;
  const stored = args[K.STORE_MACRO.get(name) ?? -1];
  if (stored) write(storeTarget(stored) ?? stored, node);
  if (K.MARK_UPTODATE.has(name) && args[0])
    out.push({ kind: 'publish', page: facts.canon(pageKey(args[0])), node });
  if (K.MARK_NOT_UPTODATE.has(name) && args[0])
    out.push({ kind: 'unpublish', page: facts.canon(pageKey(args[0])), node });
  if ((name === K.SG_MITER_NEXT || name === K.SG_MITER_STOP) && args[0]) {
    const m = normKey(exprKey(args[0]));
    // sg_miter_next stops the previous page first, which flushes it (lib/scatterlist.c).
    if (miters.get(m) !== false) out.push({ kind: 'flush', page: `miter:${m}`, api: name, node });
    if (name === K.SG_MITER_NEXT) out.push({ kind: 'map', page: `miter:${m}`, api: name, node });
  }
  if (K.FLUSHES_WALKED_PAGES.has(name)) out.push({ kind: 'flush', page: null, api: name, node });
  if (flushIdx === undefined && K.ARCH_FLUSH.test(name))
    out.push({ kind: 'flush', page: null, api: name, node });
  const blockPage = name ? getBlockWrittenPage(e, file.tree) : undefined;
  if (blockPage)
    out.push({
      kind: 'write',
      page: notePage(blockPage, name),
      via: 'kmap',
      node,
      mappedBy: { node, api: name },
    });
  const known =
    K.WRITES_ARGUMENT.has(name) ||
    K.FLUSH.has(name) ||
    K.MAP_BY_PAGE.has(name) ||
    K.UNMAP.has(name);
  if (!known && name) {
    const local = file.isDefined(name);
    // A call through a parameter of a callback type (`copy_actor(desc, kaddr, len)` with
    // `xdr_skb_read_actor copy_actor`): the type's name says what the callbacks do.
    const writer =
      K.WRITER_NAME.test(name) ||
      (facts.params.includes(name) && K.WRITER_NAME.test(typesOf(facts.cfg.node).get(name) ?? ''));
    args.forEach((arg, i) => {
      const b = addressOf(arg);
      // A ring structure handed to a helper follows the ring's own protocol (a block header is
      // flushed when the block is closed), so only the function's own stores into it count.
      if (b?.via === 'ring' || K.LOGS.test(name)) return;
      if (b && (local ? file.writesParam(name, i) : writer)) {
        out.push(writeAction(b, node));
      }
      // `zlib_inflate(&stream)` with `stream.next_out` pointing into the mapping.
      if (!b && !local && writer) {
        for (const f of fieldBindings(arg)) out.push(writeAction(f, node));
      }
      // `t->rx_buf = kaddr; pio_read(host, t)`: a same-file callee that stores through the
      // mapping parked in that field of its argument.
      if (!b && local)
        for (const [field, f] of parkedBindings(arg))
          if (file.writesThroughField(name, i, field)) out.push(writeAction(f, node));
    });
    // `copy_chunk(page, ...)`: a callee (same file, or anywhere in the tree with the index)
    // that maps and writes the page it is handed writes it at the call.
    args.forEach((arg, i) => {
      // Only a page named by a variable, a field or an element is handed on; a recursive call or
      // a call's value as the argument (`f(f(...))`) names no page of this function.
      // A table API does what the table says (`pin_user_pages_fast` fills `pages`, `__free_pages`
      // ends the page's life), never what a summary of its body guesses; `&page` hands over a
      // place for a page pointer, not a page.
      const a = stripExpr(arg);
      if (addressOf(arg) || name === facts.name || isKnownApi(name) || !PAGE_ARGUMENT.has(a.type))
        return;
      // `&bv` names a page only through a field the callee writes (`bv.bv_page`).
      const place = a.type === 'pointer_expression' && a.text.startsWith('&');
      const writes = local
        ? file.writtenThroughParam(name, i)
        : file.tree?.tree.calleeWrites(name, i, file.tree.file) === true
          ? ['']
          : [];
      for (const path of writes.filter((p) => !place || p !== ''))
        out.push({
          kind: 'write',
          page: notePage(arg, name, path),
          via: 'kmap',
          node,
          mappedBy: { node, api: name },
        });
    });
    const flushed = local || file.tree ? file.flushedParams(name) : undefined;
    if (flushed && !local) file.notes.push(indexNote(facts.name, node, name, file));
    if (flushed === 'any') out.push({ kind: 'flush', page: null, api: name, node });
    for (const { index, path, when } of flushed === 'any' ? [] : (flushed ?? [])) {
      const arg = args[index];
      if (!arg || !guardAllows(when, args)) continue;
      const page =
        path === ''
          ? (addressOf(arg)?.page ?? facts.canon(pageKey(arg)))
          : facts.canon(pageKey(arg) + path);
      out.push({ kind: 'flush', page, api: name, node });
    }
  }
  // `a_ops->write_end(..., page, ...)`: every implementation in the tree flushes.
  if (!name && file.tree) {
    const callee = callName(e);
    const flushed = callee ? file.flushedParams(callee) : undefined;
    for (const place of flushed === 'any' ? [] : (flushed ?? [])) {
      const arg = args[place.index];
      if (arg && guardAllows(place.when, args))
        out.push({ kind: 'flush', page: facts.canon(pageKey(arg)), api: callee, node });
    }
    if (flushed) file.notes.push(indexNote(facts.name, node, callee, file));
    // `ops->sff_data_xfer(qc, kaddr + off, n, rw)`: implementations that write the buffer they
    // are handed write the page it maps.
    if (callee) out.push(...bufferWritesAt(e, callee, addressOf, file));
    // `mops->migrate_page(dst, src, mode)`: a page that any implementation registered for the
    // field writes (through a kmap of its own) may be written by this call; which one runs is
    // not known here, and one that writes is enough for the page to need its flush.
    args.forEach((arg, i) => {
      const a = stripExpr(arg);
      // Fields are known by name only (`->store` is many structures' field): the argument must
      // be declared a page or folio, as the implementations' parameter is.
      if (!callee || addressOf(arg) || a.type !== 'identifier') return;
      if (!PAGE_TYPES.has(typesOf(facts.cfg.node).get(a.text) ?? '')) return;
      if (file.tree?.tree.calleeWrites(callee, i, file.tree.file) !== true) return;
      out.push({
        kind: 'write',
        page: notePage(arg, callee),
        via: 'kmap',
        node,
        mappedBy: { node, api: callee },
      });
    });
  }
  return out;
}

/**
 * Writes through a page's mapping handed to a call through an operations-table field, as the
 * index summarises the field's implementations (bufferWrites.ts). A write the implementations
 * do only under a flag (`if (rw == READ)`) happens only on paths where the caller's argument for
 * it has that truth: the caller's own test of it (`if (!do_write) flush_dcache_page(page)`)
 * then correlates with the write.
 */
function bufferWritesAt(
  e: Event & { kind: 'call' },
  callee: string,
  addressOf: (n: Node | undefined) => Binding | undefined,
  file: FileSummaries,
): PageAction[] {
  const out: PageAction[] = [];
  e.args.forEach((arg, i) => {
    const b = addressOf(arg);
    const w = b ? file.tree?.tree.calleeWritesBuffer(callee, i) : undefined;
    if (!b || !w) return;
    const flag = w.when ? stripExpr(e.args[w.when.flag] ?? arg) : undefined;
    if (w.when && !guardAllows(w.when, e.args)) return;
    const write = writeAction(b, e.node);
    if (write.kind === 'write' && w.when && flag?.type === 'identifier')
      write.onlyIf = { key: flag.text, holds: w.when.value };
    out.push(write);
  });
  return out;
}

const PAGE_TYPES: ReadonlySet<string> = new Set(['page', 'folio']);
const declared = new WeakMap<Node, Map<string, string>>();
function typesOf(fn: Node): Map<string, string> {
  let t = declared.get(fn);
  if (!t) declared.set(fn, (t = declaredTypes(fn)));
  return t;
}

function indexNote(fn: string, node: Node, callee: string, file: FileSummaries): IndexNote {
  const why = file.tree?.tree.calleeFlushes(callee, file.tree.file)?.evidence ?? '';
  return { function: fn, offset: node.startIndex, note: `index: ${callee}() flushes: ${why}` };
}

function writeAction(b: Binding, node: Node, size?: number): PageAction {
  const a: PageAction = { kind: 'write', page: b.page, via: b.via, node };
  if (size !== undefined) a.size = size;
  if (b.mappedBy) a.mappedBy = b.mappedBy;
  return a;
}

/**
 * The exit of `for (i = 0; i < compound_nr(page); i++) flush_dcache_page(page + i);` before
 * the first iteration: a page or folio has at least one page (include/linux/mm.h compound_nr,
 * folio_nr_pages), so that way out is never taken.
 */
export function skipsOwnPagesLoop(edge: Edge): boolean {
  if (edge.kind !== 'loop-exit' || edge.via?.type !== 'for_statement') return false;
  const part = (f: string): string =>
    edge.via?.childForFieldName(f)?.text.replace(/\s+/g, '') ?? '';
  return (
    /=0;?$/.test(part('initializer')) &&
    PAGE_COUNT.has(/^\w+<(\w+)\(/.exec(part('condition'))?.[1] ?? '') &&
    /\bflush_dcache_(?:page|folio)\s*\(/.test(part('body'))
  );
}

/** The name a call's value is given: `ret = f(...)`, `int ret = f(...)`. */
function resultName(call: Node): string | undefined {
  let n = call.parent;
  while (n && n.type === 'parenthesized_expression') n = n.parent;
  if (n?.type === 'assignment_expression' && n.childForFieldName('operator')?.text === '=') {
    const left = n.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  if (n?.type === 'init_declarator') {
    const d = n.childForFieldName('declarator');
    return d?.type === 'identifier' ? d.text : undefined;
  }
  return undefined;
}

/** The pointer expression a store target writes through: `p->f` gives `p`, `q[i]` gives `q`. */
function storeTarget(lhs: Node): Node | undefined {
  for (let n: Node | null = stripExpr(lhs), guard = 0; n && guard < 20; guard++) {
    if (n.type === 'field_expression') {
      const arg = n.childForFieldName('argument');
      if (n.childForFieldName('operator')?.type === '->') return arg ?? undefined;
      n = arg;
    } else if (n.type === 'subscript_expression' || n.type === 'pointer_expression') {
      return n.childForFieldName('argument') ?? undefined;
    } else if (n.type === 'call_expression' && /^[A-Z][A-Z0-9_]*$/.test(calleeName(n))) {
      // `BLOCK_STATUS(desc) = v`: an accessor macro stores into what its argument points to.
      return callArguments(n)[0];
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** The byte count of a copy when it is a literal (`memcpy(p, q, 16)`), for the simulator. */

/** Callees worth a page model: they map a page somewhere in their text. */
const MAPS_A_PAGE =
  /\bkmap|\bpage_address\b|\bfolio_address\b|\bmemcpy_to_(?:page|folio)\b|\bmemzero_page\b|\bmemset_page\b/;
const writing = new WeakMap<FileSummaries, FixpointMemo<string[]>>();
/** A callee's model, built once for all its parameters and callers. */
const calleeModels = new WeakMap<FileSummaries, WeakMap<FunctionFacts, PageModel>>();

/** The page model of a function another one calls, kept once it is final. */
export function calleeModel(facts: FunctionFacts, file: FileSummaries): PageModel {
  let models = calleeModels.get(file);
  if (!models) calleeModels.set(file, (models = new WeakMap()));
  let model = models.get(facts);
  if (!model) {
    const before = provisionalAnswers();
    model = buildPageModel(facts, file);
    // A model built on a call cycle's provisional answers is rebuilt in the next round.
    if (provisionalAnswers() === before) models.set(facts, model);
  }
  return model;
}

const PAGE_ARGUMENT: ReadonlySet<string> = new Set([
  'identifier',
  'field_expression',
  'subscript_expression',
  'pointer_expression',
]);

/**
 * Whether the same-file function `name` writes, through a kmap-style mapping of its own, the page
 * it is handed as parameter `index` (its own page model has such a write of that page). A write
 * through `page_address()` alone is left out: at the top level it needs page-cache evidence
 * (pageOrigin.ts), which a callee cannot see for its caller's page.
 */
export function writesPageParam(file: FileSummaries, name: string, index: number): boolean {
  return file.writtenThroughParam(name, index).includes('');
}

/**
 * What the same-file function `name` writes through its parameter `index`: '' for the page
 * itself, `.bv_page` for the page a structure it points to holds (`zram_bvec_read(zram, &bv)`
 * writes `bv.bv_page`). Memoised per file; a call cycle is settled to a fixed point.
 */
function writtenThroughParam(file: FileSummaries, name: string, index: number): string[] {
  let memo = writing.get(file);
  if (!memo) writing.set(file, (memo = new FixpointMemo<string[]>([], samePaths)));
  return memo.get(`${name}/${index}`, () => pathsWritten(file, name, index));
}
computeParamWritesWith(writtenThroughParam);

function samePaths(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((p) => b.includes(p));
}

function pathsWritten(file: FileSummaries, name: string, index: number): string[] {
  const paths = new Set<string>();
  for (const fn of file.definitions(name)) {
    if (!mapsInFile(file, fn, 0) && !(file.tree && GET_BLOCK_CALL().test(fn.text))) continue;
    const facts = file.factsOf(fn);
    const param = facts.params[index];
    if (!param) continue;
    const page = facts.canon(param);
    const model = calleeModel(facts, file);
    for (const l of model.actions.values())
      for (const a of l) {
        if (a.kind !== 'write' || (a.via !== 'kmap' && a.via !== 'miter')) continue;
        // A write under `if (S_ISLNK(inode->i_mode))` is to a page no user maps.
        if (unmappableInodeBranch(a.node)) continue;
        if (a.page === page) paths.add('');
        else if (a.page.startsWith(`${page}.`) && FIELD_PATH.test(a.page.slice(page.length)))
          paths.add(a.page.slice(page.length));
      }
  }
  return [...paths].sort();
}

const FIELD_PATH = /^(?:\.\w+)+$/;

const CALL = /\b([A-Za-z_]\w*)\s*\(/g;

const mapping = new WeakMap<FileSummaries, Map<string, boolean>>();

/**
 * A function that maps a page, itself or through the same-file functions it calls (two levels:
 * `btt_read_pg()` hands the page to `zero_fill_data()`, which maps it). Memoised per file: a
 * large function's calls lead to the same callees again and again.
 */
function mapsInFile(file: FileSummaries, fn: Node, depth: number): boolean {
  let memo = mapping.get(file);
  if (!memo) mapping.set(file, (memo = new Map<string, boolean>()));
  const key = `${depth}:${fn.startIndex}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const text = fn.text;
  let maps = MAPS_A_PAGE.test(text);
  if (!maps && depth < 2)
    for (const name of new Set(Array.from(text.matchAll(CALL), (m) => m[1]!)))
      if (
        file
          .definitions(name)
          .some(
            (callee) => callee.startIndex !== fn.startIndex && mapsInFile(file, callee, depth + 1),
          )
      ) {
        maps = true;
        break;
      }
  memo.set(key, maps);
  return maps;
}

/** The function text calls a same-file or tree function that writes a page parameter. */
export function callsPageWriter(text: string, file: FileSummaries): boolean {
  for (const m of text.matchAll(CALL)) {
    const name = m[1]!;
    // `ops->copy_page(dst, src)`: a call through a field, answered by its implementations.
    if (file.tree && text.slice(Math.max(0, m.index - 2), m.index) === '->') {
      const field = `->${name}`;
      if ([0, 1, 2, 3].some((i) => file.tree!.tree.calleeWrites(field, i, file.tree!.file)))
        return true;
      continue;
    }
    if (file.isDefined(name)) {
      if ([0, 1, 2, 3].some((i) => file.writtenThroughParam(name, i).length > 0)) return true;
    } else if (
      file.tree &&
      [0, 1, 2, 3].some((i) => file.tree!.tree.calleeWrites(name, i, file.tree!.file))
    )
      return true;
  }
  return false;
}

/** `*fi`: the element a cursor of a collection walk points at (`darray_for_each(fs, fi)`). */
function isCursorElement(rhs: Node): boolean {
  const n = stripExpr(rhs);
  return (
    n.type === 'pointer_expression' &&
    n.childForFieldName('operator')?.type === '*' &&
    stripExpr(n.childForFieldName('argument') ?? n).type === 'identifier'
  );
}

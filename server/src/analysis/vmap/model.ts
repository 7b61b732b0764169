/**
 * The vmap model of one function: which expressions are vmap aliases (and why), and what each
 * event does to them: CPU writes, flush/invalidate, pages attached to I/O, I/O submitted and
 * completed, the buffer handed on after completion. The rules run their machines over it.
 */
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import { pointerBase } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { WRITES_ARGUMENT, writeLength } from '../../knowledge/dcache';
import type { FileContext } from '../core/fileContext';
import { addrKey, bioDirection, dmaDirection, rootOf, submitDirection, vmapFileOf } from './file';
import type { Dir, VmapFile } from './file';
import * as V from '../../knowledge/vmap';
import { attachedPage, emptyWrapper, namedWrapper, rejects, signatureContext } from './shapes';
import type { Context, EmptyWrapper } from './shapes';
import { rangeCallInterior } from './tree';

export type { Context } from './shapes';

export interface AliasInfo {
  key: string;
  /** Source text naming the alias, for messages and fixes. */
  display: string;
  /** Length expression the code uses with this alias, when known. */
  len?: string;
  /** Where it is recognised in this function (absent for callbacks: the submitter said so). */
  evidence?: Node;
  note: string;
  /** Created by vmap() here: nothing written through it yet. */
  clean: boolean;
}

export type VmapAction =
  | { kind: 'alias'; alias: string; node: Node; clean: boolean }
  | { kind: 'write'; alias: string; node: Node; size?: number }
  | { kind: 'flush' | 'invalidate'; alias: string | null; node: Node; api: string; len?: string }
  | { kind: 'attach'; alias: string; node: Node; api: string }
  | { kind: 'submit'; dir: Dir; node: Node; api: string; sync: boolean }
  | { kind: 'complete'; dir: Dir; node: Node; api: string }
  | { kind: 'use'; node: Node; api: string }
  | { kind: 'unmap'; alias: string; node: Node; api: string };

export interface VmapFunction {
  facts: FunctionFacts;
  file: VmapFile;
  aliases: Map<string, AliasInfo>;
  actions: Map<Event, VmapAction[]>;
  context: Context;
  contextNote: string;
  /** Direction of the I/O whose completion runs this callback. */
  entryDir: Dir;
  /** The function starts after the device wrote the buffer (bi_end_io, URB complete, begin_cpu_access). */
  entryComplete: boolean;
  /** Locals holding an alias test's result: `is_vmalloc = is_vmalloc_addr(data)`. */
  guards: Set<string>;
  /** The alias key of an expression key, under the function's name equivalences. */
  canon: (key: string) => string;
  /**
   * A cache-maintenance wrapper (`persistent_memory_flush_cache(ptr, size)`, dm-writecache) that
   * tests its parameter with is_vmalloc_addr() and then does no maintenance at all.
   */
  emptyWrapper?: EmptyWrapper;
  /** Aliases known only through their owner (`xfs_buf_is_vmapped(bp)`): no address for a fix. */
  placeholders: Set<string>;
}

const CLEAN_SOURCE = new Set(['vmap', 'vm_map_ram', 'dma_vmap_noncontiguous', 'vmap_pfn']);
const HANDOFF =
  /^(?:complete|complete_all|wake_up\w*|queue_work|schedule_work|tasklet_schedule|\w+_ioend\w*|\w+_done)$/;

/** The vmap model of a function, built once per function and shared by the four vmap rules. */
export function vmapModel(
  facts: FunctionFacts,
  context: FileContext,
  source: string,
): VmapFunction {
  return context.memo('vmap-model', facts, () => buildVmapModel(facts, context, source));
}

function buildVmapModel(
  facts: FunctionFacts,
  summaries: FileContext,
  source: string,
): VmapFunction {
  const file = vmapFileOf(summaries, facts.cfg.node, source);
  const fnText = source.slice(facts.cfg.node.startIndex, facts.cfg.node.endIndex);
  const text = (n: Node): string => source.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ');
  const aliases = new Map<string, AliasInfo>();
  // `start = data` makes start and data one alias; `bp = bio->bi_private` keeps bp's name.
  // A local set once by `x = y` (then maybe walked with `x += len`) names y's alias:
  // `data = bp->b_addr`, `start = data`. `bp = bio->bi_private` keeps bp: it names the owner.
  const copies = localCopies(facts);
  const canon = (k: string): string => {
    for (let guard = 0; guard < 8; guard++) {
      const root = rootOf(k);
      const to = copies.get(root);
      if (to === undefined) break;
      k = to + k.slice(root.length);
    }
    return k;
  };
  const key = (n: Node): string => canon(addrKey(n));
  const add = (
    raw: string,
    display: string,
    note: string,
    evidence?: Node,
    clean = false,
  ): void => {
    const key = canon(raw);
    if (!key || aliases.has(key)) return;
    const info: AliasInfo = { key, display, note, clean };
    if (evidence) info.evidence = evidence;
    const range = file.rangeOf(raw) ?? file.rangeOf(key);
    if (range?.len) info.len = range.len;
    aliases.set(key, info);
  };
  /** An owner with a vmap alias: its known alias fields, else the owner itself as a stand-in. */
  const ownerAlias = (o: string, display: string, note: string, evidence?: Node): void => {
    const known = [...aliases.keys()].some((k) => rootOf(k) === o && k !== o);
    if (known) return;
    add(o, display, note, evidence);
    placeholders.add(canon(o));
  };
  /** A flush of `bp->b_addr` covers the stand-in alias `bp`. */
  const ownerOf = (n: Node | undefined): string | undefined => {
    const root = n ? canon(rootOf(addrKey(n))) : '';
    return placeholders.has(root) ? root : undefined;
  };
  const syncsOwner = (o: string): boolean =>
    facts.all.some(
      (e) =>
        e.kind === 'call' &&
        /^dma_sync_\w+_for_(?:cpu|device)$/.test(e.name) &&
        e.args.some((a) => {
          const t = a.text;
          if (t.includes(`${o}->`)) return true;
          return facts.all.some(
            (x) => x.kind === 'assign' && x.lhsKey === t && x.rhs?.text.includes(`${o}->`) === true,
          );
        }),
    );
  const cb = file.callbacks.get(facts.name);
  // Not registered in this file: the signature or the op name still says what runs when.
  const sig = cb ? undefined : signatureContext(fnText, facts.name);
  const kind = cb?.kind ?? sig;
  let context: Context = kind ?? 'plain';
  let contextNote = cb
    ? cb.registrar
      ? `${facts.name}() is the completion callback set up in ${cb.registrar}()`
      : `${facts.name}() runs as ${cb.kind === 'cpu-access' ? 'begin-CPU-access' : 'end-CPU-access'} for a DMA buffer`
    : sig
      ? `${facts.name}() runs ${sig === 'end-io' ? 'when the I/O completes' : sig === 'cpu-access' ? 'before the CPU reads the DMA buffer' : 'before the device reads the DMA buffer'}`
      : '';
  const guards = new Set<string>();
  /** Owners known to have a vmap alias whose field we cannot name (`xfs_buf_is_vmapped(bp)`). */
  const placeholders = new Set<string>();
  const pagesOf = new Map<string, string>();
  const io = facts.params[0] ?? '';
  let owner = '';

  const submitsHere = facts.all.some(
    (e) => e.kind === 'call' && submitDirection(e.name, e.args, facts) !== undefined,
  );
  for (const e of facts.all) {
    if (e.kind === 'assign' && e.rhs) {
      const rhs = stripExpr(e.rhs);
      const callee = rhs.type === 'call_expression' ? calleeName(rhs) : '';
      if (V.VMAP_SOURCE.has(callee))
        add(
          e.lhsKey,
          text(
            e.node.childForFieldName('left') ?? e.node.childForFieldName('declarator') ?? e.node,
          ).replace(/^\*+\s*/, ''),
          `mapped by ${callee}()`,
          e.node,
          CLEAN_SOURCE.has(callee),
        );
      if (V.VMAP_TEST.test(callee)) guards.add(canon(e.lhsKey));
      // `page = vmalloc_to_page(data)`, also as one side of `is_vmalloc ? vmalloc_to_page(p) : virt_to_page(p)`.
      for (const c of rhs.type === 'conditional_expression'
        ? rhs.namedChildren.map(stripExpr)
        : [rhs]) {
        const arg =
          c.type === 'call_expression' && V.ALIAS_PAGE.has(calleeName(c))
            ? callArguments(c)[0]
            : undefined;
        if (arg) pagesOf.set(canon(e.lhsKey), key(arg));
      }
      if (/\.(?:bi_private|context)$/.test(addrKey(rhs)) && rootOf(addrKey(rhs)) === io)
        owner = e.lhsKey;
    }
    if (e.kind !== 'call') continue;
    const a0 = e.args[0];
    if (!a0) continue;
    if (V.VMAP_ADDRESS_TEST.has(e.name)) {
      if (!rejects(e.node, facts.cfg.node))
        add(key(a0), text(a0), `\`${text(e.node)}\` says it may be a vmalloc address`, e.node);
    } else if (V.VMAP_TEST.test(e.name)) {
      const o = key(a0);
      for (const r of file.ranges)
        if (rootOf(r.key) === o)
          add(r.key, r.addr, `\`${text(e.node)}\` says it is vmapped`, e.node);
      for (const f of file.aliasFields.keys())
        add(`${o}.${f}`, `${text(a0)}->${f}`, `\`${text(e.node)}\` says it is vmapped`, e.node);
      ownerAlias(o, text(a0), `\`${text(e.node)}\` says it is vmapped`, e.node);
    } else if (V.ALIAS_PAGE.has(e.name)) {
      add(key(a0), text(pointerBase(a0)), `its pages are looked up with ${e.name}()`, e.node);
    } else if (e.name === V.FLUSH_VMAP || e.name === V.INVALIDATE_VMAP) {
      add(key(a0), text(a0), `a vmap range (${e.name}() here)`, e.node);
    } else if (file.isDefined(e.name) && e.name !== facts.name) {
      // A same-file helper looks its pages up with vmalloc_to_page() (or attaches them to I/O).
      // Evidence only where this function does I/O, or hands the page straight to bio_add_page().
      const h = file.helper(e.name);
      const asPage = attachedPage(e.node);
      for (const j of [...(h?.binds ?? []), ...(asPage ? (h?.lookups ?? []) : [])]) {
        const arg = e.args[j];
        if (arg && (asPage || submitsHere))
          add(key(arg), text(pointerBase(arg)), `its pages go to I/O through ${e.name}()`, e.node);
      }
    }
  }
  // `if (buffer->vmap_cnt)`: the owner has a vmap (dma-buf heaps).
  // dm-io keeps the address to invalidate in its io (drivers/md/dm-io.c dp_init/complete_io).
  // Only completion reads it: the flush happened in dp_init() when the request was set up.
  for (const m of context === 'end-io'
    ? fnText.matchAll(/\b(\w+)\s*->\s*vma_invalidate_(?:size|address)\b/g)
    : []) {
    add(
      `${m[1]!}.vma_invalidate_address`,
      `${m[1]!}->vma_invalidate_address`,
      'dm-io saved the DM_IO_VMA address to invalidate',
    );
    const info = aliases.get(canon(`${m[1]!}.vma_invalidate_address`));
    if (info) info.len ??= `${m[1]!}->vma_invalidate_size`;
  }
  for (const m of fnText.matchAll(/\b(\w+)\s*->\s*vmap_cnt\b/g))
    ownerAlias(canon(m[1]!), m[1]!, `${m[1]!}->vmap_cnt counts its vmaps`);
  // `if (buf->vaddr)` around the sync of the same buffer's sg table (videobuf2-dma-contig).
  for (const m of fnText.matchAll(
    /\bif\s*\(\s*(\w+)\s*->\s*(vaddr|vmap_addr|vmap_ptr|kvaddr)\s*\)/g,
  )) {
    const [, o, f] = m;
    if (o && f && syncsOwner(o))
      add(`${canon(o)}.${f}`, `${o}->${f}`, `the kernel mapping of the buffer ${o} syncs for DMA`);
  }
  // Fields the file fills with an alias, and addresses the file flushes or invalidates elsewhere.
  for (const [field, how] of file.aliasFields) {
    const re = new RegExp(`\\b(\\w+)\\s*(?:->|\\.)\\s*${field}\\b(?!\\s*\\()`, 'g');
    for (const m of fnText.matchAll(re))
      add(
        `${m[1]}.${field}`,
        `${m[1]}->${field}`,
        how === 'an alias'
          ? `${field} holds a vmap alias in this file`
          : `${field} is set by ${how}() in this file`,
      );
  }
  const flat = fnText.replace(/\s+/g, ' ');
  // The same owner name in a registered dma-buf/vb2 CPU-access op: `buffer->vaddr` flushed in end_cpu_access, synced in begin_cpu_access.
  const doesIo = cb !== undefined && cb.kind !== 'end-io';
  for (const r of file.ranges) {
    // `bio->bi_private` and `urb->context` hold anything: only the callback logic below follows them.
    if (r.fn === facts.name || /\.(?:bi_private|context)$|invalidate/.test(r.key)) continue;
    const bare = r.addr.replace(/^[(&*\s]+/, '');
    const named = new RegExp(`\\b${rootOf(bare)}\\b`).test(fnText);
    const mentioned = new RegExp(`(?<![\\w.>])${bare.replace(/[^\w\s]/g, '\\$&')}(?!\\w)`).test(
      flat,
    );
    if (mentioned || (doesIo && named)) add(r.key, r.addr, `${r.fn}() treats it as a vmap range`);
  }
  for (const m of fnText.matchAll(/\b(\w+)\s*(?:->|\.)\s*mem\.ptr\.vma\b/g))
    add(
      `${m[1]}.mem.ptr.vma`,
      m[0].replace(/\s+/g, ''),
      'DM_IO_VMA memory is vmalloc memory (drivers/md/dm-io.c)',
    );
  if (cb?.passesAlias && io && context === 'end-io') {
    add(
      `${io}.${cb.passesAlias}`,
      `${io}->${cb.passesAlias}`,
      `${cb.registrar}() stores the vmap address there`,
    );
  }
  if (cb?.owner && owner) {
    for (const r of file.ranges) {
      if (rootOf(r.key) !== cb.owner || r.fn !== cb.registrar) continue;
      const key = owner + r.key.slice(cb.owner.length);
      add(
        key,
        owner + r.addr.slice(r.addr.indexOf(cb.owner) + cb.owner.length),
        `${cb.registrar}() passes it to this callback`,
      );
    }
  }
  // A URB completion syncing an sg table for the CPU: the buffer is dma_vmap_noncontiguous()
  // memory (Documentation/core-api/dma-api.rst, dma_vmap_noncontiguous; uvc, stk1160).
  if (
    context === 'end-io' &&
    aliases.size === 0 &&
    io &&
    /\bstruct\s+urb\s*\*/.test(fnText) &&
    /\bdma_sync_sgtable_for_cpu\s*\(/.test(fnText)
  ) {
    add(
      `${io}.transfer_buffer`,
      `${io}->transfer_buffer`,
      'the URB buffer is synced as an sg table: dma_vmap_noncontiguous() memory',
    );
    const info = aliases.get(canon(`${io}.transfer_buffer`));
    if (info && !info.len) info.len = `${io}->transfer_buffer_length`;
  }
  if (context === 'end-io' && aliases.size === 0 && io && file.aliasFields.has('transfer_buffer')) {
    add(
      `${io}.transfer_buffer`,
      `${io}->transfer_buffer`,
      `the URB's buffer is a vmap alias (${cb?.registrar ?? ''}())`,
    );
  }
  // A function that syncs a DMA buffer for the CPU hands it to the CPU when it returns.
  const syncsForCpu = facts.all.some(
    (e) => e.kind === 'call' && V.DMA_FOR_CPU.has(e.name) && e.name.includes('sync'),
  );
  if (context === 'plain' && syncsForCpu) {
    context = 'cpu-access';
    contextNote = `${facts.name}() gives the buffer back to the CPU`;
  }

  const owners = new Set([...aliases.keys()].map(rootOf));
  if (owner) owners.add(owner);
  if (context === 'end-io' && io) owners.add(io);
  const aliasOf = (n: Node | undefined): string | undefined => {
    if (!n) return undefined;
    let k = key(n);
    const inner = stripExpr(n);
    if (
      inner.type === 'call_expression' &&
      V.ALIAS_PAGE.has(calleeName(inner)) &&
      callArguments(inner)[0]
    )
      k = key(callArguments(inner)[0]!);
    // A same-file helper that returns vmalloc_to_page() of its argument.
    else if (
      inner.type === 'call_expression' &&
      file.helper(calleeName(inner))?.lookups.has(0) &&
      callArguments(inner)[0]
    )
      k = key(callArguments(inner)[0]!);
    k = pagesOf.get(k) ?? k;
    const pages = /^(\w+)\.(\w+)(?:\[[^\]]*\])?$/.exec(k);
    const field = pages ? file.pagesFields.get(pages[2]!) : undefined;
    if (pages && field) {
      k = `${pages[1]}.${field}`;
      add(
        k,
        `${pages[1]}->${field}`,
        `its pages ${pages[1]}->${pages[2]} are vmapped into ${pages[1]}->${field} in this file`,
        n,
      );
    }
    return aliases.has(k) ? k : undefined;
  };
  const dmIoVma = V.DM_IO_VMA.test(fnText);
  let insideRangeCall: ((n: Node) => boolean) | undefined;
  const actions = new Map<Event, VmapAction[]>();
  for (const e of facts.all) {
    const list: VmapAction[] = [];
    if (e.kind === 'store') {
      const k = aliases.has(canon(e.baseKey)) ? canon(e.baseKey) : undefined;
      if (k) list.push({ kind: 'write', alias: k, node: e.node });
    } else if (e.kind === 'assign' && e.rhs) {
      const k = aliases.has(canon(e.lhsKey)) ? canon(e.lhsKey) : undefined;
      const rhs = stripExpr(e.rhs);
      const callee = rhs.type === 'call_expression' ? calleeName(rhs) : '';
      if (k && (V.VMAP_SOURCE.has(callee) || V.MAYBE_VMAP_SOURCE.has(callee)))
        list.push({ kind: 'alias', alias: k, node: e.node, clean: CLEAN_SOURCE.has(callee) });
      // `buf->vaddr = NULL`: no alias from here on.
      else if (k && /^(?:NULL|0)$/.test(rhs.text))
        list.push({ kind: 'unmap', alias: k, node: e.node, api: 'NULL' });
    } else if (e.kind === 'call') {
      classifyCall(e, list);
    }
    if (list.length > 0) actions.set(e, list);
  }
  const model: VmapFunction = {
    facts,
    file,
    aliases,
    actions,
    context,
    contextNote,
    entryDir: cb?.dir ?? 'unknown',
    placeholders,
    entryComplete: kind === 'end-io' || (kind === 'cpu-access' && !syncsForCpu),
    guards,
    canon,
  };
  const wrapper = emptyWrapper(facts) ?? namedWrapper(facts, fnText);
  if (wrapper) model.emptyWrapper = wrapper;
  return model;

  function classifyCall(e: Extract<Event, { kind: 'call' }>, list: VmapAction[]): void {
    const { name, args, node } = e;
    if (V.VMAP_TEST.test(name) || V.ALIAS_PAGE.has(name)) return;
    if (name === V.FLUSH_VMAP || name === V.INVALIDATE_VMAP) {
      const action: VmapAction = {
        kind: name === V.FLUSH_VMAP ? 'flush' : 'invalidate',
        alias: aliasOf(args[0]) ?? ownerOf(args[0]) ?? key(args[0] ?? node),
        node,
        api: name,
      };
      if (args[1]) action.len = text(args[1]);
      list.push(action);
      return;
    }
    if (V.HANDLES_VMAP.has(name) || (name === V.DM_IO && dmIoVma)) {
      // The helper flushes before and invalidates after the I/O it does for us.
      list.push(
        { kind: 'flush', alias: null, node, api: name },
        { kind: 'invalidate', alias: null, node, api: name },
      );
      return;
    }
    const sync = V.SUBMIT_BIO.get(name);
    if (sync !== undefined) {
      const dir = bioDirection(facts);
      list.push({ kind: 'submit', dir, node, api: name, sync });
      if (sync) list.push({ kind: 'complete', dir, node, api: name });
      return;
    }
    if (V.SUBMIT_URB.has(name)) {
      list.push({
        kind: 'submit',
        dir: file.ioDirection(facts, 'usb_submit_urb'),
        node,
        api: name,
        sync: false,
      });
      return;
    }
    const dir = submitDirection(name, args, facts);
    if (dir !== undefined) {
      list.push({ kind: 'submit', dir, node, api: name, sync: false });
      return;
    }
    const cpu = V.DMA_FOR_CPU.get(name);
    if (cpu !== undefined) {
      const d = dmaDirection(args[cpu]);
      if (name.includes('sync') || d === 'read')
        list.push({ kind: 'complete', dir: d, node, api: name });
      return;
    }
    if (V.UNMAP_ALIAS.has(name)) {
      const k = aliasOf(args[name === 'dma_vunmap_noncontiguous' ? 1 : 0]);
      if (k) list.push({ kind: 'unmap', alias: k, node, api: name });
      return;
    }
    const at = V.ATTACH_PAGE.get(name) ?? V.ATTACH_ADDR.get(name);
    if (at !== undefined) {
      const k = aliasOf(args[at]);
      if (k) list.push({ kind: 'attach', alias: k, node, api: name });
      // It flushes for write I/O only (op_is_write); after read I/O the invalidate is the caller's.
      if (k && V.ATTACH_ADDR_FLUSHES.has(name) && bioDirection(facts) !== 'read')
        list.push({ kind: 'flush', alias: k, node, api: name });
      return;
    }
    const h = file.isDefined(name) && name !== facts.name ? file.helper(name) : undefined;
    if (h) {
      const touched = (j: number): string[] => {
        const k = args[j] ? key(args[j]) : '';
        const found = aliasOf(args[j]);
        return found ? [found] : [...aliases.keys()].filter((a) => k && rootOf(a) === k);
      };
      args.forEach((_, j) => {
        for (const k of touched(j)) {
          if (h.flushes.has(j)) list.push({ kind: 'flush', alias: k, node, api: name });
          // Pages attached by the helper: only for the alias itself, not any field of an owner passed.
          if (h.binds.has(j) && k === aliasOf(args[j]))
            list.push({ kind: 'attach', alias: k, node, api: name });
        }
      });
      // The helper's I/O concerns our alias only if the alias (or its owner) is passed to it.
      if (h.submits && args.some((_, j) => touched(j).length > 0))
        list.push({ kind: 'submit', dir: h.submits, node, api: name, sync: false });
      args.forEach((_, j) => {
        if (h.invalidates.has(j))
          for (const k of touched(j)) list.push({ kind: 'invalidate', alias: k, node, api: name });
      });
      if (list.length > 0) return;
    }
    for (const i of WRITES_ARGUMENT.get(name) ?? []) {
      const k = aliasOf(args[i]);
      if (k) {
        const w: VmapAction = { kind: 'write', alias: k, node };
        const size = writeLength(
          name,
          args.map((a) => stripExpr(a).text),
        );
        if (size !== undefined && size > 0) w.size = size;
        list.push(w);
        return;
      }
    }
    if (V.NOT_A_USE.test(name)) return;
    insideRangeCall ??= rangeCallInterior(facts.cfg.node, source);
    if (insideRangeCall(node)) return;
    const passes = args.some((a) => {
      const k = key(a);
      return aliases.has(k) || owners.has(k) || aliasOf(a) !== undefined;
    });
    // `fn = io->callback; ... fn(error, context)`: the owner's notify callback takes over.
    const notify =
      context === 'end-io' &&
      facts.all.some(
        (x) =>
          x.kind === 'assign' &&
          x.lhsKey === name &&
          owners.has(rootOf(x.rhs ? addrKey(x.rhs) : '')),
      );
    if (passes || notify || (context === 'end-io' && HANDOFF.test(name)))
      list.push({
        kind: 'use',
        node,
        api: name || text(node.childForFieldName('function') ?? node),
      });
  }
}

/** `x = y` (declaration or plain store, once) with y a plain path: x → y. */
function localCopies(facts: FunctionFacts): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs) continue;
    const op = e.node.type === 'init_declarator' ? '=' : e.node.childForFieldName('operator')?.text;
    if (op !== '=') continue;
    const rhs = addrKey(e.rhs);
    const plain =
      /^[A-Za-z_]\w*(?:\.\w+)*$/.test(rhs) && stripExpr(e.rhs).type !== 'call_expression';
    const ok =
      plain &&
      rhs !== e.lhsKey &&
      /^\w+$/.test(e.lhsKey) &&
      !/\.(?:bi_private|context|priv)$/.test(rhs);
    seen.set(e.lhsKey, seen.has(e.lhsKey) || !ok ? null : rhs);
  }
  const out = new Map<string, string>();
  for (const [k, v] of seen) if (v) out.set(k, v);
  return out;
}

/**
 * Alias discovery, the first half of the vmap model: which expressions of a function are vmap
 * aliases, and why (created by vmap(), tested with is_vmalloc_addr(), flushed as a vmap range in
 * this file, passed to a completion callback by its submitter), and in what context the function
 * runs (plain, I/O completion, CPU or device access of a DMA buffer).
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, stripExpr } from '../../parsing/nodeText';
import { pointerBase } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import * as V from '../../knowledge/vmap';
import { addrKey, rootOf, submitDirection } from './file';
import type { CallbackInfo, VmapFile } from './file';
import { attachedPage, rejects, signatureContext, uncachedAlias } from './shapes';
import type { Context } from './shapes';
import type { FunctionSyntax } from './syntax';
import type { AliasInfo } from './types';

export interface Aliases {
  aliases: Map<string, AliasInfo>;
  /** Owners known to have a vmap alias whose field we cannot name (`xfs_buf_is_vmapped(bp)`). */
  placeholders: Set<string>;
  guards: Set<string>;
  canon: (k: string) => string;
  /** The alias key of an expression. */
  key: (n: Node) => string;
  /** The alias an expression reaches (its pages, a helper's lookup), adding page-field aliases. */
  aliasOf: (n: Node | undefined) => string | undefined;
  /** A flush of `bp->b_addr` covers the stand-in alias `bp`. */
  ownerOf: (n: Node | undefined) => string | undefined;
  /** Names whose fields hold the aliases (and the I/O the callback completes). */
  owners: Set<string>;
  context: Context;
  contextNote: string;
  callback: CallbackInfo | undefined;
  /** What the registration or the signature says the function is. */
  kind: Context | undefined;
  syncsForCpu: boolean;
}

const CLEAN_SOURCE = new Set(['vmap', 'vm_map_ram', 'dma_vmap_noncontiguous', 'vmap_pfn']);

export function isCleanSource(callee: string): boolean {
  return CLEAN_SOURCE.has(callee);
}

export function discoverAliases(
  facts: FunctionFacts,
  file: VmapFile,
  source: string,
  syntax: FunctionSyntax,
): Aliases {
  const fnText = source.slice(facts.cfg.node.startIndex, facts.cfg.node.endIndex);
  const text = (n: Node): string => source.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ');
  const aliases = new Map<string, AliasInfo>();
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
  const placeholders = new Set<string>();
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
  const pagesOf = new Map<string, string>();
  const io = facts.params[0] ?? '';
  let owner = '';

  const submitsHere = facts.all.some(
    (e) => e.kind === 'call' && submitDirection(e.name, e.args, facts) !== undefined,
  );
  for (const e of facts.all) {
    checkDeadline();
    if (e.kind === 'assign' && e.rhs) {
      const rhs = stripExpr(e.rhs);
      const callee = rhs.type === 'call_expression' ? calleeName(rhs) : '';
      if (V.VMAP_SOURCE.has(callee) && !uncachedAlias(rhs))
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
  const fields = (names: readonly string[], arrowOnly: boolean) =>
    syntax.fields.filter(
      (u) => u.object !== undefined && names.includes(u.field) && (!arrowOnly || u.op === '->'),
    );
  // dm-io keeps the address to invalidate in its io (drivers/md/dm-io.c dp_init/complete_io).
  // Only completion reads it: the flush happened in dp_init() when the request was set up.
  if (context === 'end-io')
    for (const { object: o } of fields(['vma_invalidate_size', 'vma_invalidate_address'], true)) {
      add(
        `${o!}.vma_invalidate_address`,
        `${o!}->vma_invalidate_address`,
        'dm-io saved the DM_IO_VMA address to invalidate',
      );
      const info = aliases.get(canon(`${o!}.vma_invalidate_address`));
      if (info) info.len ??= `${o!}->vma_invalidate_size`;
    }
  // `if (buffer->vmap_cnt)`: the owner has a vmap (dma-buf heaps).
  for (const { object: o } of fields(['vmap_cnt'], true))
    ownerAlias(canon(o!), o!, `${o!}->vmap_cnt counts its vmaps`);
  // `if (buf->vaddr)` around the sync of the same buffer's sg table (videobuf2-dma-contig).
  for (const [o, f] of syntax.fieldTests)
    if (MAPPING_FIELD.has(f) && syncsOwner(o))
      add(`${canon(o)}.${f}`, `${o}->${f}`, `the kernel mapping of the buffer ${o} syncs for DMA`);
  // Fields the file fills with an alias, and addresses the file flushes or invalidates elsewhere.
  for (const [field, how] of file.aliasFields) {
    for (const u of fields([field], false)) {
      if (u.callee) continue;
      add(
        `${u.object!}.${field}`,
        `${u.object!}->${field}`,
        how === 'an alias'
          ? `${field} holds a vmap alias in this file`
          : `${field} is set by ${how}() in this file`,
      );
    }
  }
  // The same owner name in a registered dma-buf/vb2 CPU-access op: `buffer->vaddr` flushed in end_cpu_access, synced in begin_cpu_access.
  const doesIo = cb !== undefined && cb.kind !== 'end-io';
  for (const r of file.ranges) {
    // `bio->bi_private` and `urb->context` hold anything: only the callback logic below follows them.
    if (r.fn === facts.name || /\.(?:bi_private|context)$|invalidate/.test(r.key)) continue;
    const bare = r.addr.replace(/^[(&*\s]+/, '');
    if (syntax.mentions(bare) || (doesIo && syntax.names.has(rootOf(bare))))
      add(r.key, r.addr, `${r.fn}() treats it as a vmap range`);
  }
  // `io->mem.ptr.vma`: DM_IO_VMA memory is vmalloc memory (drivers/md/dm-io.c).
  for (const u of syntax.fields) {
    if (u.field !== 'mem' || u.object === undefined || !isPtrVma(u.node.parent)) continue;
    add(
      `${u.object}.mem.ptr.vma`,
      `${u.object}${u.op}mem.ptr.vma`,
      'DM_IO_VMA memory is vmalloc memory (drivers/md/dm-io.c)',
    );
  }
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
    syntax.urbPointer &&
    facts.all.some((e) => e.kind === 'call' && e.name === 'dma_sync_sgtable_for_cpu')
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
  return {
    aliases,
    placeholders,
    guards,
    canon,
    key,
    aliasOf,
    ownerOf,
    owners,
    context,
    contextNote,
    callback: cb,
    kind,
    syncsForCpu,
  };
}

/** `<mem>.ptr.vma`: the two outer fields of dm-io's `io->mem.ptr.vma`. */
function isPtrVma(ptr: Node | null): boolean {
  const vma = ptr?.type === 'field_expression' ? ptr.parent : null;
  return (
    ptr?.childForFieldName('field')?.text === 'ptr' &&
    ptr.childForFieldName('operator')?.type === '.' &&
    vma?.type === 'field_expression' &&
    vma.childForFieldName('field')?.text === 'vma' &&
    vma.childForFieldName('operator')?.type === '.'
  );
}

/** Fields that hold a buffer's kernel mapping (`buf->vaddr`). */
const MAPPING_FIELD = new Set(['vaddr', 'vmap_addr', 'vmap_ptr', 'kvaddr']);

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

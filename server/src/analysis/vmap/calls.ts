/**
 * Call classification, the second half of the vmap model: what each event of a function does to
 * the aliases discovery found: a CPU write, a flush or invalidate, pages attached to I/O, I/O
 * submitted or completed, the buffer handed on, the alias ended.
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import { calleeName, stripExpr } from '../../parsing/nodeText';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import { WRITES_ARGUMENT, writeLength } from '../../knowledge/dcache';
import * as V from '../../knowledge/vmap';
import { HANDS_OFF } from '../../knowledge/shared';
import { isCleanSource } from './aliases';
import type { Aliases } from './aliases';
import { addrKey, bioDirection, dmaDirection, rootOf, submitDirection } from './file';
import type { VmapFile } from './file';
import type { FunctionSyntax } from './syntax';
import { rangeCallInterior } from './tree';
import type { VmapAction } from './types';

/**
 * Calls that hand a completed buffer on in a completion callback: the table's hand-off calls,
 * the wake_up family, and the completion helpers drivers name `*_ioend*` or `*_done`.
 */
const HANDOFF_NAME = /^(?:wake_up\w*|\w+_ioend\w*|\w+_done)$/;
const handsOff = (name: string): boolean => HANDS_OFF.has(name) || HANDOFF_NAME.test(name);

export function classifyEvents(
  facts: FunctionFacts,
  file: VmapFile,
  source: string,
  syntax: FunctionSyntax,
  found: Aliases,
): Map<Event, VmapAction[]> {
  const { aliases, canon, key, aliasOf, ownerOf, owners, context } = found;
  const text = (n: Node): string => source.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ');
  const dmIoVma = [...syntax.names].some((n) => V.DM_IO_VMA.test(n));
  let insideRangeCall: ((n: Node) => boolean) | undefined;
  const actions = new Map<Event, VmapAction[]>();
  for (const e of facts.all) {
    checkDeadline();
    const list: VmapAction[] = [];
    if (e.kind === 'store') {
      const k = aliases.has(canon(e.baseKey)) ? canon(e.baseKey) : undefined;
      if (k) list.push({ kind: 'write', alias: k, node: e.node });
    } else if (e.kind === 'assign' && e.rhs) {
      const k = aliases.has(canon(e.lhsKey)) ? canon(e.lhsKey) : undefined;
      const rhs = stripExpr(e.rhs);
      const callee = rhs.type === 'call_expression' ? calleeName(rhs) : '';
      if (k && (V.VMAP_SOURCE.has(callee) || V.MAYBE_VMAP_SOURCE.has(callee)))
        list.push({ kind: 'alias', alias: k, node: e.node, clean: isCleanSource(callee) });
      // `buf->vaddr = NULL`: no alias from here on.
      else if (k && /^(?:NULL|0)$/.test(rhs.text))
        list.push({ kind: 'unmap', alias: k, node: e.node, api: 'NULL' });
    } else if (e.kind === 'call') {
      classifyCall(e, list);
    }
    if (list.length > 0) actions.set(e, list);
  }
  return actions;

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
      const dir = file.ioDirection(facts, 'usb_submit_urb');
      list.push({ kind: 'submit', dir, node, api: name, sync: false });
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
    if (helperCall(e, list)) return;
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
    if (passes || notify || (context === 'end-io' && handsOff(name)))
      list.push({
        kind: 'use',
        node,
        api: name || text(node.childForFieldName('function') ?? node),
      });
  }

  /** A same-file helper's summary says what it does to the aliases passed to it. */
  function helperCall(e: Extract<Event, { kind: 'call' }>, list: VmapAction[]): boolean {
    const { name, args, node } = e;
    const h = file.isDefined(name) && name !== facts.name ? file.helper(name) : undefined;
    if (!h) return false;
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
    return list.length > 0;
  }
}

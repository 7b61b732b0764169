/**
 * File-level facts about vmap aliases, whose lifetime spans functions and callbacks (see
 * docs/design/vmap.md): which fields hold an alias, which addresses the file flushes or invalidates, which
 * functions are completion callbacks and what their submitter passed them, and what same-file
 * helpers do with their parameters. Computed once per file and memoised in the file context.
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import {
  callArguments,
  calleeName,
  exprKey,
  functionDefinitions,
  functionName,
  stripExpr,
} from '../../parsing/nodeText';
import { normKey, pointerBase } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import type { FileContext } from '../core/fileContext';
import * as V from '../../knowledge/vmap';
import { uncachedAlias } from './shapes';

export type Dir = 'write' | 'read' | 'both' | 'unknown';

export interface RangeCall {
  fn: string;
  key: string;
  addr: string;
  len: string;
}

export interface CallbackInfo {
  kind: 'end-io' | 'cpu-access' | 'device-access';
  registrar: string;
  /** Key of the owner the registrar passes (bi_private / urb context), if any. */
  owner?: string;
  /** The registrar passes the alias itself: `bio->bi_private = data` (block/blk-map.c bio_map_kern). */
  passesAlias?: string;
  dir: Dir;
}

export interface HelperSummary {
  flushes: Set<number>;
  invalidates: Set<number>;
  /** Parameters whose pages the helper attaches to I/O (kmem_to_page(param), bio_add_page...). */
  binds: Set<number>;
  /** Parameters whose pages it looks up (`return vmalloc_to_page(addr)`), for I/O or not. */
  lookups: Set<number>;
  submits?: Dir;
}

/** Key of the pointer an address expression is based on: `(void *)bp->b_addr + off` → `bp.b_addr`. */
export function addrKey(n: Node): string {
  return normKey(exprKey(pointerBase(n)));
}

export function rootOf(key: string): string {
  return /^[A-Za-z_]\w*/.exec(key)?.[0] ?? key;
}

/** `.begin_cpu_access = f`, `.prepare = f`: a callback slot of CPU_ACCESS_OP or DEVICE_ACCESS_OP. */
const ACCESS_OP_ASSIGNMENT = new RegExp(
  `\\.\\s*(${[...V.CPU_ACCESS_OP, ...V.DEVICE_ACCESS_OP].join('|')})\\s*=\\s*(\\w+)`,
  'g',
);

export class VmapFile {
  readonly functions: Node[];
  private readonly byName = new Map<string, Node>();
  /** Fields assigned a vmap alias somewhere in the file: `stk_urb->transfer_buffer = dma_vmap_noncontiguous(...)`. */
  readonly aliasFields = new Map<string, string>();
  /** `b_pages` → `b_addr`: a page array vmapped into a field of the same owner. */
  readonly pagesFields = new Map<string, string>();
  /** flush_kernel_vmap_range / invalidate_kernel_vmap_range calls of the file. */
  readonly ranges: RangeCall[] = [];
  readonly callbacks = new Map<string, CallbackInfo>();
  private readonly helpers = new Map<string, HelperSummary | null>();
  private readonly pipes: Dir;

  constructor(
    root: Node,
    private readonly summaries: FileContext,
    private readonly source: string,
  ) {
    this.functions = functionDefinitions(root);
    for (const fn of this.functions) this.byName.set(functionName(fn), fn);
    const snd = V.URB_PIPE_OUT.test(source);
    const rcv = V.URB_PIPE_IN.test(source);
    this.pipes = snd && rcv ? 'unknown' : snd ? 'write' : rcv ? 'read' : 'unknown';
    // Two passes: a field learns it holds an alias from a function that may come later.
    for (const pass of [1, 2]) for (const fn of this.functions) this.scan(fn, pass === 1);
    for (const m of source.matchAll(ACCESS_OP_ASSIGNMENT)) {
      const [, op, name] = m;
      if (!op || !name || this.callbacks.has(name)) continue;
      const kind = V.CPU_ACCESS_OP.has(op) ? 'cpu-access' : 'device-access';
      this.callbacks.set(name, { kind, registrar: '', dir: 'unknown' });
    }
  }

  factsOf(name: string): FunctionFacts | undefined {
    const fn = this.byName.get(name);
    return fn ? this.summaries.factsOf(fn) : undefined;
  }

  isDefined(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * Whether a function of the file other than the one at `self` calls `name` and also calls
   * flush_kernel_vmap_range(): the caller flushes what `name` leaves dirty.
   */
  flushingCallerOf(name: string, self: Node): boolean {
    this.flushingCallers ??= this.findFlushingCallers();
    return (this.flushingCallers.get(name) ?? []).some((fn) => fn.startIndex !== self.startIndex);
  }

  private flushingCallers: Map<string, Node[]> | undefined;

  private findFlushingCallers(): Map<string, Node[]> {
    const out = new Map<string, Node[]>();
    for (const fn of this.functions) {
      const called = new Set(fn.descendantsOfType('call_expression').map(calleeName));
      if (!called.has(V.FLUSH_VMAP)) continue;
      for (const name of called) {
        const list = out.get(name) ?? [];
        list.push(fn);
        out.set(name, list);
      }
    }
    return out;
  }

  /** The file flushes or invalidates this address somewhere: it is an alias used for I/O. */
  rangeOf(key: string): RangeCall | undefined {
    return this.ranges.find((r) => r.key === key);
  }

  private usedForIo(field: string): boolean {
    return new RegExp(
      `\\b(?:vmalloc_to_page|vmalloc_to_pfn|kmem_to_page|\\w+_kernel_vmap_range)\\s*\\([^;]*\\b${field}\\b`,
    ).test(this.source);
  }

  private isAlias(key: string, local: Set<string>): boolean {
    const field = /\.(\w+)$/.exec(key)?.[1];
    return local.has(key) || (field !== undefined && this.aliasFields.has(field));
  }

  private scan(fn: Node, first: boolean): void {
    const name = functionName(fn);
    const text = this.source.slice(fn.startIndex, fn.endIndex);
    if (
      !/vmap|vmalloc|vm_map_ram|bi_end_io|complete\s*=|usb_fill_|_is_vmapped|_private\s*=|context\s*=/.test(
        text,
      )
    )
      return;
    const facts = this.summaries.factsOf(fn);
    const localAliases = new Set<string>();
    let owner: string | undefined;
    let passesAlias: string | undefined;
    const registered: string[] = [];
    for (const e of facts.all) {
      checkDeadline();
      if (e.kind === 'call') {
        if ((e.name === V.FLUSH_VMAP || e.name === V.INVALIDATE_VMAP) && e.args[0]) {
          const key = addrKey(e.args[0]);
          const len = e.args[1] ? this.text(e.args[1]) : '';
          if (first) this.ranges.push({ fn: name, key, addr: this.text(e.args[0]), len });
          localAliases.add(key);
        }
        if (V.VMAP_TEST.test(e.name) && e.args[0]) localAliases.add(addrKey(e.args[0]));
        const fill = V.USB_FILL.get(e.name);
        if (fill) {
          const cb = e.args[fill[2]];
          const ctx = e.args[fill[3]];
          if (cb?.type === 'identifier') registered.push(cb.text);
          if (ctx) owner = addrKey(ctx);
          const buf = e.args[fill[0]];
          if (buf && this.isAlias(addrKey(buf), localAliases))
            this.aliasFields.set('transfer_buffer', 'an alias');
        }
      }
      if (e.kind !== 'assign' || !e.rhs) continue;
      const field = /\.(\w+)$/.exec(e.lhsKey)?.[1];
      const rhs = stripExpr(e.rhs);
      if (field && V.CALLBACK_FIELD.has(field)) {
        const choices =
          rhs.type === 'conditional_expression' ? rhs.namedChildren.slice(1).map(stripExpr) : [rhs];
        for (const c of choices) if (c.type === 'identifier') registered.push(c.text);
      }
      if (field && V.PRIVATE_FIELD.has(field)) {
        owner = addrKey(rhs);
        if (this.isAlias(owner, localAliases)) passesAlias = field;
      }
      if (rhs.type === 'call_expression') {
        const callee = calleeName(rhs);
        if (V.VMAP_SOURCE.has(callee) && !uncachedAlias(rhs)) {
          if (V.PAGES_ALIAS_SOURCE.has(callee)) localAliases.add(e.lhsKey);
          // vmalloc'd fields are mostly CPU-only tables: an alias for I/O only if the file says so.
          if (field && (V.PAGES_ALIAS_SOURCE.has(callee) || this.usedForIo(field)))
            this.aliasFields.set(field, callee);
          const pages = callArguments(rhs)[0];
          const pf = pages ? /\.(\w+)$/.exec(addrKey(pages))?.[1] : undefined;
          // vmap(pages, ...) and vm_map_ram(pages, ...) take the page array first.
          if (pf && field && (callee === 'vmap' || callee === 'vm_map_ram'))
            this.pagesFields.set(pf, field);
        }
      } else if (
        field &&
        !V.PRIVATE_FIELD.has(field) &&
        !/invalidate/.test(field) &&
        this.isAlias(addrKey(rhs), localAliases)
      ) {
        // `urb->transfer_buffer = uvc_urb->buffer`: the field now holds the alias too. A field
        // kept only to invalidate at completion (dm-io's vma_invalidate_address) is not one.
        this.aliasFields.set(field, 'an alias');
      }
    }
    for (const cb of registered) {
      if (!first || this.callbacks.has(cb)) continue;
      const info: CallbackInfo = {
        kind: 'end-io',
        registrar: name,
        dir: this.ioDirection(facts, text),
      };
      if (owner) info.owner = owner;
      if (passesAlias) info.passesAlias = passesAlias;
      this.callbacks.set(cb, info);
    }
  }

  /** The direction of the I/O a function builds: from its bio op or its URB pipes. */
  ioDirection(facts: FunctionFacts, text: string): Dir {
    if (V.URB_CALL.test(text) || /->complete\s*=/.test(text)) return this.pipes;
    return bioDirection(facts);
  }

  /** What a same-file helper does with its parameters (one level of helpers below it). */
  helper(name: string, depth = 0): HelperSummary | undefined {
    if (this.helpers.has(name)) return this.helpers.get(name) ?? undefined;
    const fn = this.byName.get(name);
    if (!fn || depth > 2) return undefined;
    this.helpers.set(name, null);
    const facts = this.summaries.factsOf(fn);
    const params = facts.params;
    // Flushes count for the owner of a field (`flush(bp->b_addr)` flushes for `bp`); page
    // lookups only for the parameter itself.
    const index = (n: Node | undefined): number => (n ? params.indexOf(rootOf(addrKey(n))) : -1);
    const exact = (n: Node | undefined): number => (n ? params.indexOf(addrKey(n)) : -1);
    const pagesOf = new Map<string, number>();
    const s: HelperSummary = {
      flushes: new Set(),
      invalidates: new Set(),
      binds: new Set(),
      lookups: new Set(),
    };
    const dirs: Dir[] = [];
    for (const e of facts.all) {
      checkDeadline();
      if (e.kind === 'assign' && e.rhs) {
        const rhs = stripExpr(e.rhs);
        if (rhs.type === 'call_expression' && V.ALIAS_PAGE.has(calleeName(rhs))) {
          const i = exact(callArguments(rhs)[0]);
          if (i >= 0) pagesOf.set(e.lhsKey, i);
        }
      }
      if (e.kind !== 'call') continue;
      const i0 = index(e.args[0]);
      if (e.name === V.FLUSH_VMAP && i0 >= 0) s.flushes.add(i0);
      if (e.name === V.INVALIDATE_VMAP && i0 >= 0) s.invalidates.add(i0);
      if (V.ALIAS_PAGE.has(e.name) && exact(e.args[0]) >= 0) s.lookups.add(exact(e.args[0]));
      const at = V.ATTACH_PAGE.get(e.name);
      const page = at === undefined ? undefined : e.args[at];
      if (page) {
        const i = pagesOf.get(addrKey(page));
        if (i !== undefined) s.binds.add(i);
      }
      const d = submitDirection(e.name, e.args, facts);
      if (d) dirs.push(d);
      const sub =
        this.isDefined(e.name) && e.name !== name ? this.helper(e.name, depth + 1) : undefined;
      if (sub) {
        const args = callArguments(e.node);
        args.forEach((a, j) => {
          const i = index(a);
          if (i < 0) return;
          if (sub.flushes.has(j)) s.flushes.add(i);
          if (sub.invalidates.has(j)) s.invalidates.add(i);
          if (sub.binds.has(j) && exact(a) >= 0) s.binds.add(exact(a));
        });
        if (sub.submits) dirs.push(sub.submits);
      }
    }
    if (dirs.length > 0) s.submits = dirs.every((d) => d === dirs[0]) ? dirs[0] : 'unknown';
    this.helpers.set(name, s);
    return s;
  }

  private text(n: Node): string {
    return this.source.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ');
  }
}

/** Direction of the bios a function builds: REQ_OP_* in bio_alloc/bio_init/bi_opf, else unknown. */
export function bioDirection(facts: FunctionFacts): Dir {
  const seen = new Set<Dir>();
  const judge = (n: Node): void => {
    const t = n.text;
    const w = /\b(?:REQ_OP_WRITE\w*|REQ_OP_DRV_OUT|WRITE)\b/.test(t);
    const r = /\b(?:REQ_OP_READ|REQ_OP_DRV_IN|READ)\b/.test(t);
    seen.add(w && !r ? 'write' : r && !w ? 'read' : 'unknown');
  };
  for (const e of facts.all) {
    // bio_alloc(bdev, nr_vecs, opf, gfp) and bio_alloc_bioset carry the op third (the table).
    const opIndex = e.kind === 'call' ? (V.SETS_BIO_OP.get(e.name) ?? -1) : -1;
    if (e.kind === 'call' && opIndex >= 0) {
      const op = e.args[opIndex];
      if (op) judge(op);
    } else if (e.kind === 'assign' && e.rhs && /\.bi_opf$/.test(e.lhsKey)) {
      // `bi_opf |= REQ_FUA` adds a flag; only a plain store sets the operation.
      if (e.node.childForFieldName('operator')?.text === '=') judge(e.rhs);
    }
  }
  if (seen.size === 1) return [...seen][0]!;
  return 'unknown';
}

/** The direction of a DMA call from its direction argument. */
export function dmaDirection(arg: Node | undefined): Dir {
  const t = arg ? stripExpr(arg).text : '';
  if (t === 'DMA_TO_DEVICE') return 'write';
  if (t === 'DMA_FROM_DEVICE') return 'read';
  if (t === 'DMA_BIDIRECTIONAL') return 'both';
  return 'unknown';
}

/** If `name(args)` starts I/O (block, URB, DMA to the device, a crypto request), its direction. */
export function submitDirection(name: string, args: Node[], facts: FunctionFacts): Dir | undefined {
  if (V.SUBMIT_BIO.has(name)) return bioDirection(facts);
  if (V.SUBMIT_URB.has(name)) return 'unknown';
  const d = V.DMA_FOR_DEVICE.get(name);
  if (d !== undefined) return dmaDirection(args[d]);
  if (V.CRYPTO_SUBMIT.has(name)) return 'write';
  return undefined;
}

/** The file's vmap facts, built on first use from the function's tree. */
export function vmapFileOf(context: FileContext, fn: Node, source: string): VmapFile {
  return context.memo('vmap-file', context, () => {
    let root: Node = fn;
    while (root.parent) root = root.parent;
    return new VmapFile(root, context, source);
  });
}

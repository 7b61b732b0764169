/**
 * Shapes the vmap model recognises from one function's text alone (no file context): maintenance
 * wrappers that do nothing, completion callbacks by signature, vmalloc memory refused, calls
 * nested in the maintenance calls' arguments, pages handed straight to bio_add_page().
 */
import type { Node } from '../../parsing/parser';
import { callArguments, calleeName, stripExpr } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';
import * as V from '../../knowledge/vmap';
import { upFrom } from './tree';

export type Context = 'plain' | 'end-io' | 'cpu-access' | 'device-access';

export interface EmptyWrapper {
  kind: 'flush' | 'invalidate';
  test: Node;
  param: string;
}

/**
 * `if (is_vmalloc_addr(buf)) return -EFAULT;`: vmalloc memory is refused, so it is no alias here.
 * An error cookie counts as a refusal too: dma_map_single_attrs() returns DMA_MAPPING_ERROR for a
 * vmalloc address (include/linux/dma-mapping.h:332, 6.1).
 */
export function rejects(test: Node, fn: Node): boolean {
  for (const p of upFrom(fn, test)) {
    if (p.type === 'if_statement') {
      const body = p.childForFieldName('consequence')?.text ?? '';
      return (
        (/\breturn\s+(?:-E|ERR_PTR|NULL\b|[A-Z][A-Z0-9_]*_ERROR\b)|\bgoto\s+\w*(?:err|fail)/.test(
          body,
        ) ||
          /^\{?\s*(?:vfree|kvfree|vunmap)\s*\(/.test(body)) &&
        !/_kernel_vmap_range|vmalloc_to_page/.test(body)
      );
    }
    if (p.type.endsWith('statement') || p.type === 'declaration') return false;
  }
  return false;
}

const FLUSH_NAME = /flush|clean|writeback/;
const INVALIDATE_NAME = /invalidat|inval\b/;

export function emptyWrapper(facts: FunctionFacts): EmptyWrapper | undefined {
  const name = facts.name;
  const kind = INVALIDATE_NAME.test(name)
    ? 'invalidate'
    : FLUSH_NAME.test(name) && /cache|vmap|range/.test(name)
      ? 'flush'
      : undefined;
  if (!kind) return undefined;
  let test: Node | undefined;
  let param = '';
  for (const e of facts.all) {
    if (e.kind !== 'call') continue;
    if (
      e.name === 'is_vmalloc_addr' &&
      e.args[0] &&
      facts.params.includes(stripExpr(e.args[0]).text)
    ) {
      test = e.node;
      param = stripExpr(e.args[0]).text;
    } else if (!/^(?:un)?likely$/.test(e.name)) return undefined;
  }
  return test ? { kind, test, param } : undefined;
}

/**
 * `bio_invalidate_vmalloc_pages()`: a function named for vmap maintenance that does none
 * (block/blk-map.c). Only the name is left to tell; it must not call anything that could.
 */
export function namedWrapper(facts: FunctionFacts, fnText: string): EmptyWrapper | undefined {
  // Only "vmalloc" names: flush_cache_vmap() and vmap_*_noflush() are mm's own, not I/O helpers.
  const m = /(invalidate|flush)\w*vmalloc|vmalloc\w*(invalidate|flush)/.exec(facts.name);
  const body = facts.cfg.node.childForFieldName('body');
  if (!m || /_kernel_vmap_range\s*\(/.test(fnText) || /noflush/.test(facts.name)) return undefined;
  if (!body || body.namedChildren.every((c) => c.type === 'comment')) return undefined;
  if (
    facts.all.some(
      (e) => e.kind === 'call' && !/^(?:un)?likely$|^bio_op$|^op_is_write$/.test(e.name),
    )
  )
    return undefined;
  const decl = facts.cfg.node.childForFieldName('declarator') ?? facts.cfg.node;
  return { kind: (m[1] ?? m[2]) === 'invalidate' ? 'invalidate' : 'flush', test: decl, param: '' };
}

/** What a function is by its shape when no registration in the file says so. */
export function signatureContext(fnText: string, name: string): Context | undefined {
  const head = fnText.slice(0, fnText.indexOf('{') + 1).replace(/\s+/g, ' ');
  // `static void f(struct bio *bio)`, also under xfs's STATIC or other attribute macros.
  if (/^(?:\w+ )*void \w+ ?\( ?struct (?:bio|urb) ?\* ?\w+ ?\) ?\{$/.test(head)) return 'end-io';
  // dm-io's completion of the whole io (drivers/md/dm-io.c complete_io).
  if (/^(?:\w+_)?complete_io$/.test(name)) return 'end-io';
  if (/begin_cpu_access$/.test(name)) return 'cpu-access';
  if (/end_cpu_access$/.test(name)) return 'device-access';
  return undefined;
}

/** `vmap(pages, n, VM_MAP, pgprot_writecombine(PAGE_KERNEL))`: an alias that caches nothing. */
export function uncachedAlias(call: Node): boolean {
  return callArguments(call).some((a) => {
    const s = stripExpr(a);
    return V.UNCACHED_PROT.test(s.type === 'call_expression' ? calleeName(s) : s.text);
  });
}

/** The call is the page argument of bio_add_page()/sg_set_page(). */
export function attachedPage(call: Node): boolean {
  const outer = call.parent?.type === 'argument_list' ? call.parent.parent : null;
  const at = outer?.type === 'call_expression' ? V.ATTACH_PAGE.get(calleeName(outer)) : undefined;
  return at !== undefined && callArguments(outer!)[at]?.startIndex === call.startIndex;
}

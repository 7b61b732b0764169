/**
 * One file's contribution to the tree index, computed from its parsed tree alone (pure): page
 * field stores with their sources, what each function flushes and writes of its parameters and
 * which of its parameters it passes to other functions, and operations-table registrations.
 */
import { checkDeadline } from '../parsing/deadline';
import type { Node, Tree } from '../parsing/parser';
import type { IteratorLoop } from '../parsing/preprocess';
import {
  callArguments,
  calleeName,
  functionDefinitions,
  functionName,
  parameterIndirections,
  parameterNames,
  stripExpr,
} from '../parsing/nodeText';
import { FileSummaries } from '../analysis/dcache/summaries';
import { writesPageParam } from '../analysis/dcache/pageModel';
import { constantTruth } from '../analysis/dcache/flushGuard';
import { mayFlushByWalk } from '../analysis/dcache/cryptoWalk';
import { marksParamUptodate } from '../analysis/dcache/uptodateHandOff';
import { declaredTypes, fieldKey, returnKey, structMembers } from './declarations';
import { bufferWrites } from './bufferWrites';
import { bufferReads } from './bufferReads';
import { bufferHeadArgument, bufferHeadPageWrites, bufferHeadParams } from './bufferHeads';
import { GET_BLOCK_CALLER, MAP_BY_PAGE, MARK_UPTODATE, SAME_PAGE } from '../knowledge/dcache';
import { wordTest } from '../knowledge/table';
import {
  ADDS_TO_CACHE,
  ADDRESS_TO_PAGE,
  FRESH_CACHE_PAGE,
  LIST_ENTRY,
  LIST_STORE,
  FILLS_PRIVATE_ARRAY,
  FILLS_VISIBLE_ARRAY,
  IGET_CALL,
  INSERTS_USER_PAGE,
  REQUEST_PAGE_FIELD,
  RESERVED_INO,
  SG_FIELD,
  classifyCall,
} from './sources';
import type { FieldSource, FileFacts, FunctionFactsSummary } from './types';

/** Fields worth recording even when their source is unknown: those that name pages. */
export const PAGE_FIELD = /pag|folio|(?:^|_)pg(?:s|_|$)/i;
const FLUSH_HINT = /\bflush_dcache_|\bsg_miter_stop\b|\bmemcpy_to_page\b|\bzero_user|\bfolio_zero_/;
const WRITE_HINT = /\bkmap|\bpage_address\b|\bfolio_address\b|_to_page\b|_from_iter\b/;
const NO_VALUE = /^(?:NULL|0|ERR_PTR\(.*\))$/s;

interface Ctx {
  fn: Node;
  params: string[];
  types: Map<string, string>;
  /** Assignments in the function: name → values in source order. */
  values: Map<string, Node[]>;
}

type Source = Omit<FieldSource, 'line'>;

export function summarizeFile(
  file: string,
  tree: Tree,
  source: string,
  iterators: Map<number, IteratorLoop>,
): FileFacts {
  const functions = functionDefinitions(tree.rootNode);
  const local = new FileSummaries(functions, iterators, source);
  // No prototype: a field named `constructor` (a kernel ops table has one) is a key like any other.
  const facts: FileFacts = {
    file,
    fields: Object.create(null) as FileFacts['fields'],
    functions: [],
    callbacks: Object.create(null) as FileFacts['callbacks'],
  };
  const addField = (key: string, s: Source, at: Node): void => {
    (facts.fields[key] ??= []).push({ ...s, line: at.startPosition.row + 1 });
  };
  // Operations tables (`static const struct address_space_operations x = {...}`) and others.
  for (const n of tree.rootNode.descendantsOfType('initializer_pair')) registerPair(n, facts);
  const registered = new Set(Object.values(facts.callbacks).flat());
  const marksAny = wordTest([...MARK_UPTODATE]).test(source);
  for (const fn of functions) {
    checkDeadline();
    const nodes = fn.descendantsOfType([
      'assignment_expression',
      'init_declarator',
      'call_expression',
    ]);
    const ctx = contextOf(fn, nodes);
    for (const n of nodes) visit(n, ctx, facts, addField);
    // What a helper returning pages gives back, kept like a field's sources (`name()`).
    const returned = returnKey(fn, functionName(fn));
    for (const r of returned ? fn.descendantsOfType('return_statement') : []) {
      const value = r.namedChild(0);
      const s = value && sourceOf(value, ctx, r.startIndex, 0);
      if (returned && s) addField(returned, s, r);
    }
    const summary = functionSummary(fn, ctx, local, nodes, registered, marksAny);
    if (summary) facts.functions.push(summary);
  }
  const structs = structMembers(tree.rootNode);
  if (Object.keys(structs).length > 0) facts.structs = structs;
  const called = addressCalls(functions.map((fn) => fn.text));
  if (called.length > 0) facts.addressCalls = called;
  // Plain objects again (as a cached copy read back is); own keys only, so still safe.
  return { ...facts, fields: { ...facts.fields }, callbacks: { ...facts.callbacks } };
}

function contextOf(fn: Node, nodes: Node[]): Ctx {
  const values = new Map<string, Node[]>();
  for (const n of nodes) {
    const pair = assignmentParts(n);
    if (!pair) continue;
    const lhs = stripExpr(pair.lhs);
    const name =
      lhs.type === 'identifier'
        ? lhs.text
        : lhs.type === 'subscript_expression'
          ? `${stripExpr(lhs.childForFieldName('argument') ?? lhs).text}[]`
          : '';
    if (name) values.set(name, [...(values.get(name) ?? []), pair.rhs]);
  }
  return { fn, params: parameterNames(fn), types: declaredTypes(fn), values };
}

function assignmentParts(n: Node): { lhs: Node; rhs: Node } | undefined {
  if (n.type === 'assignment_expression' && n.childForFieldName('operator')?.text === '=') {
    const lhs = n.childForFieldName('left');
    const rhs = n.childForFieldName('right');
    return lhs && rhs ? { lhs, rhs } : undefined;
  }
  if (n.type === 'init_declarator') {
    const lhs = n.childForFieldName('declarator');
    const rhs = n.childForFieldName('value');
    if (!lhs || !rhs || rhs.type === 'initializer_list') return undefined;
    let id: Node | null = lhs;
    while (id && id.type !== 'identifier') id = id.childForFieldName('declarator');
    return id ? { lhs: id, rhs } : undefined;
  }
  return undefined;
}

function visit(
  n: Node,
  ctx: Ctx,
  facts: FileFacts,
  add: (key: string, s: Source, at: Node) => void,
): void {
  if (n.type === 'assignment_expression' && n.childForFieldName('operator')?.text === '=') {
    const lhs = n.childForFieldName('left');
    const rhs = n.childForFieldName('right');
    const key = lhs ? fieldKey(lhs, ctx.types) : undefined;
    if (key && rhs) {
      const s = sourceOf(rhs, ctx, n.startIndex, 0);
      if (s && (s.kind !== 'unknown' || PAGE_FIELD.test(key) || SG_FIELD.test(key))) add(key, s, n);
      const fnName = stripExpr(rhs);
      // `ops->write_end = my_write_end`: a callback registration by assignment.
      if (fnName.type === 'identifier' && isFunctionName(fnName.text, ctx))
        (facts.callbacks[key.slice(key.indexOf('.') + 1)] ??= []).push(fnName.text);
    }
  }
  if (n.type === 'call_expression') {
    const callee = calleeName(n);
    const args = callArguments(n);
    const kind =
      FILLS_VISIBLE_ARRAY.test(callee) || INSERTS_USER_PAGE.test(callee)
        ? 'visible'
        : FILLS_PRIVATE_ARRAY.test(callee)
          ? 'private'
          : undefined;
    if (kind)
      for (const a of args) {
        const key = fieldKey(a, ctx.types);
        if (key) add(key, { kind, what: callee }, n);
      }
    // `list_add_tail(&page->lru, &pl->head)`: the list head holds that page. Recorded whatever
    // its source, so that one unknown page keeps the list from passing for private.
    const head = LIST_STORE.test(callee) && args[1] ? fieldKey(args[1], ctx.types) : undefined;
    const elem = args[0] ? listElement(args[0]) : undefined;
    if (head && elem)
      add(head, sourceOf(elem, ctx, n.startIndex, 0) ?? { kind: 'unknown', what: elem.text }, n);
  }
}

/** `&page->lru` → `page`: the page or folio a list operation moves. */
function listElement(arg: Node): Node | undefined {
  const v = stripExpr(arg);
  const inner =
    v.type === 'pointer_expression' ? stripExpr(v.childForFieldName('argument') ?? v) : v;
  if (inner.type !== 'field_expression' || inner.childForFieldName('field')?.text !== 'lru')
    return undefined;
  return inner.childForFieldName('argument') ?? undefined;
}

/**
 * `list_first_entry(&pl->head, struct page, lru)`, `list_entry(pl->head.prev, struct page, lru)`:
 * the key of the list head a page or folio is taken from.
 */
export function listHeadKey(call: Node, types: Map<string, string>): string | undefined {
  if (!LIST_ENTRY.test(calleeName(call))) return undefined;
  const [head, type] = callArguments(call);
  if (!head || !type || !/^struct[\s_]+(?:page|folio)$/.test(type.text.trim())) return undefined;
  let h = stripExpr(head);
  const f = h.type === 'field_expression' ? h.childForFieldName('field')?.text : undefined;
  if (f === 'next' || f === 'prev') h = h.childForFieldName('argument') ?? h;
  return fieldKey(h, types);
}

function isFunctionName(name: string, ctx: Ctx): boolean {
  return (
    /[a-z]/.test(name) &&
    !ctx.types.has(name) &&
    !ctx.values.has(name) &&
    !ctx.params.includes(name)
  );
}

/** Where the value `rhs` (stored at `at`) comes from; undefined for no page (NULL). */
function sourceOf(rhs: Node, ctx: Ctx, at: number, depth: number): Source | undefined {
  const v = stripExpr(rhs);
  if (NO_VALUE.test(v.text)) return undefined;
  if (depth > 3) return { kind: 'unknown', what: v.text.slice(0, 40) };
  if (v.type === 'call_expression') {
    const callee = calleeName(v);
    const args = callArguments(v);
    if (IGET_CALL.test(callee) && args.some((a) => RESERVED_INO.test(stripExpr(a).text)))
      return { kind: 'internal-inode', what: `${callee}(${args.map((a) => a.text).join(', ')})` };
    if (ADDRESS_TO_PAGE.test(callee) && args[0]) {
      const inner = sourceOf(args[0], ctx, at, depth + 1);
      return inner?.kind === 'private' || inner?.what.startsWith('memory:')
        ? { kind: 'private', what: `${callee} of ${inner.what.replace(/^memory:/, '')}` }
        : { kind: 'unknown', what: callee };
    }
    const listed = listHeadKey(v, ctx.types);
    if (listed) return { kind: 'unknown', what: `field:${listed}` };
    if (FRESH_CACHE_PAGE.test(callee))
      return ADDS_TO_CACHE.test(ctx.fn.text)
        ? { kind: 'unknown', what: `${callee}() added to the page cache` }
        : { kind: 'private', what: callee };
    const c = classifyCall(callee);
    if (c === 'memory') return { kind: 'unknown', what: `memory:${callee}` };
    if (c) return { kind: c, what: callee };
    // Another function's return value: what the tree records it returns (returnKey).
    return /^\w+$/.test(callee)
      ? { kind: 'unknown', what: `field:${callee}()` }
      : { kind: 'unknown', what: `${callee || 'call'}()` };
  }
  if (v.type === 'field_expression' || v.type === 'subscript_expression') {
    const field = /(\w+)\s*(?:\[[^\]]*\])?$/.exec(v.text)?.[1] ?? '';
    if (REQUEST_PAGE_FIELD.test(field)) return { kind: 'visible', what: `a request's ${field}` };
    const key = fieldKey(v, ctx.types);
    if (key) return { kind: 'unknown', what: `field:${key}` };
  }
  if (v.type === 'identifier' && !ctx.params.includes(v.text)) {
    // A local: its elements (`pages[i] = alloc_page()`) when it is an array of pages, else the
    // last value it was given before the store.
    const elems = ctx.values.get(`${v.text}[]`) ?? [];
    const direct = ctx.values.get(v.text) ?? [];
    const before = direct.filter((d) => d.startIndex < at);
    const chosen =
      elems.length > 0 ? elems : before.length > 0 ? [before[before.length - 1]!] : direct;
    const found = chosen.flatMap((d) => sourceOf(d, ctx, d.startIndex, depth + 1) ?? []);
    if (found.length === 0) return { kind: 'unknown', what: v.text };
    return (
      found.find((s) => s.kind === 'visible') ?? found.find((s) => s.kind === 'unknown') ?? found[0]
    );
  }
  return { kind: 'unknown', what: v.text.slice(0, 40) };
}

/** `.write_end = block_write_end` in an initializer: the field's implementations. */
function registerPair(n: Node, facts: FileFacts): void {
  const designator = n.childForFieldName('designator');
  const value = n.childForFieldName('value');
  const field = designator?.type === 'field_designator' ? designator.text.replace(/^\./, '') : '';
  if (!field || !value) return;
  const v = stripExpr(value);
  if (v.type === 'identifier' && /[a-z]/.test(v.text) && /^[a-z_]\w*$/i.test(v.text))
    (facts.callbacks[field] ??= []).push(v.text);
}

/**
 * Parameters that are one page or folio (`struct page *page`): the only ones whose flushes and
 * writes the index keeps. `struct page **pages` is an array the callee fills or walks
 * (pin_user_pages_fast, async_xor's source list): a store into it is no write of a page's bytes.
 */
function pageParams(ctx: Ctx): Set<number> {
  const out = new Set<number>();
  const depth = parameterIndirections(ctx.fn);
  ctx.params.forEach((p, i) => {
    if (PAGE_TYPE.has(ctx.types.get(p) ?? '') && depth[i] === 1) out.add(i);
  });
  return out;
}

const PAGE_TYPE = new Set(['page', 'folio']);

/** `page_folio(page)` handed on is the page itself (knowledge: same-page). */
function unwrapFolio(n: Node): Node {
  const fn = n.type === 'call_expression' ? n.childForFieldName('function') : null;
  const at = fn?.type === 'identifier' ? SAME_PAGE.get(fn.text) : undefined;
  const arg = at === undefined ? undefined : callArguments(n)[at];
  return arg ? stripExpr(arg) : n;
}

function functionSummary(
  fn: Node,
  ctx: Ctx,
  local: FileSummaries,
  nodes: Node[],
  registered: ReadonlySet<string>,
  /** The file names a call that marks a page up to date: its functions may, or their helpers. */
  marksAny: boolean,
): FunctionFactsSummary | undefined {
  const mapping = returnedInodeField(fn, ctx);
  const pages = pageParams(ctx);
  const name = functionName(fn);
  // Only an implementation of an operations-table field is asked about its buffers (treeIndex.ts).
  const buffers =
    pages.size === 0 && registered.has(name)
      ? bufferWrites(fn, name, local, ctx.params, ctx.types)
      : [];
  const reads =
    pages.size === 0 && registered.has(name)
      ? bufferReads(fn, name, local, ctx.params, ctx.types)
      : [];
  const heads = bufferHeadParams(fn, ctx.params, ctx.types);
  if (pages.size === 0 && heads.size === 0 && !mapping && buffers.length + reads.length === 0)
    return undefined;
  const text = fn.text;
  const isStatic = fn.namedChildren.some(
    (c) => c.type === 'storage_class_specifier' && c.text === 'static',
  );
  let flushes: number[] | 'any' = [];
  const flushWhen: NonNullable<FunctionFactsSummary['flushWhen']> = [];
  if (FLUSH_HINT.test(text) || mayFlushByWalk(text, local)) {
    const places = local.flushedParams(name);
    const own =
      places === 'any' ? [] : (places ?? []).filter((p) => p.path === '' && pages.has(p.index));
    flushes = places === 'any' ? 'any' : own.filter((p) => !p.when).map((p) => p.index);
    for (const p of own) if (p.when) flushWhen.push({ index: p.index, ...p.when });
  }
  const writes: number[] = [];
  // Only the page's bytes written through a kernel mapping count: `page->index = n` or
  // `set_page_private(page, v)` store into the struct page, which no other alias reads as data.
  if (WRITE_HINT.test(text))
    for (const i of pages) if (writesPageParam(local, name, i)) writes.push(i);
  const uptodate = marksAny ? [...pages].filter((i) => marksParamUptodate(local, name, i)) : [];
  const calls: FunctionFactsSummary['calls'] = [];
  for (const n of nodes) {
    if (n.type !== 'call_expression') continue;
    const f = n.childForFieldName('function');
    const callee =
      f?.type === 'identifier'
        ? f.text
        : f?.type === 'field_expression'
          ? `->${f.childForFieldName('field')?.text ?? ''}`
          : '';
    if (!callee || callee === '->') continue;
    const given = callArguments(n);
    const args = given.map((a) => {
      const s = unwrapFolio(stripExpr(a));
      const i = s.type === 'identifier' ? ctx.params.indexOf(s.text) : -1;
      return pages.has(i) ? i : -1;
    });
    const headArgs = given.map((a) => bufferHeadArgument(a, ctx.params, heads, ctx.values));
    if (!args.some((i) => i >= 0) && !headArgs.some((i) => i >= 0)) continue;
    // Constant flags, for callees that flush only when told the page is dirty (flushGuard.ts).
    const call: FunctionFactsSummary['calls'][number] = { callee, args };
    headArgs.forEach((h, i) => {
      if (h >= 0) (call.heads ??= {})[i] = h;
    });
    // The `get_block` an API calls on the page's buffer heads (knowledge: calls-get-block).
    const getBlock = GET_BLOCK_CALLER.get(callee);
    const cb = getBlock && given[getBlock.callback] && stripExpr(given[getBlock.callback]!);
    if (cb?.type === 'identifier' && !ctx.params.includes(cb.text) && !ctx.types.has(cb.text))
      call.funcs = { [getBlock!.callback]: cb.text };
    given.forEach((a, i) => {
      const truth = constantTruth(a);
      if (truth !== undefined) (call.consts ??= {})[i] = truth;
      const s = stripExpr(a);
      const p = s.type === 'identifier' ? ctx.params.indexOf(s.text) : -1;
      if (p >= 0 && !pages.has(p)) (call.passes ??= {})[i] = p;
    });
    const arm = switchOf(n, fn);
    if (arm !== undefined) call.arm = arm;
    calls.push(call);
  }
  const summary: FunctionFactsSummary = {
    name,
    isStatic,
    line: fn.startPosition.row + 1,
    flushes,
    writes,
    calls,
  };
  if (mapping) summary.returnsMappingOf = mapping;
  if (flushWhen.length > 0) summary.flushWhen = flushWhen;
  if (uptodate.length > 0) summary.uptodate = uptodate;
  if (buffers.length > 0) summary.bufferWrites = buffers;
  if (reads.length > 0) summary.bufferReads = reads;
  const headWrites = WRITE_HINT.test(text)
    ? bufferHeadPageWrites(local, fn, name, heads, ctx.values)
    : [];
  if (headWrites.length > 0) summary.headWrites = headWrites;
  return summary;
}

const MAPPED_LOCAL = new RegExp(
  `\\b(\\w+)\\s*=\\s*(?:\\([^()]*\\)\\s*)?(?:${[...MAP_BY_PAGE.keys()].join('|')})\\s*\\(`,
  'g',
);
const FIELD_CALL = /->\s*(\w+)\s*\(([^;]*)\)\s*;/g;

/**
 * Operations-table fields called with a kernel mapping of a page (`buf = kmap_atomic(page);
 * ops->sff_data_xfer(qc, buf + off, n, rw)`): their implementations are worth summarising for
 * the byte buffers they write (build.ts parses them in its second round). A textual
 * over-approximation; the rule decides with the page model.
 */
function addressCalls(texts: string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    const mapped = new Set([...text.matchAll(MAPPED_LOCAL)].map((m) => m[1]!));
    if (mapped.size === 0) continue;
    for (const m of text.matchAll(FIELD_CALL))
      if ([...mapped].some((v) => new RegExp(`\\b${v}\\b`).test(m[2]!))) out.add(m[1]!);
  }
  return [...out].sort();
}

/** The offsets of the `switch` and of its case that holds `call` (the innermost), if any. */
function switchOf(call: Node, fn: Node): [number, number] | undefined {
  for (let n = call.parent; n && n.id !== fn.id; n = n.parent)
    if (n.type === 'case_statement') {
      const sw = n.parent?.parent;
      return sw?.type === 'switch_statement' ? [sw.startIndex, n.startIndex] : undefined;
    }
  return undefined;
}

/** `return sbi->meta_inode->i_mapping;`: the field whose inode's mapping the function returns. */
function returnedInodeField(fn: Node, ctx: Ctx): string | undefined {
  const body = fn.childForFieldName('body');
  const stmts = body?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  const only = stmts.length === 1 && stmts[0]?.type === 'return_statement' ? stmts[0] : undefined;
  const value = only?.namedChild(0);
  return value ? inodeFieldOfMapping(value, ctx.types) : undefined;
}

/** `x->f->i_mapping` → the key of `x->f` (the field holding the inode). */
export function inodeFieldOfMapping(n: Node, types: Map<string, string>): string | undefined {
  const v = stripExpr(n);
  if (v.type !== 'field_expression' || v.childForFieldName('field')?.text !== 'i_mapping')
    return undefined;
  const inode = v.childForFieldName('argument');
  return inode ? fieldKey(inode, types) : undefined;
}

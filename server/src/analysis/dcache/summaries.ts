/**
 * Summaries of the functions defined in the same file, so that a write or a flush done by a
 * callee or a caller counts (docs/design/dcache.md, "Same-file callers and callees").
 * Computed lazily and memoised; calls that form a cycle are settled together (fixpoint.ts).
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import type { IteratorLoop } from '../../parsing/preprocess';
import { callArguments, calleeName, exprKey, stripExpr } from '../../parsing/nodeText';
import { pageKey } from '../core/facts';
import { FileContext } from '../core/fileContext';
import { findBadPath } from '../core/pathSearch';
import { negativeTest } from './conditions';
import { testOf } from '../core/conditions';
import type { Edge } from '../../cfg/graph';
import type { FunctionFacts } from '../core/facts';
import { pointerBase, normKey } from '../core/events';
import type { Event } from '../core/events';
import {
  CONTAINER_LOOKUP,
  FLUSH,
  MARK_UPTODATE,
  PRIVATE_PAGE_SOURCE,
  STORE_MACRO,
  VISIBLE_PAGE_SOURCE,
  WRITES_ARGUMENT,
} from '../../knowledge/dcache';
import { getBlockWrittenPage } from './getBlock';
import type { TreeFacts } from '../../xref/types';
import {
  mappedFieldRoots,
  ringPageLookups,
  ringTypes,
  structTypes,
  userMappedFields,
} from './userRing';
import { flushGuard, guardAllows } from './flushGuard';
import type { FlushGuard, FlushedPlace } from './flushGuard';
import { FixpointMemo } from '../core/fixpoint';
import { scanParkedFields } from './earlierWrites';
import { cryptDestination, pageInScatterlist } from './cryptoWalk';
import type { ParkedFields } from './earlierWrites';
import { scanReliedOn } from './reliedOn';
import type { Reliance } from './reliedOn';

/** The tree a file belongs to (issue 13): its index, and the file's path inside the tree. */
export interface TreeContext {
  tree: TreeFacts;
  file: string;
}

/** Why the index let a page go, for `--verbose` (offset of the construct, and the evidence). */
export interface IndexNote {
  function: string;
  offset: number;
  note: string;
}

const DIRECT_FLUSH = /\bflush_dcache_(?:page|folio)\s*\(/;
const FLUSH_CALL = new RegExp(`\\b(?:${[...FLUSH.keys()].join('|')}|sg_miter_stop)\\s*\\(`);
/**
 * Callers are followed further: a copy state handed down four levels (fuse's `cs`, 6.1
 * fs/fuse/dev.c) is flushed by the top one once every path after the call is asked for.
 */
const CALLER_DEPTH = 5;

/**
 * A page a callee flushes, named from its parameter `index`: `path` is '' or `.field...`;
 * `when`: only when a flag parameter has that truthiness (flushGuard.ts).
 */
export type { FlushedPlace } from './flushGuard';

/** An identifier followed by `(`: a call, or a macro use that reads like one. */
const CALLED = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * What a same-file function writes through a parameter comes from its page model, and
 * pageModel.ts builds models over this module: it hands the computation over when it loads.
 */
type ParamWrites = (file: FileSummaries, name: string, index: number) => string[];
let paramWrites: ParamWrites | undefined;

export function computeParamWritesWith(compute: ParamWrites): void {
  paramWrites = compute;
}

/** The file context with the dcache family's summaries of same-file callers and callees. */
export class FileSummaries extends FileContext {
  private readonly writes = new FixpointMemo<boolean>(false, (a, b) => a === b);
  private readonly flushed = new FixpointMemo<FlushedPlace[] | 'any' | undefined>(
    undefined,
    sameFlushedPlaces,
  );

  private fields: Map<string, 'private' | 'visible'> | undefined;

  /** Evidence from the tree index that removed a finding or a write's need for a flush. */
  readonly notes: IndexNote[] = [];

  constructor(
    functions: Node[],
    iterators: Map<number, IteratorLoop>,
    source = '',
    readonly tree?: TreeContext,
  ) {
    super(functions, iterators, source);
  }

  private rings: Set<string> | undefined;
  private mappedFields: Set<string> | undefined;
  private userFields(): Set<string> {
    return (this.mappedFields ??= userMappedFields([...this.byName.values()].flat(), this.source));
  }
  /**
   * Whether a function's text names a structure type the file keeps in user-mapped pages, or a
   * field holding the address of a page the file maps into user space.
   */
  mentionsRing(text: string): boolean {
    this.rings ??= ringTypes([...this.byName.values()].flat(), this.source);
    for (const t of this.rings) if (text.includes(t)) return true;
    for (const f of this.userFields())
      if (new RegExp(`(?:->|\\.)\\s*${f}\\b`).test(text)) return true;
    return false;
  }

  private lookups: Set<string> | undefined;
  /** The file's own helpers looking up a user-mapped ring's page by address (userRing.ts). */
  ringPageLookups(): Set<string> {
    return (this.lookups ??= ringPageLookups([...this.byName.values()].flat(), this.source));
  }

  /** ringRoots, and the names given the address kept in a user-mapped field (userRing.ts). */
  ringWriteRoots(fn: Node): Set<string> {
    const fields = this.userFields();
    const roots = this.ringRoots(fn);
    if (fields.size === 0) return roots;
    return new Set([...roots, ...mappedFieldRoots(fn, fields)]);
  }

  /** The names a function declares with a structure type the file keeps in user-mapped pages. */
  ringRoots(fn: Node): Set<string> {
    this.rings ??= ringTypes([...this.byName.values()].flat(), this.source);
    if (this.rings.size === 0) return new Set();
    const rings = this.rings;
    return new Set([...structTypes(fn)].flatMap(([n, t]) => (rings.has(t) ? [n] : [])));
  }

  /**
   * Where pages stored in a structure field come from, judged over the whole file:
   * `rdev->sb_page = alloc_page(...)` makes `sb_page` private, `ctx->ring_pages[i] = page` after
   * `page = find_or_create_page(...)` makes `ring_pages` visible.
   */
  fieldOrigin(field: string): 'private' | 'visible' | undefined {
    this.fields ??= scanFieldOrigins(this.source);
    // A field named for user pages (`user_page`, `upages`) holds them, whatever else the file does.
    return this.fields.get(field) ?? (USER_FIELD.test(field) ? 'visible' : undefined);
  }

  /**
   * What a same-file callee flushes for its caller, as places relative to its parameters
   * (`{ index: 0, path: '' }` for the page parameter itself, `{ index: 0, path: '.pg' }` for
   * `cs->pg`), or 'any' when it flushes a page the caller cannot name (one it looks up, an
   * sg_miter), or undefined when it does not flush. Follows same-file callees a few levels deep
   * (`iomap_write_end` → `__iomap_write_end` → `flush_dcache_folio(folio)`).
   */
  flushedParams(name: string): FlushedPlace[] | 'any' | undefined {
    // Another file's function, or a call through an operations table (`->write_end`).
    if (!this.byName.has(name)) return this.tree?.tree.calleeFlushes(name, this.tree.file)?.value;
    return this.flushed.get(name, () => this.computeFlushedParams(name));
  }

  private computeFlushedParams(name: string): FlushedPlace[] | 'any' | undefined {
    const places = new Map<string, FlushedPlace>();
    let any = false;
    for (const fn of this.byName.get(name) ?? []) {
      const facts = this.factsOf(fn);
      let seen = false;
      for (const e of facts.all) {
        checkDeadline();
        if (e.kind !== 'call') continue;
        const idx = FLUSH.get(e.name) ?? cryptDestination(e, facts);
        let flushed: FlushedPlace[] | 'any' | undefined;
        if (idx !== undefined) flushed = [{ index: idx, path: '' }];
        else if (e.name === 'sg_miter_stop') flushed = 'any';
        else if (e.name !== name && this.byName.has(e.name)) flushed = this.flushedParams(e.name);
        else if (getBlockWrittenPage(e, this.tree)) continue;
        else if (this.tree && e.name !== name) flushed = this.flushedParams(callName(e));
        if (flushed === undefined) continue;
        seen = true;
        if (flushed === 'any') {
          any = true;
          continue;
        }
        for (const place of flushed) {
          // A helper told by a constant that the page is clean flushes nothing here.
          if (!guardAllows(place.when, e.args)) continue;
          const arg = e.args[place.index];
          const named = arg ? facts.canon(pageKey(arg)) + place.path : '';
          // A local scatterlist the function put one page into stands for that page.
          const key =
            (!facts.params.includes(rootOf(named)) && pageInScatterlist(named, facts)) || named;
          const root = rootOf(key);
          const index = facts.params.indexOf(root);
          const path = key.slice(root.length);
          if (index < 0 || !/^(?:\.\w+)*$/.test(path)) any = true;
          else addPlace(places, { index, path }, guardOf(facts, e, place, index));
        }
      }
      // The flush is in the text but hidden from the events (a macro argument, say).
      if (!seen && FLUSH_CALL.test(fn.text)) any = true;
    }
    if (any) return 'any';
    return places.size > 0 ? [...places.values()] : undefined;
  }

  /** The guard `name`'s flushes of its parameter `index` are under, if every one has it. */
  flushedWhen(name: string, index: number): FlushGuard | undefined {
    const places = this.flushedParams(name);
    if (places === 'any' || !places) return undefined;
    return places.find((p) => p.index === index && p.path === '')?.when;
  }

  /** The same-file definitions of `name` (one per #ifdef branch). */
  definitions(name: string): readonly Node[] {
    return this.byName.get(name) ?? [];
  }

  /** Where the page a same-file function returns comes from (`return store->filemap[i]`). */
  returnOrigin(name: string): 'private' | 'visible' | undefined {
    // Every definition (there may be one per #ifdef) must say private; one visible is enough.
    const origins = (this.byName.get(name) ?? []).map((fn) => this.definitionReturnOrigin(fn));
    if (origins.includes('visible')) return 'visible';
    return origins.length > 0 && origins.every((o) => o === 'private') ? 'private' : undefined;
  }

  private definitionReturnOrigin(fn: Node): 'private' | 'visible' | undefined {
    const facts = this.factsOf(fn);
    const found = new Set<'private' | 'visible' | 'container' | 'unknown'>();
    for (const e of facts.all) {
      if (e.kind !== 'return' || !e.value) continue;
      const v = stripExpr(e.value);
      if (NO_VALUE.test(v.text)) continue;
      // `return page` after `page = xa_load(...)`: judge the values the local was given.
      const values =
        v.type === 'identifier'
          ? facts.all.flatMap((a) =>
              a.kind === 'assign' && a.lhsKey === v.text && a.rhs ? [stripExpr(a.rhs)] : [],
            )
          : [v];
      if (values.length === 0) found.add('unknown');
      for (const value of values) {
        if (NO_VALUE.test(value.text)) continue;
        if (value.type === 'call_expression') {
          const callee = calleeName(value);
          found.add(classify(callee) ?? (CONTAINER_LOOKUP.has(callee) ? 'container' : 'unknown'));
          continue;
        }
        const field = /(\w+)(?:\[[^\]]*\])?$/.exec(normKey(exprKey(value)))?.[1];
        found.add(
          (value.type === 'identifier' || !field ? undefined : this.fieldOrigin(field)) ??
            'unknown',
        );
      }
    }
    if (found.has('visible')) return 'visible';
    if (found.has('unknown') || found.size === 0) return undefined;
    // A lookup in the file's own xarray or radix tree, in a file that allocates pages and never
    // takes one from the page cache or user space: the driver's own store (brd's backing pages).
    if (found.has('container') && !this.ownsPages()) return undefined;
    return 'private';
  }

  private owns: boolean | undefined;
  private ownsPages(): boolean {
    this.owns ??= ALLOCATES.test(this.source) && !TAKES_VISIBLE.test(this.source);
    return this.owns;
  }

  /**
   * Every same-file caller of `name` (there is at least one) flushes, after the call, the page it
   * hands over as argument `index` (`path` follows fields: '.bv_page'), or a page it cannot name.
   * Then the callee's write is the callers' to flush (a helper that fills a page for its caller).
   */
  callerFlushes(name: string, index: number, path = '', depth = 0, byAddress = false): boolean {
    if (!name || name === '<anonymous>' || index < 0 || depth > CALLER_DEPTH) return false;
    let callers = 0;
    for (const { other, fn } of this.callersOf(name)) {
      if (other === name) continue;
      checkDeadline();
      const facts = this.factsOf(fn);
      const calls = facts.all.filter((e) => e.kind === 'call' && e.name === name);
      if (calls.length === 0) continue;
      callers++;
      for (const e of calls) {
        const given = e.kind === 'call' ? e.args[index] : undefined;
        // An out-parameter (`write_begin(..., &folio)`) gives back the page the caller names.
        const arg = given && byAddress ? addressee(given) : given;
        if (!arg) return false;
        const key = facts.canon(pageKey(arg) + path);
        // `return fill(folio);` runs nothing after the call: a flush further down is another path.
        // Only a local the call alone fills (`&folio`) is a pure out-parameter: `&dev->page`
        // also hands the callee the page already there. (Names derived from it, `page =
        // folio_file_page(folio, i)`, share its canonical key but do not assign it.)
        const pure =
          byAddress &&
          /^\w+$/.test(key) &&
          !facts.all.some((o) => o.kind === 'assign' && o.lhsKey === key);
        if (!returnsValueOf(e.node) && this.flushedOnEveryPathAfter(facts, e, key, pure)) continue;
        // Two or more levels up: the caller got the page from its own callers, who flush it, or
        // made it itself from a private allocation (`zero_fill_data` ← `btt_read_pg` ← flush).
        if (byAddress || !this.handedUp(other, facts, key, depth + 1)) return false;
      }
    }
    return callers > 0;
  }

  /**
   * The page `key` of function `name` is, on every assignment, a fresh private allocation or a
   * page of a parameter that every same-file caller flushes after the call.
   */
  private handedUp(name: string, facts: FunctionFacts, key: string, depth: number): boolean {
    if (depth > CALLER_DEPTH) return false;
    const root = rootOf(key);
    const at = facts.params.indexOf(root);
    const path = key.slice(root.length);
    if (at >= 0) return /^(?:\.\w+)*$/.test(path) && this.callerFlushes(name, at, path, depth);
    // `*foliop = folio`: handed back to this function's callers, who may flush it.
    const out = outParameter(key, facts);
    if (out >= 0 && this.callerFlushes(name, out, '', depth, true)) return true;
    // `bvec.bv_page = page` where both names are one page is a copy, not another source; and
    // `page = NULL` gives no page.
    const values = facts.all.flatMap((e) =>
      e.kind === 'assign' &&
      e.rhs &&
      facts.canon(e.lhsKey) === key &&
      facts.canon(pageKey(e.rhs)) !== key &&
      !NO_VALUE.test(stripExpr(e.rhs).text)
        ? [stripExpr(e.rhs)]
        : [],
    );
    return (
      values.length > 0 &&
      values.every(
        (v) =>
          (v.type === 'call_expression' && classify(calleeName(v)) === 'private') ||
          this.handedUp(name, facts, facts.canon(pageKey(v)), depth + 1),
      )
    );
  }

  private flushers: Set<string> | undefined;
  /**
   * Whether the same-file function `name`'s own code calls flush_dcache_page()/_folio(): a flush
   * the file's authors wrote, not one a generic helper (a `write_end`) does for every page. Asked
   * per name, so the editor's cache keeps the functions that do not call a changed one.
   */
  flushesDirectly(name: string): boolean {
    if (!this.flushers) {
      this.flushers = new Set<string>();
      for (const [fn, defs] of this.byName)
        if (defs.some((d) => DIRECT_FLUSH.test(d.text))) this.flushers.add(fn);
    }
    return this.flushers.has(name);
  }

  private relied: Map<string, Reliance> | undefined;
  /** Same-file helpers a caller of the file leaves its flush to (reliedOn.ts), found once. */
  reliedOnHelpers(): Map<string, Reliance> {
    this.relied ??= scanReliedOn(this);
    return this.relied;
  }

  private parked: ParkedFields | null | undefined;
  /** Page fields kept mapped across functions, and who stores through them (earlierWrites.ts). */
  parkedFields(): ParkedFields | null {
    if (this.parked === undefined) this.parked = scanParkedFields(this);
    return this.parked;
  }

  /**
   * What the same-file function `name` writes through its parameter `index` ('' for the page
   * itself, `.bv_page` for a page a structure it points to holds; pageModel.ts). A method, so that
   * one memo serves every function of the file and the editor's reuse check records the answer.
   */
  writtenThroughParam(name: string, index: number): string[] {
    if (!paramWrites) throw new Error('parameter writes are computed by pageModel.ts, not loaded');
    return paramWrites(this, name, index);
  }

  /** The same-file functions whose text calls `name` (for a message), in file order. */
  callerNames(name: string): string[] {
    return [...new Set(this.callersOf(name).map((c) => c.other))].filter((n) => n !== name);
  }

  private callIndex: Map<string, { other: string; fn: Node }[]> | undefined;
  /**
   * The definitions whose text calls `name`, from an index of every `ident(` built once per
   * file: asking each function's text for each callee made 10,000 small functions take minutes.
   */
  private callersOf(name: string): { other: string; fn: Node }[] {
    if (!this.callIndex) {
      const index = new Map<string, { other: string; fn: Node }[]>();
      for (const [other, defs] of this.byName)
        for (const fn of defs) {
          checkDeadline();
          const seen = new Set<string>();
          for (const m of this.source.slice(fn.startIndex, fn.endIndex).matchAll(CALLED)) {
            const callee = m[1]!;
            if (seen.has(callee)) continue;
            seen.add(callee);
            let list = index.get(callee);
            if (!list) index.set(callee, (list = []));
            list.push({ other, fn });
          }
        }
      this.callIndex = index;
    }
    return this.callIndex.get(name) ?? [];
  }

  /**
   * Every path from `call` to the exit that hands the page on flushes `key` after the call: a
   * flush in a sibling branch (`if (inline) fill(folio); else zero(folio);` where only `zero`
   * flushes) does not cover it. When the caller marks the page up to date, only the paths that
   * do count: an error path that leaves it !uptodate publishes nothing to flush for.
   */
  private flushedOnEveryPathAfter(
    facts: FunctionFacts,
    call: Event,
    key: string,
    /**
     * The page comes back through an out-parameter: a path on which the caller never names it
     * again (no unlock, no put, no use) is one on which the callee handed no page out.
     */
    handedOut = false,
  ): boolean {
    const names = handedOut ? new RegExp(`\\b${key.replace(/[^\w]/g, '\\$&')}\\b`) : undefined;
    const marks = (e: Event): boolean =>
      e.kind === 'call' &&
      MARK_UPTODATE.has(e.name) &&
      e.args[0] !== undefined &&
      facts.canon(pageKey(e.args[0])) === key;
    const publishes = facts.all.some(marks);
    const failed = call.kind === 'call' ? resultOf(call.node) : undefined;
    const unflushed = findBadPath(facts, {
      initial: 0,
      step: (s, e) => {
        const next =
          e === call
            ? AFTER_CALL | (s & MARKED)
            : s & AFTER_CALL && this.flushesPage(facts, e, key)
              ? s & ~AFTER_CALL
              : marks(e)
                ? s | MARKED
                : s;
        // The statement holding the call (`status = begin(..., &folio)`) names it only to ask.
        const around =
          e.node.startIndex <= call.node.startIndex && e.node.endIndex >= call.node.endIndex;
        return !around && next & AFTER_CALL && names?.test(e.node.text) ? next | NAMED : next;
      },
      bad: (s) =>
        (s & AFTER_CALL) !== 0 &&
        (!publishes || (s & MARKED) !== 0) &&
        (!names || (s & NAMED) !== 0),
      // The callee failed (a negative errno, the kernel's convention): it left nothing to flush.
      onEdge: (s, edge) => (calleeFailed(edge, failed) ? s & ~AFTER_CALL : s),
    });
    return unflushed === undefined;
  }

  private flushesPage(facts: FunctionFacts, e: Event, key: string): boolean {
    if (e.kind !== 'call') return false;
    const idx = FLUSH.get(e.name);
    if (idx !== undefined) {
      const arg = e.args[idx];
      return arg !== undefined && facts.canon(pageKey(arg)) === key;
    }
    if (e.name === 'sg_miter_stop') return true;
    if (!this.byName.has(e.name) && !this.tree) return false;
    const places = this.flushedParams(callName(e));
    if (places === 'any') return true;
    return (places ?? []).some((p) => {
      if (!guardAllows(p.when, e.args)) return false;
      const arg = e.args[p.index];
      return arg !== undefined && facts.canon(pageKey(arg) + p.path) === key;
    });
  }

  /** Whether `name` writes through its parameter `index` (directly or through its callees). */
  writesParam(name: string, index: number): boolean {
    return this.writes.get(`${name}/${index}`, () =>
      (this.byName.get(name) ?? []).some((fn) => this.definitionWrites(fn, index)),
    );
  }

  /**
   * Whether `name` writes through the address kept in field `field` of what its parameter
   * `index` points to (`t->rx_buf`, read into `cp` and stored through, or copied into): a
   * caller that parked a page's mapping there had the page written by the call.
   */
  writesThroughField(name: string, index: number, field: string): boolean {
    return (this.byName.get(name) ?? []).some((fn) => {
      const facts = this.factsOf(fn);
      const param = facts.params[index];
      if (!param) return false;
      const aliases = new Set([`${param}.${field}`]);
      const through = (n: Node | undefined): boolean =>
        n !== undefined && aliases.has(normKey(exprKey(pointerBase(n))));
      for (const e of facts.all)
        if (e.kind === 'assign' && e.rhs && through(e.rhs)) aliases.add(e.lhsKey);
      return facts.all.some(
        (e) =>
          (e.kind === 'store' && aliases.has(e.baseKey)) ||
          (e.kind === 'call' &&
            (WRITES_ARGUMENT.get(e.name) ?? []).some((i) => through(e.args[i]))),
      );
    });
  }

  private definitionWrites(fn: Node, index: number): boolean {
    const facts = this.factsOf(fn);
    const param = facts.params[index];
    if (!param) return false;
    const aliases = new Set([param]);
    for (const e of facts.all) {
      // `*element = words[0]` stores a value read from the page into the caller's variable:
      // `element` does not come to point into the page.
      if (
        e.kind === 'assign' &&
        e.rhs &&
        !derefStore(e.node) &&
        aliases.has(rootOf(normKey(exprKey(pointerBase(e.rhs)))))
      ) {
        aliases.add(e.lhsKey);
      }
    }
    const through = (n: Node | undefined): boolean =>
      n !== undefined && aliases.has(rootOf(normKey(exprKey(pointerBase(n)))));
    for (const e of facts.all) {
      if (e.kind === 'store' && aliases.has(e.baseKey)) return true;
      if (e.kind !== 'call') continue;
      for (const i of WRITES_ARGUMENT.get(e.name) ?? []) if (through(e.args[i])) return true;
      if (STORE_MACRO.has(e.name) && through(e.args[STORE_MACRO.get(e.name) ?? 0])) return true;
      if (this.byName.has(e.name)) {
        const args = callArguments(e.node);
        for (let i = 0; i < args.length; i++) {
          if (through(args[i]) && this.writesParam(e.name, i)) return true;
        }
      }
    }
    return false;
  }
}

/** The same places under the same guards, in any order (a settled summary of a call cycle). */
function sameFlushedPlaces(
  a: FlushedPlace[] | 'any' | undefined,
  b: FlushedPlace[] | 'any' | undefined,
): boolean {
  if (a === undefined || b === undefined || a === 'any' || b === 'any') return a === b;
  const key = (p: FlushedPlace): string => `${p.index}${p.path}/${p.when?.flag}/${p.when?.value}`;
  const theirs = new Set(b.map(key));
  return a.length === b.length && a.every((p) => theirs.has(key(p)));
}

/** A call's callee: its name, or `->field` for a call through a function pointer field. */
export function callName(e: Event & { kind: 'call' }): string {
  if (e.name) return e.name;
  const f = e.node.childForFieldName('function');
  const field = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : undefined;
  return field ? `->${field}` : '';
}

/** The parameter through which the function hands `page` back (`*pagep = page`), or -1. */
export function outParameter(page: string, facts: FunctionFacts): number {
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || facts.canon(pageKey(e.rhs)) !== page) continue;
    const left = e.node.childForFieldName('left');
    const l = left ? stripExpr(left) : undefined;
    if (l?.type !== 'pointer_expression' || l.childForFieldName('operator')?.type !== '*') continue;
    const target = l.childForFieldName('argument');
    const at = target?.type === 'identifier' ? facts.params.indexOf(target.text) : -1;
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * The guard a flush of parameter `index` at event `e` is under: the `if` around `e` in this
 * function, else the callee's own guard when the call passes this function's flag through.
 */
function guardOf(
  facts: FunctionFacts,
  e: Event,
  callee: FlushedPlace,
  index: number,
): FlushGuard | undefined {
  const own = flushGuard(e.node, facts, index);
  if (own) return own;
  if (!callee.when || e.kind !== 'call') return undefined;
  const arg = e.args[callee.when.flag];
  const flag = arg && stripExpr(arg).type === 'identifier' ? facts.params.indexOf(arg.text) : -1;
  return flag >= 0 ? { flag, value: callee.when.value } : undefined;
}

/** An unguarded flush of a place wins over a guarded one; two different guards make none. */
function addPlace(
  places: Map<string, FlushedPlace>,
  place: FlushedPlace,
  when: FlushGuard | undefined,
): void {
  const key = `${place.index}${place.path}`;
  const had = places.get(key);
  const keep =
    had === undefined
      ? when
      : had.when && when && had.when.flag === when.flag && had.when.value === when.value
        ? when
        : undefined;
  places.set(key, keep ? { ...place, when: keep } : place);
}

/** How a test names a call's result: `ret` of `ret = f(...)`, or the call's offset. */
function resultOf(call: Node): string {
  let n = call.parent;
  while (n?.type === 'parenthesized_expression') n = n.parent;
  const lhs =
    n?.type === 'assignment_expression'
      ? n.childForFieldName('left')
      : n?.type === 'init_declarator'
        ? n.childForFieldName('declarator')
        : null;
  return lhs?.type === 'identifier' ? lhs.text : `${call.startIndex}`;
}

/**
 * The edge on which a call's result says it failed: `if (ret < 0)`, or `if (err)` /
 * `if (unlikely(err))` on an int the callee returned (0 is success, the kernel's convention).
 */
function calleeFailed(edge: Edge, result: string | undefined): boolean {
  if (result === undefined) return false;
  if (negativeTest(edge) === result) return true;
  if (edge.via?.type !== 'if_statement') return false;
  const t = testOf(edge);
  return (
    t !== undefined &&
    !t.compare &&
    t.holds &&
    t.subject.type === 'identifier' &&
    t.subject.text === result
  );
}

const AFTER_CALL = 1;
const MARKED = 2;
/** An out-parameter's page was named again after the call (flushedOnEveryPathAfter). */
const NAMED = 4;

/** `&folio`: the variable an address-of argument names. */
function addressee(arg: Node): Node | undefined {
  const s = stripExpr(arg);
  if (s.type !== 'pointer_expression' || s.childForFieldName('operator')?.type !== '&')
    return undefined;
  return s.childForFieldName('argument') ?? undefined;
}

/** The call is the value of a `return` statement (through parentheses and casts). */
function returnsValueOf(call: Node): boolean {
  let n: Node | null = call.parent;
  for (let guard = 0; n && guard < 8; guard++, n = n.parent) {
    if (n.type === 'return_statement') return true;
    if (n.type !== 'parenthesized_expression' && n.type !== 'cast_expression') return false;
  }
  return false;
}

/** `*p = v` (or `*p += v`): a store through `p`, which gives `p` no new value. */
function derefStore(node: Node): boolean {
  const left = node.type === 'assignment_expression' ? node.childForFieldName('left') : null;
  const l = left ? stripExpr(left) : null;
  return l?.type === 'pointer_expression' && l.childForFieldName('operator')?.type === '*';
}

function rootOf(key: string): string {
  const m = /^[A-Za-z_]\w*/.exec(key);
  return m ? m[0] : key;
}

const FIELD_STORE =
  /(?:->|\.)\s*(\w+)\s*(?:\[[^\]\n]*\])?\s*=\s*(?:\([^()\n]*\)\s*)?(\w+)\s*([(;])/g;
const NO_VALUE = /^(?:NULL|0|ERR_PTR\(.*\))$/;
const ALLOCATES = new RegExp(`\\b(?:${[...PRIVATE_PAGE_SOURCE].join('|')})\\s*\\(`);
const TAKES_VISIBLE = new RegExp(`\\b(?:${[...VISIBLE_PAGE_SOURCE].join('|')})\\s*\\(`);
const FIELD_FLUSH =
  /\bflush_dcache_(?:page|folio)\s*\([^;()]*(?:->|\.)\s*(\w+)\s*(?:\[[^\]\n]*\])?\s*\)/g;
const FIELD_PINNED =
  /\b(?:pin|get)_user_pages\w*\s*\([^;]*?(?:->|\.)\s*(\w+)\s*(?:\[[^\]\n]*\])?\s*[,)][^;]*;/g;
const FIELD_INSERTED =
  /\b(?:vm_insert_pages?|vmf_insert_page|insert_page)\s*\([^;]*?(?:->|\.)\s*(\w+)\s*(?:\[[^\]\n]*\])?\s*[,)][^;]*;/g;
const USER_FIELD = /^u(?:ser_?)?pages?$|^user_\w*pages?$/;
const LOCAL_STORE = /\b(\w+)\s*=\s*(?:\([^()\n]*\)\s*)?(\w+)\s*\(/g;

function scanFieldOrigins(source: string): Map<string, 'private' | 'visible'> {
  const locals = new Map<string, 'private' | 'visible'>();
  for (const m of source.matchAll(LOCAL_STORE)) {
    const origin = classify(m[2] ?? '');
    if (origin && m[1]) locals.set(m[1], origin);
  }
  const fields = new Map<string, 'private' | 'visible'>();
  for (const m of source.matchAll(FIELD_STORE)) {
    const [, field, value, after] = m;
    if (!field || !value) continue;
    const origin = after === '(' ? classify(value) : locals.get(value);
    // Private wins: one allocation site is enough to say the field holds driver pages.
    if (origin && fields.get(field) !== 'private') fields.set(field, origin);
  }
  // ...unless the file shows the pages reach user space: it flushes them, pins them from user
  // space (`pin_user_pages(uaddr, n, flags, req->pages)`) or inserts them into a user VMA.
  for (const re of [FIELD_FLUSH, FIELD_PINNED, FIELD_INSERTED]) {
    for (const m of source.matchAll(re)) if (m[1]) fields.set(m[1], 'visible');
  }
  return fields;
}

function classify(callee: string): 'private' | 'visible' | undefined {
  if (PRIVATE_PAGE_SOURCE.has(callee)) return 'private';
  if (VISIBLE_PAGE_SOURCE.has(callee)) return 'visible';
  return undefined;
}

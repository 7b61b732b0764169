/**
 * Summaries of the functions defined in the same file, so that a write or a flush done by a
 * callee or a caller counts (kernel-shapes.md, "interprocedural writes and flushes").
 * Computed lazily and memoised; recursion is cut at a small depth.
 */
import type { Node } from '../parsing/parser';
import type { IteratorLoop } from '../parsing/preprocess';
import { callArguments, calleeName, exprKey, functionName, stripExpr } from '../parsing/nodeText';
import { functionFacts, pageKey } from './facts';
import type { FunctionFacts } from './facts';
import { pointerBase, normKey } from './events';
import {
  FLUSH,
  PRIVATE_PAGE_SOURCE,
  STORE_MACRO,
  VISIBLE_PAGE_SOURCE,
  WRITES_ARGUMENT,
} from './knowledge';

const FLUSH_CALL = new RegExp(`\\b(?:${[...FLUSH.keys()].join('|')}|sg_miter_stop)\\s*\\(`);
const MAX_DEPTH = 3;

export class FileSummaries {
  private readonly byName = new Map<string, Node[]>();
  private readonly facts = new Map<Node, FunctionFacts>();
  private readonly writes = new Map<string, boolean>();
  private readonly flushed = new Map<string, number[] | 'any' | undefined>();

  private fields: Map<string, 'private' | 'visible'> | undefined;

  constructor(
    functions: Node[],
    private readonly iterators: Map<number, IteratorLoop>,
    private readonly source = '',
  ) {
    for (const fn of functions) {
      const name = functionName(fn);
      const list = this.byName.get(name) ?? [];
      list.push(fn);
      this.byName.set(name, list);
    }
  }

  factsOf(fn: Node): FunctionFacts {
    let f = this.facts.get(fn);
    if (!f) {
      f = functionFacts(fn, this.iterators);
      this.facts.set(fn, f);
    }
    return f;
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

  isDefined(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * What a same-file callee flushes for its caller: the indexes of the parameters that are the
   * flushed page itself, or 'any' when it flushes something else (a field of a parameter, a page
   * it looks up, an sg_miter), or undefined when it does not flush. Follows same-file callees
   * (`iomap_write_end` → `__iomap_write_end` → `flush_dcache_folio(folio)`) a few levels deep.
   */
  flushedParams(name: string, depth = 0): number[] | 'any' | undefined {
    if (this.flushed.has(name)) return this.flushed.get(name);
    if (depth > MAX_DEPTH) return undefined;
    this.flushed.set(name, undefined); // cuts recursion
    const result = this.computeFlushedParams(name, depth);
    this.flushed.set(name, result);
    return result;
  }

  private computeFlushedParams(name: string, depth: number): number[] | 'any' | undefined {
    const params = new Set<number>();
    let any = false;
    for (const fn of this.byName.get(name) ?? []) {
      const facts = this.factsOf(fn);
      const paramOf = (arg: Node | undefined): number =>
        arg ? facts.params.indexOf(facts.canon(pageKey(arg))) : -1;
      let seen = false;
      for (const e of facts.all) {
        if (e.kind !== 'call') continue;
        const idx = FLUSH.get(e.name);
        let flushed: number[] | 'any' | undefined;
        if (idx !== undefined) flushed = [idx];
        else if (e.name === 'sg_miter_stop') flushed = 'any';
        else if (e.name !== name && this.byName.has(e.name))
          flushed = this.flushedParams(e.name, depth + 1);
        if (flushed === undefined) continue;
        seen = true;
        if (flushed === 'any') any = true;
        else
          for (const i of flushed) {
            const p = paramOf(e.args[i]);
            if (p < 0) any = true;
            else params.add(p);
          }
      }
      // The flush is in the text but hidden from the events (a macro argument, say).
      if (!seen && FLUSH_CALL.test(fn.text)) any = true;
    }
    if (any) return 'any';
    return params.size > 0 ? [...params] : undefined;
  }

  /** Where the page a same-file function returns comes from (`return store->filemap[i]`). */
  returnOrigin(name: string): 'private' | 'visible' | undefined {
    for (const fn of this.byName.get(name) ?? []) {
      for (const e of this.factsOf(fn).all) {
        if (e.kind !== 'return' || !e.value) continue;
        const v = stripExpr(e.value);
        if (v.type === 'call_expression') {
          const origin = classify(calleeName(v));
          if (origin) return origin;
        }
        const field = /(\w+)(?:\[[^\]]*\])?$/.exec(normKey(exprKey(v)))?.[1];
        const origin = v.type === 'identifier' || !field ? undefined : this.fieldOrigin(field);
        if (origin) return origin;
      }
    }
    return undefined;
  }

  /** Some same-file caller of `name` calls a flush too (the caller flushes for its callee). */
  callerFlushes(name: string): boolean {
    if (!name || name === '<anonymous>') return false;
    const call = new RegExp(`\\b${name}\\s*\\(`);
    for (const [other, defs] of this.byName) {
      if (other === name) continue;
      if (defs.some((fn) => call.test(fn.text) && FLUSH_CALL.test(fn.text))) return true;
    }
    return false;
  }

  /** Whether `name` writes through its parameter `index` (directly or through its callees). */
  writesParam(name: string, index: number, depth = 0): boolean {
    const key = `${name}/${index}`;
    const known = this.writes.get(key);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) return false;
    this.writes.set(key, false);
    const result = (this.byName.get(name) ?? []).some((fn) =>
      this.definitionWrites(fn, index, depth),
    );
    this.writes.set(key, result);
    return result;
  }

  private definitionWrites(fn: Node, index: number, depth: number): boolean {
    const facts = this.factsOf(fn);
    const param = facts.params[index];
    if (!param) return false;
    const aliases = new Set([param]);
    for (const e of facts.all) {
      if (
        e.kind === 'assign' &&
        e.rhs &&
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
          if (through(args[i]) && this.writesParam(e.name, i, depth + 1)) return true;
        }
      }
    }
    return false;
  }
}

function rootOf(key: string): string {
  const m = /^[A-Za-z_]\w*/.exec(key);
  return m ? m[0] : key;
}

const FIELD_STORE =
  /(?:->|\.)\s*(\w+)\s*(?:\[[^\]\n]*\])?\s*=\s*(?:\([^()\n]*\)\s*)?(\w+)\s*([(;])/g;
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

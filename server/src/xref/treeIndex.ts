/**
 * The tree index: per-file facts joined into answers about the whole tree (pure). Flushes and
 * writes are propagated bottom-up over the call graph on demand and memoised; calls that form a
 * cycle are settled together to a fixed point (fixpoint.ts), so an answer does not depend on the
 * order the questions came in. A call through an operations-table field (`->write_end`) stands
 * for every function registered for that field anywhere in the tree.
 */
import { GET_BLOCK_CALLER, KMAP_PAGE_WRITE, UNFLUSHED_PAGE_WRITE } from '../knowledge/dcache';
import { isKnownApi } from '../knowledge/table';
import { FixpointMemo } from '../analysis/core/fixpoint';
import type {
  Evidence,
  FieldOrigin,
  FieldSource,
  FileFacts,
  FunctionFactsSummary,
  TreeFacts,
  TreeFlushedPlace,
} from './types';

/** More implementations than this (`->read`, `->open`) says nothing useful about one call. */
const MAX_IMPLEMENTATIONS = 64;

interface Def {
  file: string;
  fn: FunctionFactsSummary;
}

type Guard = TreeFlushedPlace['when'];
/** Flushed parameters, each with the flag it needs (undefined: always), or 'any'. */
type Flushed = { places: Map<number, Guard> | 'any'; evidence: string } | undefined;

export class TreeIndex implements TreeFacts {
  private readonly defs = new Map<string, Def[]>();
  private readonly fields = new Map<string, { file: string; source: FieldSource }[]>();
  private readonly callbacks = new Map<string, Set<string>>();
  /** Operations-table field → implementation → the files that register it. */
  private readonly registeredIn = new Map<string, Map<string, Set<string>>>();
  private readonly flushMemo = new FixpointMemo<Flushed>(undefined, sameFlushed);
  private readonly writeMemo = new FixpointMemo<boolean>(false, (a, b) => a === b);
  private readonly originMemo = new Map<string, Evidence<FieldOrigin>>();
  /** Struct members of struct type, to resolve field paths (`state.pl.head` → `pagelist.head`). */
  private readonly structs = new Map<string, string>();

  constructor(files: Iterable<FileFacts>) {
    const all = [...files];
    for (const f of all)
      for (const [member, type] of Object.entries(f.structs ?? {})) this.structs.set(member, type);
    for (const f of all) {
      for (const fn of f.functions) {
        const list = this.defs.get(fn.name) ?? [];
        list.push({ file: f.file, fn });
        this.defs.set(fn.name, list);
      }
      for (const [path, sources] of Object.entries(f.fields)) {
        const key = this.resolve(path);
        const list = this.fields.get(key) ?? [];
        for (const source of sources) list.push({ file: f.file, source });
        this.fields.set(key, list);
      }
      for (const [field, names] of Object.entries(f.callbacks)) {
        const set = this.callbacks.get(field) ?? new Set<string>();
        const where = this.registeredIn.get(field) ?? new Map<string, Set<string>>();
        for (const n of names) {
          set.add(n);
          where.set(n, (where.get(n) ?? new Set<string>()).add(f.file));
        }
        this.callbacks.set(field, set);
        this.registeredIn.set(field, where);
      }
    }
  }

  /** `T.a.b` → `U.b` where member `a` of `T` is a `struct U`; unchanged when not known. */
  private resolve(path: string): string {
    const parts = path.split('.');
    if (parts.length <= 2) return path;
    let type = parts[0]!;
    for (const member of parts.slice(1, -1)) {
      const next = this.structs.get(`${type}.${member}`);
      if (!next) return path;
      type = next;
    }
    return `${type}.${parts[parts.length - 1]!}`;
  }

  /** The definitions a call from `file` can reach: the file's own, else the non-static ones. */
  private definitions(name: string, file?: string): Def[] {
    const all = this.defs.get(name) ?? [];
    const own = file === undefined ? [] : all.filter((d) => d.file === file);
    return own.length > 0 ? own : all.filter((d) => !d.fn.isStatic);
  }

  private callers: Map<string, string> | undefined;
  callerOf(name: string): string | undefined {
    if (!this.callers) {
      this.callers = new Map<string, string>();
      for (const defs of this.defs.values())
        for (const { file, fn } of defs)
          for (const c of fn.calls)
            if (!this.callers.has(c.callee))
              this.callers.set(c.callee, `${fn.name}() (${file}:${fn.line})`);
    }
    return this.callers.get(name);
  }

  callbackImplementations(opsField: string): readonly string[] {
    return [...(this.callbacks.get(opsField) ?? [])];
  }

  /**
   * The definitions registered for `field`, each resolved where it is registered: a file's
   * `.readsect = ftl_readsect` names its own static function (6.12 drivers/mtd/ftl.c:1050), and a
   * static function of the same name in another file is not that implementation.
   */
  private registeredDefinitions(field: string): Def[] {
    const out: Def[] = [];
    for (const [name, files] of this.registeredIn.get(field) ?? [])
      for (const file of files)
        for (const d of this.definitions(name, file)) if (!out.includes(d)) out.push(d);
    return out;
  }

  calleeFlushes(name: string, file?: string): Evidence<TreeFlushedPlace[] | 'any'> | undefined {
    const r = this.flushes(name, file);
    if (!r) return undefined;
    const value =
      r.places === 'any'
        ? 'any'
        : [...r.places].map(([index, when]) =>
            when ? { index, path: '', when } : { index, path: '' },
          );
    return { value, evidence: r.evidence };
  }

  private flushes(name: string, file: string | undefined): Flushed {
    return this.flushMemo.get(`${name}\0${file ?? ''}`, () =>
      name.startsWith('->')
        ? this.callbackFlushes(name.slice(2))
        : this.definitionsFlush(this.definitions(name, file)),
    );
  }

  /** Every definition (one per #ifdef or architecture) must flush the same parameter. */
  private definitionsFlush(defs: Def[]): Flushed {
    let common: Map<number, Guard> | 'any' | undefined;
    let evidence = '';
    for (const d of defs) {
      const own = this.definitionFlushes(d);
      if (!own) return undefined;
      evidence ||= own.evidence;
      if (common === undefined || common === 'any') common = own.places;
      else if (own.places !== 'any') {
        const theirs = own.places;
        // A place every definition flushes; under a flag when any definition needs one.
        common = new Map(
          [...common].flatMap(([i, g]) => (theirs.has(i) ? [[i, g ?? theirs.get(i)]] : [])),
        );
      }
    }
    if (common === undefined || (common !== 'any' && common.size === 0)) return undefined;
    return { places: common, evidence };
  }

  private definitionFlushes({ file, fn }: Def): Flushed {
    const where = `${fn.name}() (${file}:${fn.line})`;
    // A function that flushes a page of its own (one it looks up and returns, say) says nothing
    // about the page its caller wrote: across files only flushes of a named parameter count.
    const places = new Map<number, Guard>();
    for (const i of fn.flushes === 'any' ? [] : fn.flushes) places.set(i, undefined);
    for (const w of fn.flushWhen ?? [])
      if (!places.has(w.index)) places.set(w.index, { flag: w.flag, value: w.value });
    let evidence = places.size > 0 ? `${where} flushes it` : '';
    const alternatives = unflushedArms(fn, (c) => this.flushes(c.callee, file));
    for (const call of fn.calls) {
      const r = this.flushes(call.callee, file);
      // __block_write_begin flushes only the new buffers it zeroes after get_block (fs/buffer.c:
      // 1998-2008, 6.1), not what a get_block wrote into a buffer already there.
      const page = call.args[GET_BLOCK_CALLER.get(call.callee)?.page ?? -1] ?? -1;
      if (!r || (page >= 0 && this.getBlockWrites(call, page, file))) continue;
      const via: [number, Guard][] =
        r.places === 'any' ? call.args.map((_, i) => [i, undefined]) : [...r.places];
      for (const [i, when] of via) {
        const p = call.args[i];
        if (p === undefined || p < 0) continue;
        // One case of a switch flushing it says nothing when another case's call does not.
        if (call.arm !== undefined && alternatives.has(`${call.arm[0]}/${p}`)) continue;
        // A helper told by a constant that the page is clean does not flush it.
        const told = when ? call.consts?.[when.flag] : undefined;
        if (when && told !== undefined && told !== when.value) continue;
        // A flag passed on from this function's own parameter keeps the condition.
        const passed = when && told === undefined ? call.passes?.[when.flag] : undefined;
        const guard =
          when && passed !== undefined ? { flag: passed, value: when.value } : undefined;
        if (!places.has(p) || places.get(p) !== undefined) places.set(p, guard);
        evidence ||= `${where} calls ${call.callee}: ${r.evidence}`;
      }
    }
    return places.size > 0 ? { places, evidence } : undefined;
  }

  private callbackFlushes(field: string): Flushed {
    const impls = this.callbackImplementations(field);
    if (impls.length === 0 || impls.length > MAX_IMPLEMENTATIONS) return undefined;
    const r = this.definitionsFlush(
      impls.flatMap((n) => {
        const defs = this.definitions(n);
        // An implementation the tree does not define cannot be vouched for.
        return defs.length > 0 ? defs : [{ file: '?', fn: NOT_FLUSHING }];
      }),
    );
    return (
      r && {
        ...r,
        evidence: `every ->${field} (${impls.slice(0, 3).join(', ')}${impls.length > 3 ? ', ...' : ''}) flushes: ${r.evidence}`,
      }
    );
  }

  /** Every name (no `->field`) calleeWrites can say yes for: the tree's functions, the table's kmap writers. */
  writerNames(): string[] {
    return [...this.defs.keys(), ...KMAP_PAGE_WRITE];
  }

  calleeWrites(name: string, argIndex: number, file?: string): boolean {
    // A table API writes what the table says: `copy_highpage` maps and copies, but mostly into
    // private pages, so the table gives it no kmap write; the body's summary would.
    if (isKnownApi(name))
      return UNFLUSHED_PAGE_WRITE.get(name) === argIndex && KMAP_PAGE_WRITE.has(name);
    // A name the tree defines nowhere writes nothing; not memoised per calling file (a file's
    // pre-filter asks about every name it calls, pageWriters.ts).
    if (!name.startsWith('->') && !this.defs.has(name)) return false;
    return this.writeMemo.get(`${name}\0${argIndex}\0${file ?? ''}`, () =>
      this.computeWrites(name, argIndex, file),
    );
  }

  private computeWrites(name: string, argIndex: number, file?: string): boolean {
    // Through a field, any implementation that writes the page may be the one called; a field
    // with very many (`->read`) says nothing about one call.
    const impls = name.startsWith('->') ? this.callbackImplementations(name.slice(2)) : [];
    const defs = name.startsWith('->')
      ? impls.length > MAX_IMPLEMENTATIONS
        ? []
        : // Only exported implementations: a static one's name may be another file's function
          // (and counting every static `->rw_page` made a swap write look like a page write).
          // One that flushes the page after its own write (a write_end zeroing a tail) leaves
          // none behind.
          impls
            .flatMap((n) => this.definitions(n))
            .filter((d) => {
              const own = this.definitionFlushes(d);
              return !own || (own.places !== 'any' && !own.places.has(argIndex));
            })
      : this.definitions(name, file);
    return defs.some(
      ({ file: f, fn }) =>
        fn.writes.includes(argIndex) ||
        fn.calls.some(
          (c) =>
            c.args.some((p, i) => p === argIndex && this.calleeWrites(c.callee, i, f)) ||
            this.getBlockWrites(c, argIndex, f),
        ),
    );
  }

  /** A `get_block` run on the page's buffer heads that writes `bh->b_page` (bufferHeads.ts). */
  private getBlockWrites(c: FunctionFactsSummary['calls'][number], page: number, file: string) {
    const api = GET_BLOCK_CALLER.get(c.callee);
    const cb = api && c.args[api.page] === page ? c.funcs?.[api.callback] : undefined;
    return cb !== undefined && this.headWrites(cb, api!.head, file);
  }

  /** Whether `name` writes the page of its buffer-head argument `argIndex`, callees included. */
  headWrites(name: string, argIndex: number, file?: string): boolean {
    if (!this.defs.has(name)) return false;
    return this.writeMemo.get(`${name}\0b_page${argIndex}\0${file ?? ''}`, () =>
      this.definitions(name, file).some(
        ({ file: f, fn }) =>
          (fn.headWrites ?? []).includes(argIndex) ||
          fn.calls.some((c) =>
            Object.entries(c.heads ?? {}).some(
              ([i, p]) => p === argIndex && this.headWrites(c.callee, Number(i), f),
            ),
          ),
      ),
    );
  }

  calleeReadsBuffer(name: string, argIndex: number): boolean {
    if (!name.startsWith('->')) return false;
    if (this.callbackImplementations(name.slice(2)).length > MAX_IMPLEMENTATIONS) return false;
    return this.registeredDefinitions(name.slice(2)).some((d) =>
      (d.fn.bufferReads ?? []).includes(argIndex),
    );
  }

  calleeMarksUptodate(name: string, argIndex: number, file?: string, depth = 0): boolean {
    if (name.startsWith('->') || isKnownApi(name) || depth > 2) return false;
    return this.definitions(name, file).some(
      ({ file: f, fn }) =>
        fn.uptodate?.includes(argIndex) === true ||
        fn.calls.some((c) =>
          c.args.some(
            (p, i) => p === argIndex && this.calleeMarksUptodate(c.callee, i, f, depth + 1),
          ),
        ),
    );
  }

  calleeWritesBuffer(
    name: string,
    argIndex: number,
  ): { when?: { flag: number; value: boolean } } | undefined {
    if (!name.startsWith('->')) return undefined;
    const impls = this.callbackImplementations(name.slice(2));
    if (impls.length > MAX_IMPLEMENTATIONS) return undefined;
    const writes = this.registeredDefinitions(name.slice(2)).flatMap(
      (d) => d.fn.bufferWrites?.filter((w) => w.index === argIndex) ?? [],
    );
    const first = writes[0];
    if (!first) return undefined;
    // Any implementation may run: one that writes unguarded, or two flags, write always.
    const guard = first.when;
    const same = writes.every(
      (w) => guard && w.when && w.when.flag === guard.flag && w.when.value === guard.value,
    );
    return same && guard ? { when: guard } : {};
  }

  fieldOrigin(key: string): Evidence<FieldOrigin> {
    return this.origin(key, new Set()).result;
  }

  /**
   * Pages moved between fields (a list's pages moved to its spare list on truncation, and back)
   * form a cycle: a field met again on the way adds no source of its own, so the set is private
   * when every source outside the cycle is, visible when any is. A result that leaned on a field
   * still being decided is not memoised (it may change once that field is).
   */
  private origin(
    path: string,
    open: Set<string>,
  ): { result: Evidence<FieldOrigin>; leans: Set<string> } {
    const key = this.resolve(path);
    const memo = this.originMemo.get(key);
    if (memo) return { result: memo, leans: new Set() };
    const unknown: Evidence<FieldOrigin> = {
      value: 'unknown',
      evidence: `no known source for ${key}`,
    };
    if (open.has(key)) return { result: { value: 'private', evidence: '' }, leans: new Set([key]) };
    if (open.size > 3) return { result: unknown, leans: new Set() };
    open.add(key);
    const leans = new Set<string>();
    const sources = (this.fields.get(key) ?? []).filter((s) => s.source.kind !== 'internal-inode');
    const resolved = sources.flatMap(({ file, source }) => {
      const other = source.what.startsWith('field:') ? source.what.slice(6) : undefined;
      if (!other) return [{ kind: source.kind, text: `${source.what} (${file}:${source.line})` }];
      const r = this.origin(other, open);
      for (const k of r.leans) leans.add(k);
      // A field of the cycle itself: its pages are the ones being decided.
      if (r.leans.size > 0 && r.result.evidence === '') return [];
      return [{ kind: r.result.value, text: `${other} (${file}:${source.line})` }];
    });
    open.delete(key);
    leans.delete(key);
    const visible = resolved.find((r) => r.kind === 'visible');
    let result = unknown;
    if (visible) result = { value: 'visible', evidence: `${key} is assigned from ${visible.text}` };
    else if (resolved.length > 0 && resolved.every((r) => r.kind === 'private'))
      result = {
        value: 'private',
        evidence: `${key} ${key.endsWith('()') ? 'only returns pages from' : 'is only assigned from'} ${resolved
          .slice(0, 3)
          .map((r) => r.text)
          .join(', ')}`,
      };
    // A visible source settles the answer whatever the cycle holds.
    if (result.value === 'visible') leans.clear();
    if (leans.size === 0) this.originMemo.set(key, result);
    return { result, leans };
  }

  internalInode(path: string): Evidence<true> | undefined {
    const key = this.resolve(path);
    const stores = (this.fields.get(key) ?? []).filter(
      (s) => !(s.source.kind === 'unknown' && s.source.what === 'NULL'),
    );
    if (stores.length === 0 || !stores.every((s) => s.source.kind === 'internal-inode'))
      return undefined;
    const first = stores[0]!;
    return {
      value: true,
      evidence: `${key} holds an internal inode: ${first.source.what} (${first.file}:${first.source.line})`,
    };
  }

  mappingReturnedBy(name: string): string | undefined {
    // Static inline helpers in headers (`META_MAPPING()`) count: the answer is a struct field.
    const keys = new Set((this.defs.get(name) ?? []).map((d) => d.fn.returnsMappingOf));
    const [only] = keys;
    return keys.size === 1 ? only : undefined;
  }
}

/**
 * `switch (type) { case A: return a_decompress(ws, page); case B: return b_decompress(ws, page); }`
 * (6.1 fs/btrfs/compression.c:118): the `switch/param` pairs for which some case hands the page
 * parameter to its calls and none of them flushes it.
 */
function unflushedArms(
  fn: FunctionFactsSummary,
  flushes: (call: FunctionFactsSummary['calls'][number]) => Flushed,
): Set<string> {
  const handed = new Set<string>();
  const flushed = new Set<string>();
  for (const call of fn.calls) {
    if (call.arm === undefined) continue;
    const r = flushes(call);
    const [sw, arm] = call.arm;
    call.args.forEach((p, i) => {
      if (p < 0) return;
      handed.add(`${sw}/${arm}/${p}`);
      if (r && (r.places === 'any' || r.places.has(i))) flushed.add(`${sw}/${arm}/${p}`);
    });
  }
  const out = new Set<string>();
  for (const k of handed) if (!flushed.has(k)) out.add(k.replace(/\/\d+\//, '/'));
  return out;
}

/** Two answers about flushes are the same when they name the same places under the same flags. */
function sameFlushed(a: Flushed, b: Flushed): boolean {
  if (!a || !b) return a === b;
  if (a.places === 'any' || b.places === 'any') return a.places === b.places;
  if (a.places.size !== b.places.size) return false;
  for (const [i, g] of a.places) {
    if (!b.places.has(i)) return false;
    const h = b.places.get(i);
    if (g?.flag !== h?.flag || g?.value !== h?.value) return false;
  }
  return true;
}

const NOT_FLUSHING: FunctionFactsSummary = {
  name: '?',
  isStatic: false,
  line: 0,
  flushes: [],
  writes: [],
  calls: [],
};

/**
 * Which top-level items of a file the index must parse (issue 13, speed): a function or table
 * that cannot contribute to the file's facts (summarize.ts) is blanked before tree-sitter sees
 * the text, since parsing whole files was most of a whole-tree run.
 *
 * The tests below over-approximate summarize.ts, item by item:
 *  - a function summary exists only for a function with a page or folio parameter, or one
 *    returning `x->f->i_mapping`: kept when its head names `page`/`folio` or its text `i_mapping`;
 *  - a field store is recorded only when its source is classified (a call sources.ts knows,
 *    virt_to_page of memory, an iget, a request's page field, an array filler) or its key names
 *    pages (PAGE_FIELD): kept when a callee or a stored key can be one of those;
 *  - a callback registration (`.write_end = fn` in a table, `ops->write_end = fn` in a function)
 *    matters only for fields some tree function with a page parameter is registered for: those
 *    pairs are returned as the file's `registrations`, and `extendForCallbacks` adds the items
 *    that register the fields the whole tree found to matter (the second round of build.ts);
 *  - a named struct definition with a struct-typed member is kept (the index's member types);
 *  - every same-file function a kept function calls is kept (same-file summaries follow them).
 * xref.test.ts checks facts of pruned and whole parses are equal over the repository's fixtures.
 */
import { topLevelItems } from './regions';
import type { Item } from './regions';
import {
  ADDRESS_TO_PAGE,
  classifyCall,
  FILLS_PRIVATE_ARRAY,
  FILLS_VISIBLE_ARRAY,
  IGET_CALL,
  INSERTS_USER_PAGE,
  REQUEST_PAGE_FIELD,
  SG_FIELD,
} from './sources';
import { PAGE_FIELD } from './summarize';
import { BUFFER_PAGE, HEAD_BUFFER } from './bufferHeads';

const HEAD_PAGE = /\b(?:page|folio)\b/;
const CALLED = /\b([A-Za-z_]\w*)\s*\(/g;
/** `base->field = ` / `base.field[i] = ` with a plain identifier base (fieldKey's condition). */
const STORE = /(?<![\w.>\])])([A-Za-z_]\w*)\s*(?:->|\.)\s*(\w+)\s*(?:\[[^\]]*\]\s*)?=(?!=)/g;
const READ_FIELD = /(?:->|\.)\s*(\w+)/g;
/** A named struct definition with a struct-typed member (declarations.ts, structMembers). */
const STRUCT_WITH_STRUCT_MEMBER = /\bstruct\s+\w+\s*\{[^]*?\bstruct\s+\w+/;
/** Fields given a name (cast, parenthesised, `__exit_p(fn)`): a possible callback registration. */
const REGISTRATION =
  /((?:(?:->|\.)\s*\w+\s*)+)(?:\[[^\]]*\]\s*)?=(?!=)\s*(?:\((?:[^()]|\([^()]*\))*\)\s*|(?:__\w+\s*)?\(\s*)*([A-Za-z_]\w*)\s*\)*[ \t]*[;,}\r\n]/g;

export interface IndexSelection {
  items: Item[];
  keep: boolean[];
  /** Callback registrations in items not kept: field → names given to it. */
  registrations: Record<string, string[]>;
}

function isSource(callee: string): boolean {
  const kind = classifyCall(callee);
  return (
    (kind !== undefined && kind !== 'memory') ||
    ADDRESS_TO_PAGE.test(callee) ||
    IGET_CALL.test(callee) ||
    FILLS_VISIBLE_ARRAY.test(callee) ||
    FILLS_PRIVATE_ARRAY.test(callee) ||
    INSERTS_USER_PAGE.test(callee)
  );
}

/** Whether `base` may be declared in `text` with a type whose name PAGE_FIELD accepts. */
function pageTypedBase(text: string, base: string, cache: Map<string, boolean>): boolean {
  const known = cache.get(base);
  if (known !== undefined) return known;
  const words = wordsBefore(text, base);
  // Not declared in the function (a global, a macro): keep, the parser decides.
  const result = words.length === 0 || words.some((w) => PAGE_FIELD.test(w));
  cache.set(base, result);
  return result;
}

const WORD = /\w/;
const SPACE_OR_STAR = /[\s*]/;

/**
 * The words `w` with `w [\s*]+ base\b` in `text`: what `/(\w+)(?=[\s*]+base\b)/g` finds, by
 * looking back from each occurrence of `base` (a regular expression per base cost seconds).
 */
export function wordsBefore(text: string, base: string): string[] {
  const out: string[] = [];
  for (let j = text.indexOf(base); j >= 0; j = text.indexOf(base, j + 1)) {
    if (WORD.test(text.charAt(j + base.length))) continue;
    let k = j;
    while (k > 0 && SPACE_OR_STAR.test(text.charAt(k - 1))) k--;
    let s = k;
    while (s > 0 && WORD.test(text.charAt(s - 1))) s--;
    if (k < j && s < k) out.push(text.slice(s, k));
  }
  return out;
}

function functionMatters(src: string, item: Item): boolean {
  const text = src.slice(item.start, item.end);
  if (STRUCT_WITH_STRUCT_MEMBER.test(text)) return true;
  if (HEAD_PAGE.test(src.slice(item.start, item.body)) || text.includes('i_mapping')) return true;
  if (HEAD_BUFFER.test(src.slice(item.start, item.body)) && BUFFER_PAGE.test(text)) return true;
  for (const m of text.matchAll(CALLED)) if (isSource(m[1]!)) return true;
  for (const m of text.matchAll(READ_FIELD)) if (REQUEST_PAGE_FIELD.test(m[1]!)) return true;
  const types = new Map<string, boolean>();
  for (const m of text.matchAll(STORE))
    if (PAGE_FIELD.test(m[2]!) || SG_FIELD.test(m[2]!) || pageTypedBase(text, m[1]!, types))
      return true;
  return false;
}

function registrationsIn(text: string, into: Record<string, string[]>): void {
  for (const m of text.matchAll(REGISTRATION)) {
    const [, chain, name] = m as unknown as [string, string, string];
    if (!/[a-z]/.test(name)) continue;
    // `.umr.rq = fn` registers for `umr` (the pair's first designator): every name counts.
    // Assignments key a registration by the path after the base (`pmu.pmu_enable`): every run
    // of consecutive names counts.
    const names = [...chain.matchAll(/\w+/g)].map((m) => m[0]);
    for (let a = 0; a < names.length; a++)
      for (let b = a + 1; b <= names.length; b++) {
        const list = (into[names.slice(a, b).join('.')] ??= []);
        if (!list.includes(name)) list.push(name);
      }
  }
}

/** The first round's selection, or undefined when the file must be parsed whole. */
export function selectForIndex(src: string): IndexSelection | undefined {
  const items = topLevelItems(src);
  if (!items) return undefined;
  // Tables (`static const struct x_operations ops = {...}`) hold only registrations; struct
  // definitions with struct members give the index their member types (structMembers).
  const keep = items.map((item) =>
    item.isFunction
      ? functionMatters(src, item)
      : STRUCT_WITH_STRUCT_MEMBER.test(src.slice(item.start, item.end)),
  );
  closeOverCallees(src, items, keep);
  const registrations: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  items.forEach((item, k) => {
    if (!keep[k]) registrationsIn(src.slice(item.start, item.end), registrations);
  });
  return { items, keep, registrations };
}

/**
 * The selection plus every item that registers a callback for one of `fields` or `bodies`, and
 * the functions registered for a field of `bodies`.
 */
export function extendForCallbacks(
  src: string,
  selection: IndexSelection,
  fields: ReadonlySet<string>,
  bodies?: ReadonlySet<string>,
): boolean[] {
  const { items } = selection;
  const keep = [...selection.keep];
  // The functions registered here for a field of `bodies`: the index asks such an implementation
  // what it writes of a buffer it is handed (bufferWrites.ts), which needs its body.
  const implementations = new Set<string>();
  items.forEach((item, k) => {
    // A kept item's registrations are the facts' own; they name implementations only for `bodies`.
    if (keep[k] && !bodies?.size) return;
    const found: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    registrationsIn(src.slice(item.start, item.end), found);
    const named = Object.keys(found);
    for (const f of named.filter((f) => bodies?.has(f)))
      for (const n of found[f]!) implementations.add(n);
    if (!keep[k] && named.some((f) => fields.has(f) || bodies?.has(f))) keep[k] = true;
  });
  items.forEach((item, k) => {
    if (item.isFunction && item.names.some((n) => implementations.has(n))) keep[k] = true;
  });
  closeOverCallees(src, items, keep);
  return keep;
}

/** Keeps, transitively, every function of the file that a kept function calls. */
function closeOverCallees(src: string, items: readonly Item[], keep: boolean[]): void {
  const byName = new Map<string, number[]>();
  items.forEach((item, k) => {
    if (!item.isFunction) return;
    for (const name of item.names) {
      const list = byName.get(name) ?? [];
      list.push(k);
      byName.set(name, list);
    }
  });
  const work = keep.flatMap((kept, k) => (kept && items[k]!.isFunction ? [k] : []));
  while (work.length > 0) {
    const item = items[work.pop()!]!;
    const text = src.slice(item.body, item.end);
    for (const m of text.matchAll(CALLED)) {
      for (const k of byName.get(m[1]!) ?? []) {
        if (keep[k]) continue;
        keep[k] = true;
        work.push(k);
      }
    }
  }
}

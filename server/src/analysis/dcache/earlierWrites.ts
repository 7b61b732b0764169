/**
 * Pages written earlier, by other functions of the file, through a mapping the file parks in a
 * structure field: one function maps the page and keeps both in fields
 * (`host->pg.page = sg_page(sg); host->pg.mapped = kmap(host->pg.page)`), a PIO loop elsewhere
 * stores through the kept address (or a field copied from it, `host->blk_page`), and an unmap
 * helper ends the mapping (`page = host->pg.page; ... kunmap(page)`). The helper that ends it is
 * the last one to hold the page for this use: what the other functions wrote through the mapping
 * must be flushed there (Documentation/core-api/cachetlb.rst, flush_dcache_page). Its function
 * alone shows no write, so the write is told as done before, at the load of the page from its
 * field, with the writer that did it as evidence.
 */
import type { Node } from '../../parsing/parser';
import { exprKey, functionName } from '../../parsing/nodeText';
import { normKey, pointerBase } from '../core/events';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import * as K from '../../knowledge/dcache';
import type { FileContext } from '../core/fileContext';

/**
 * What this module asks of a file (FileSummaries answers it; named here so that summaries.ts,
 * which computes the parked fields with scanParkedFields, is not imported back).
 */
export interface ParkedFile extends FileContext {
  definitions(name: string): readonly Node[];
  parkedFields(): ParkedFields | null;
}

/** The fields of one file that hold a parked page and its mapping, and who wrote through them. */
export interface ParkedFields {
  /** Field paths without their root (`pg.page`, `head_pg.page`). */
  pages: Set<string>;
  /** Field paths holding a mapping of one of those pages, or an address copied from one. */
  maps: Set<string>;
  /** The functions storing through one of `maps`, with the line of a store. */
  writers: { name: string; line: number }[];
}

/** `root->a.b` → `a.b`: a field path without the variable it starts from. */
function tail(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? '' : key.slice(dot + 1);
}

const keyOf = (n: Node): string => normKey(exprKey(pointerBase(n)));

/** `x->f = v;`, `x->a.b = v;` in the file's text: the field path and the value's text. */
const FIELD_ASSIGN = /([A-Za-z_]\w*(?:\s*(?:->|\.)\s*\w+)+)\s*=(?!=)\s*([^;]+);/g;
const CAST = /^\((?:const\s+)?(?:struct\s+)?\w+\s*\*+\)\s*/;

/** Asked through the file (ParkedFile.parkedFields), which computes it once with `scan`. */
function parkedFields(file: ParkedFile): ParkedFields | null {
  return file.parkedFields();
}

/**
 * The file's parked page fields and the functions that store through their mappings. Read from
 * the whole file: the editor's cache compares this answer, not the file's text, so an edit that
 * leaves it alone keeps the other functions' results.
 */
export function scanParkedFields(file: ParkedFile): ParkedFields | null {
  const source = file.text(0, Infinity);
  const mapCall = new RegExp(`^(?:${[...K.MAP_BY_PAGE.keys()].join('|')})\\s*\\(([^;]*)\\)$`);
  const assigns = [...source.matchAll(FIELD_ASSIGN)].map((m) => ({
    field: tail(normKey(m[1]!.replace(/\s+/g, ''))),
    value: m[2]!.trim().replace(CAST, ''),
  }));
  const pages = new Set<string>();
  const maps = new Set<string>();
  for (const { field, value } of assigns) {
    const arg = mapCall.exec(value)?.[1];
    const page = arg ? tail(normKey(arg.replace(/\s+/g, ''))) : '';
    if (!field || !page) continue;
    pages.add(page);
    maps.add(field);
  }
  if (maps.size === 0) return null;
  // Copies between fields (`head_pg.page = pg.page`, `blk_page = pg.mapped + off`), twice so
  // that a copy of a copy counts.
  for (let pass = 0; pass < 2; pass++)
    for (const { field, value } of assigns) {
      const from = tail(normKey(/^[\w.>-]+/.exec(value.replace(/\s+/g, ''))?.[0] ?? ''));
      if (!field || !from) continue;
      if (pages.has(from)) pages.add(field);
      if (maps.has(from)) maps.add(field);
    }
  const writers = writersThrough(file, maps);
  return writers.length > 0 ? { pages, maps, writers } : null;
}

/** The functions of the file that store through one of `maps` (or a local copied from one). */
function writersThrough(file: ParkedFile, maps: Set<string>): ParkedFields['writers'] {
  const words = [...maps].map((m) => m.split('.').pop()!);
  const out: ParkedFields['writers'] = [];
  for (const name of file.names()) {
    for (const fn of file.definitions(name)) {
      const text = file.text(fn.startIndex, fn.endIndex);
      if (!words.some((w) => text.includes(w))) continue;
      const at = storeThrough(file.factsOf(fn), maps);
      if (at) out.push({ name: functionName(fn), line: at.startPosition.row + 1 });
    }
  }
  return out;
}

function storeThrough(facts: FunctionFacts, maps: Set<string>): Node | undefined {
  const locals = new Set<string>();
  const through = (n: Node | undefined): boolean => {
    if (!n) return false;
    const key = keyOf(n);
    return maps.has(tail(key)) || locals.has(key);
  };
  for (const e of facts.all)
    if (e.kind === 'assign' && e.rhs && !e.lhsKey.includes('.') && through(e.rhs))
      locals.add(e.lhsKey);
  for (const e of facts.all) {
    if (e.kind === 'store' && (locals.has(e.baseKey) || maps.has(tail(e.baseKey)))) return e.node;
    if (e.kind === 'call' && (K.WRITES_ARGUMENT.get(e.name) ?? []).some((i) => through(e.args[i])))
      return e.node;
  }
  return undefined;
}

/** A load of a parked page into a local that this function then unmaps. */
export interface EarlierWrite {
  /** The assignment `page = host->pg.page`. */
  event: Event & { kind: 'assign' };
  /** The local, as assigned (`page` of `page = ...` or of `struct page *page = ...`). */
  target: Node;
  /** Who wrote through the parked mapping, in words. */
  note: string;
}

const UNMAPS = new RegExp(`\\b(?:${[...K.UNMAP].join('|')})\\s*\\(`);

/** Whether a function's text can end a parked mapping of a file that writes through one. */
export function mayEndParkedMapping(text: string, file: ParkedFile): boolean {
  return UNMAPS.test(text) && parkedFields(file) !== null;
}

/** The loads of parked pages in `facts` whose local the function unmaps (kunmap(page)). */
export function earlierWrites(facts: FunctionFacts, file: ParkedFile): EarlierWrite[] {
  if (!facts.all.some((e) => e.kind === 'call' && K.UNMAP.has(e.name))) return [];
  const parked = parkedFields(file);
  if (!parked) return [];
  // Another function's store is the earlier write; the function's own store is its own write.
  const writer = parked.writers.find((w) => w.name !== facts.name) ?? parked.writers[0]!;
  const unmapped = new Set(
    facts.all.flatMap((e) =>
      e.kind === 'call' && K.UNMAP.has(e.name) && e.args[0] ? [facts.canon(keyOf(e.args[0]))] : [],
    ),
  );
  const out: EarlierWrite[] = [];
  for (const e of facts.all) {
    if (e.kind !== 'assign' || !e.rhs || e.lhsKey.includes('.')) continue;
    const field = tail(keyOf(e.rhs));
    if (!parked.pages.has(field) || !unmapped.has(facts.canon(e.lhsKey))) continue;
    const target = assignedName(e.node);
    if (!target) continue;
    out.push({
      event: e,
      target,
      note: `written earlier through its mapping kept in a field (\`${[...parked.maps][0]!}\`), by ${writer.name}() (line ${writer.line})`,
    });
  }
  return out;
}

function assignedName(n: Node): Node | undefined {
  let d: Node | null =
    n.type === 'init_declarator' ? n.childForFieldName('declarator') : n.childForFieldName('left');
  for (let guard = 0; d && guard < 8; guard++) {
    if (d.type === 'identifier') return d;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

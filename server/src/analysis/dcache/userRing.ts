/**
 * User-mapped rings: structures a file keeps in pages it maps into user space (a packet ring's
 * frame headers), written through plain pointers with no kmap. The file itself says which: it
 * inserts pages into a user VMA (`vm_insert_page`) and flushes, somewhere, the page of an
 * address inside such a structure (`flush_dcache_page(to_page(&hdr->status))`, where `to_page`
 * is `virt_to_page`/`vmalloc_to_page` or a same-file wrapper returning one of them). Every store
 * through a variable of that structure type then needs the flush (cachetlb.rst,
 * flush_dcache_page: the kernel wrote a page user space maps).
 */
import type { Node } from '../../parsing/parser';
import type { Premise } from '../core/origin';
import { PUBLISH_PAGE, SAME_PAGE } from '../../knowledge/dcache';
import { indexBy } from '../../knowledge/table';
import { calleeName, callArguments, stripExpr } from '../../parsing/nodeText';

/** Calls turning a kernel address into its page (the address forms of the same-page role). */
const ADDRESS_TO_PAGE = [...SAME_PAGE.keys()].filter((n) => /^(?:virt|vmalloc)_to_/.test(n));
const PUBLISHES = new RegExp(`\\b(?:${[...PUBLISH_PAGE].join('|')})\\s*\\(`);
const RETURN = /\breturn\b\s*([^;]*);/g;

/** Same-file functions all of whose returns convert an address to its page. */
function addressToPageFunctions(functions: readonly Node[]): Set<string> {
  const out = new Set(ADDRESS_TO_PAGE);
  const call = new RegExp(`^(?:${ADDRESS_TO_PAGE.join('|')})\\s*\\(`);
  for (const fn of functions) {
    const returns = [...fn.text.matchAll(RETURN)].map((m) => (m[1] ?? '').trim());
    const name = fn.childForFieldName('declarator')?.text.match(/(\w+)\s*\(/)?.[1];
    if (name && returns.length > 0 && returns.every((r) => call.test(r))) out.add(name);
  }
  return out;
}

/** `struct x`/`union x` declared for each name of a function (parameters and locals). */
export function structTypes(fn: Node): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (n: Node): void => {
    if (n.type === 'declaration' || n.type === 'parameter_declaration') {
      const type = n.childForFieldName('type');
      if (type && (type.type === 'struct_specifier' || type.type === 'union_specifier')) {
        for (const d of n.namedChildren) {
          if (d === type) continue;
          const id = declaredName(d);
          if (id) out.set(id, type.text.replace(/\s+/g, ' '));
        }
      }
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(fn);
  return out;
}

function declaredName(d: Node): string | undefined {
  for (let n: Node | null = d, guard = 0; n && guard < 8; guard++) {
    if (n.type === 'identifier') return n.text;
    n = n.childForFieldName('declarator');
  }
  return undefined;
}

/** The structure types whose pages the file maps into user space and flushes by address. */
export function ringTypes(functions: readonly Node[], source: string): Set<string> {
  const types = new Set<string>();
  if (!PUBLISHES.test(source)) return types;
  const toPage = [...addressToPageFunctions(functions)].join('|');
  const flush = new RegExp(
    `\\bflush_dcache_(?:page|folio)\\s*\\(\\s*(?:${toPage})\\s*\\(\\s*&?\\s*(?:\\([^()]*\\)\\s*)?(\\w+)`,
    'g',
  );
  for (const fn of functions) {
    const text = fn.text;
    const roots = [...text.matchAll(flush)].map((m) => m[1] ?? '');
    if (roots.length === 0) continue;
    const declared = structTypes(fn);
    for (const root of roots) {
      // `start = (u8 *)hdr`: a byte pointer into the structure names it through its source.
      const sources = [root];
      const alias = new RegExp(`\\b${root}\\s*=\\s*(?:\\([^()]*\\)\\s*)?&?\\s*(\\w+)`, 'g');
      for (const m of text.matchAll(alias)) if (m[1]) sources.push(m[1]);
      for (const s of sources) {
        const t = declared.get(s);
        if (t) types.add(t);
      }
    }
  }
  return types;
}

/** The field an address expression ends in: `meta_page` of `(void *)cpu->meta_page`. */
function fieldOf(n: Node): string | undefined {
  const s = stripExpr(n);
  return s.type === 'field_expression' ? s.childForFieldName('field')?.text : undefined;
}

/**
 * Structure fields holding a kernel address whose page the file inserts into a user VMA:
 * `vm_insert_page(vma, addr, virt_to_page(x->buf))`, or `pages[n] = virt_to_page(x->meta)`
 * with `pages` handed to `vm_insert_pages()`. Stores through a pointer loaded from such a field
 * land in a page user space maps (kernel/trace/ring_buffer.c __rb_map_vma inserts the meta page
 * it later updates through `cpu_buffer->meta_page`, 6.12).
 */
export function userMappedFields(functions: readonly Node[], source: string): Set<string> {
  const fields = new Set<string>();
  if (!PUBLISHES.test(source)) return fields;
  const toPage = addressToPageFunctions(functions);
  const pageArg = indexBy('publishes-page', (r) => r.page ?? -1);
  const addressField = (n: Node | undefined): string | undefined => {
    const s = n && stripExpr(n);
    if (s?.type !== 'call_expression' || !toPage.has(calleeName(s))) return undefined;
    const a = callArguments(s)[0];
    return a ? fieldOf(a) : undefined;
  };
  const visit = (n: Node, fn: Node): void => {
    if (n.type === 'call_expression') {
      const at = pageArg.get(calleeName(n));
      const arg = at !== undefined && at >= 0 ? callArguments(n)[at] : undefined;
      const s = arg && stripExpr(arg);
      const direct = addressField(s);
      if (direct) fields.add(direct);
      // A page array or a page variable: what the function stores into it.
      const name = s?.type === 'identifier' ? s.text : undefined;
      if (name) for (const f of storedFields(fn, name, addressField)) fields.add(f);
    }
    for (const c of n.namedChildren) visit(c, fn);
  };
  for (const fn of functions) if (PUBLISHES.test(fn.text)) visit(fn, fn);
  return fields;
}

/** Fields of the addresses whose pages `fn` stores into `name` or `name[i]`. */
function storedFields(
  fn: Node,
  name: string,
  addressField: (n: Node | undefined) => string | undefined,
): string[] {
  const out: string[] = [];
  const visit = (n: Node): void => {
    const isInit = n.type === 'init_declarator';
    if (n.type === 'assignment_expression' || isInit) {
      const left = stripExpr(n.childForFieldName(isInit ? 'declarator' : 'left') ?? n);
      const target =
        left.type === 'subscript_expression' ? left.childForFieldName('argument') : left;
      const f =
        target?.text === name
          ? addressField(n.childForFieldName(isInit ? 'value' : 'right') ?? undefined)
          : undefined;
      if (f) out.push(f);
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(fn);
  return out;
}

/** The names a function gives the address kept in a user-mapped field (`meta = cpu->meta_page`). */
export function mappedFieldRoots(fn: Node, fields: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (fields.size === 0) return out;
  const visit = (n: Node): void => {
    const isInit = n.type === 'init_declarator';
    if (n.type === 'assignment_expression' || isInit) {
      const value = n.childForFieldName(isInit ? 'value' : 'right');
      const field = value ? fieldOf(value) : undefined;
      const left = n.childForFieldName(isInit ? 'declarator' : 'left');
      const id = left ? declaredName(left) : undefined;
      if (field && fields.has(field) && id) out.add(id);
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(fn);
  return out;
}

/**
 * A ring file's own address-to-page helpers (`pgv_to_page`: `vmalloc_to_page` or `virt_to_page`
 * of a ring address, net/packet/af_packet.c, 6.1 and 6.12): in a file that keeps a user-mapped
 * ring they look up the ring's pages, so a page they return holds what user space stored there.
 */
export function ringPageLookups(functions: readonly Node[], source: string): Set<string> {
  if (ringTypes(functions, source).size === 0) return new Set();
  const apis = new Set(ADDRESS_TO_PAGE);
  return new Set([...addressToPageFunctions(functions)].filter((n) => !apis.has(n)));
}

/** Why a ring page (`ring:<root>`, pageModel.ts) is user-visible: its structure or its field. */
export function ringPremise(
  page: string,
  file: { ringRoots(fn: Node): Set<string> },
  fn: Node,
): Premise | undefined {
  const root = /^ring:(\w+)$/.exec(page)?.[1];
  if (!root) return undefined;
  return file.ringRoots(fn).has(root)
    ? { kind: 'ring', name: root, node: fn }
    : { kind: 'mapped-field', name: root, node: fn };
}

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
import { PUBLISH_PAGE, SAME_PAGE } from '../../knowledge/dcache';

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

/**
 * Same-file helpers that publish a page they are handed: the page goes to a publishing API of the
 * table (`vm_insert_page(vma, addr, page)`, `filemap_add_folio(mapping, folio, ...)`) as the
 * argument the table names, or, for the APIs that take a PTE (`set_pte_at`), into the PTE the
 * helper builds from it (`pte = mk_pte(page, prot); ... set_pte_at(mm, addr, ptep, pte)`). A page
 * written before such a call is one user space maps from then on (mm/userfaultfd.c
 * mfill_atomic_install_pte installs the PTE of the page its caller filled, 6.1 and 6.12).
 */
import { stripExpr } from '../../parsing/nodeText';
import { pageKey } from '../core/facts';
import { indexBy } from '../../knowledge/table';
import type { FileSummaries } from './summaries';

const memo = new WeakMap<FileSummaries, Map<string, boolean>>();

/** Whether the same-file function `name` publishes the page in its parameter `index`. */
export function publishesParam(file: FileSummaries, name: string, index: number): boolean {
  let known = memo.get(file);
  if (!known) memo.set(file, (known = new Map<string, boolean>()));
  const key = `${name}/${index}`;
  const hit = known.get(key);
  if (hit !== undefined) return hit;
  const pageArg = indexBy('publishes-page', (r) => r.page ?? -1);
  const result = file.definitions(name).some((fn) => {
    const facts = file.factsOf(fn);
    const param = facts.params[index];
    if (!param) return false;
    const page = facts.canon(param);
    // Names given a value computed from the page (`pte = mk_pte(page, prot)`), and what those
    // names are given in turn (`pte = pte_mkdirty(pte)`).
    const derived = new Set<string>();
    for (const e of facts.all) {
      if (e.kind !== 'assign' || !e.rhs) continue;
      const s = stripExpr(e.rhs);
      const first =
        s.type === 'call_expression' ? s.childForFieldName('arguments')?.namedChild(0) : null;
      if (first && facts.canon(pageKey(first)) === page) derived.add(e.lhsKey);
    }
    return facts.all.some((e) => {
      if (e.kind !== 'call') return false;
      const at = pageArg.get(e.name);
      if (at === undefined) return false;
      if (at >= 0) return e.args[at] !== undefined && facts.canon(pageKey(e.args[at])) === page;
      return e.args.some((a) => derived.has(stripExpr(a).text));
    });
  });
  known.set(key, result);
  return result;
}

/**
 * A page handed to a helper that marks it up to date. Marking a page-cache folio up to date is
 * what lets readers in: `filemap_fault()` maps a folio into user space once it finds it up to
 * date (mm/filemap.c:3384 (6.12), :3291 (6.1)), so the bytes the kernel wrote
 * into it through its own mapping must reach memory first (Documentation/core-api/cachetlb.rst,
 * flush_dcache_page). Read completions that the CPU fills often leave both the mark and the
 * flush to one helper, told whether the CPU wrote the page (`erofs_onlinefolio_end(folio, err,
 * true)`, fs/erofs/data.c:264 (6.12); `z_erofs_onlinepage_end()`, fs/erofs/zdata.c:149 (6.1)):
 * the caller that wrote the page sees no mark of its own, yet the page it wrote is file data.
 */
import type { Node } from '../../parsing/parser';
import { stripExpr } from '../../parsing/nodeText';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import type { FileSummaries } from './summaries';
import type { PageModel } from './pageModel';
import * as K from '../../knowledge/dcache';

/** How far same-file helpers are followed (`end(page)` → `unlock_and_mark(page)`). */
const DEPTH = 2;

const memo = new WeakMap<FileSummaries, Map<string, boolean>>();

/**
 * Whether the same-file function `name` marks the page in its parameter `index` up to date,
 * itself or through a same-file helper it hands the page to.
 */
export function marksParamUptodate(
  file: FileSummaries,
  name: string,
  index: number,
  depth = 0,
): boolean {
  let known = memo.get(file);
  if (!known) memo.set(file, (known = new Map<string, boolean>()));
  const key = `${name}/${index}/${depth}`;
  const hit = known.get(key);
  if (hit !== undefined) return hit;
  known.set(key, false);
  const result = file.definitions(name).some((fn) => {
    const facts = file.factsOf(fn);
    const param = facts.params[index];
    return param !== undefined && marksUptodate(facts, facts.canon(param), file, depth);
  });
  known.set(key, result);
  return result;
}

function marksUptodate(
  facts: FunctionFacts,
  page: string,
  file: FileSummaries,
  depth: number,
): boolean {
  return facts.all.some((e) => {
    if (e.kind !== 'call') return false;
    if (K.MARK_UPTODATE.has(e.name))
      return e.args[0] !== undefined && facts.canon(pageKey(e.args[0])) === page;
    if (depth >= DEPTH || e.name === facts.name || !file.isDefined(e.name)) return false;
    return e.args.some(
      (a, i) => facts.canon(pageKey(a)) === page && marksParamUptodate(file, e.name, i, depth + 1),
    );
  });
}

/**
 * The call that hands `page`, written through a kernel mapping, to a function marking it up to
 * date: a same-file helper, or with the tree's index a function of another file. A store through
 * the linear map alone does not count (directory and internal-inode pages are filled that way).
 */
export function uptodateHandOff(
  page: string,
  model: PageModel,
  facts: FunctionFacts,
  file: FileSummaries,
): { callee: string; node: Node } | undefined {
  if (!mappedWrite(page, model)) return undefined;
  const tree = file.tree;
  for (const e of facts.all) {
    if (e.kind !== 'call' || e.name === facts.name || K.MARK_UPTODATE.has(e.name)) continue;
    const at = e.args.findIndex(
      (a) => stripExpr(a).type !== 'number_literal' && facts.canon(pageKey(a)) === page,
    );
    if (at < 0) continue;
    const marks = file.isDefined(e.name)
      ? marksParamUptodate(file, e.name, at)
      : tree?.tree.calleeMarksUptodate?.(e.name, at, tree.file) === true;
    if (marks) return { callee: e.name, node: e.node };
  }
  return undefined;
}

function mappedWrite(page: string, model: PageModel): boolean {
  for (const list of model.actions.values())
    for (const a of list)
      if (a.kind === 'write' && a.page === page && (a.via === 'kmap' || a.via === 'miter'))
        return true;
  return false;
}

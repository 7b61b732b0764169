/**
 * Per-function facts shared by the rules: the CFG, the events of each block, the parameters,
 * and which names stand for the same page (`page = bv.bv_page`, `folio = page_folio(page)`).
 */
import { checkDeadline } from '../../parsing/deadline';
import type { Node } from '../../parsing/parser';
import type { IteratorLoop } from '../../parsing/preprocess';
import { buildCfg } from '../../cfg/builder';
import type { Block, FunctionCfg } from '../../cfg/graph';
import { reachable } from '../../cfg/graph';
import {
  callArguments,
  calleeName,
  exprKey,
  parameterNames,
  stripExpr,
} from '../../parsing/nodeText';
import { eventsOf, normKey } from './events';
import type { Event } from './events';
import { SAME_PAGE } from '../../knowledge/dcache';

export interface FunctionFacts {
  cfg: FunctionCfg;
  name: string;
  params: string[];
  events: Map<number, Event[]>;
  /** Every event of reachable blocks, in block order (for flow-insensitive questions). */
  all: Event[];
  /** Canonical name of an expression key under the function's page-name equivalences. */
  canon: (key: string) => string;
  /** Names given more than one value (`page = pages[0]; ... page = pages[1]`, `bv++`). */
  reassigned: Set<string>;
  /** Iterator macros (from the pre-pass) whose loops are in this function, by `while` offset. */
  iterators: Map<number, IteratorLoop>;
}

/** The key of the page an expression names, looking through page↔folio conversions. */
export function pageKey(n: Node): string {
  for (let guard = 0; guard < 20; guard++) {
    n = stripExpr(n);
    if (n.type === 'call_expression') {
      const idx = SAME_PAGE.get(calleeName(n));
      const arg = idx === undefined ? undefined : callArguments(n)[idx];
      if (arg) {
        n = arg;
        continue;
      }
    }
    if (n.type === 'pointer_expression' && n.childForFieldName('operator')?.type === '&') {
      // `&folio->page` is the folio's first page.
      const arg = n.childForFieldName('argument');
      if (arg?.type === 'field_expression' && arg.childForFieldName('field')?.text === 'page') {
        n = arg.childForFieldName('argument') ?? arg;
        continue;
      }
    }
    break;
  }
  return normKey(exprKey(n));
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(k: string): string {
    let root = k;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root))
      root = p;
    this.parent.set(k, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

const NO_PAGE = /^(?:NULL|0|false|true|[A-Z][A-Z0-9_]*|-?\d+|ERR_PTR\(.*\))$/;
const SIMPLE_PATH = /^[A-Za-z_][\w.]*(\[[\w.]*\])?(\.[\w.]+)*$/;

export function functionFacts(fn: Node, iterators: Map<number, IteratorLoop>): FunctionFacts {
  const cfg = buildCfg(fn);
  const events = new Map<number, Event[]>();
  const all: Event[] = [];
  const blocks: Block[] = cfg.skipped ? [] : reachable(cfg);
  for (const b of blocks) {
    checkDeadline();
    const list: Event[] = [];
    for (const item of b.items) eventsOf(item, list);
    events.set(b.id, list);
    all.push(...list);
  }
  // A name given a value once stands for that page everywhere; one reassigned (`page = pages[1]`
  // after the write) names several pages, and the rule follows it flow-sensitively instead.
  const values = new Map<string, Set<string>>();
  for (const e of all) {
    if (e.kind !== 'assign') continue;
    const value = e.rhs ? pageKey(e.rhs) : '';
    // `page = NULL` names no page: it neither joins names nor moves one on.
    if (NO_PAGE.test(value)) continue;
    const set = values.get(e.lhsKey) ?? new Set<string>();
    set.add(value);
    values.set(e.lhsKey, set);
  }
  const uf = new UnionFind();
  for (const [lhs, rhsSet] of values) {
    const [rhs] = rhsSet;
    // Only names of pages join: `page = sg_page(sg)` or `p = bv->bv_page`, not arithmetic.
    if (rhsSet.size === 1 && rhs && (SIMPLE_PATH.test(rhs) || /^sg_page\(/.test(rhs)))
      uf.union(lhs, rhs);
  }
  const own = new Map<number, IteratorLoop>();
  for (const [offset, loop] of iterators) {
    if (offset >= fn.startIndex && offset < fn.endIndex) own.set(offset, loop);
  }
  return {
    cfg,
    name: cfg.name,
    params: parameterNames(fn),
    events,
    all,
    canon: (key) => uf.find(key),
    reassigned: new Set([...values].filter(([, v]) => v.size > 1 || v.has('')).map(([k]) => k)),
    iterators: own,
  };
}

/**
 * missing-flush-dcache-page: the kernel wrote a page through a kernel mapping (kmap*, the linear
 * map, a buffer head) and some path reaches the end of the function without
 * flush_dcache_page()/flush_dcache_folio() for it. On aliasing D-caches the dirty lines sit under
 * the kernel alias's colour, and a user mapping of another colour reads stale memory
 * (Documentation/core-api/cachetlb.rst, "flush_dcache_page"). docs/rules/missing-flush-dcache-page.md
 */
import type { Edge } from '../cfg/graph';
import { buildPageModel, callsPageWriter, skipsOwnPagesLoop } from '../analysis/dcache/pageModel';
import type { PageAction, PageModel } from '../analysis/dcache/pageModel';
import { needsFlush } from '../analysis/dcache/pageOrigin';
import {
  ESCAPED,
  PENDING,
  PUBLISHED,
  STATE_BITS,
  UNFLUSHED,
  pageTransitions,
  publishes,
  arraysBehind,
  skipsLoopOverWritten,
  writtenPages,
} from '../analysis/dcache/pageState';
import { pageStory } from '../analysis/dcache/pageSteps';
import { findBadPath } from '../analysis/core/pathSearch';
import { Conditions } from '../analysis/core/conditions';
import { nonAliasingBuild, nullTest, slabTests } from '../analysis/dcache/conditions';
import { SLAB_TEST_CALL } from '../knowledge/shared';
import type { Event } from '../analysis/core/events';
import { pageKey } from '../analysis/core/facts';
import * as K from '../knowledge/dcache';
import { wordTest } from '../knowledge/table';
import { acrossVersions } from '../knowledge/versions';
import { originStep } from '../analysis/core/origin';
import type { Premise } from '../analysis/core/origin';
import {
  endOfFunctionStep,
  insertStatementFix,
  stepLine,
  stepsInWords,
} from '../analysis/core/steps';
import {
  contractReport,
  flushContractBreach,
  reliedOnHelper,
} from '../analysis/dcache/flushContract';
import { mayEndParkedMapping } from '../analysis/dcache/earlierWrites';
import { skipsSegmentLoopOverWritten } from '../analysis/dcache/segmentLoop';
import { callsTreePageWriterIn } from '../analysis/dcache/treeRelevance';
import type { Finding, Rule, RuleContext } from './types';
import { ringPremise } from '../analysis/dcache/userRing';

/** Words without which a function maps and writes no page: every mapping API of the table. */
const RELEVANT = wordTest(
  acrossVersions(() => [
    ...K.MAP_BY_PAGE.keys(),
    ...K.LINEAR_ADDRESS,
    ...K.MAP_BY_BVEC,
    ...K.UNFLUSHED_PAGE_WRITE.keys(),
    K.SG_MITER_NEXT,
    ...K.BVEC_ITERATOR.keys(),
  ]),
  ['b_data'],
);

/** The helpers the table says flush for their callers: their definitions keep the flush. */
const CONTRACT = wordTest(acrossVersions(() => [...K.FLUSH_CONTRACT.keys()]));

const RING_FILE = [
  wordTest(K.PUBLISH_PAGE),
  wordTest(['flush_dcache_page', 'flush_dcache_folio', 'flush_kernel_vmap_range']),
];

export const rule: Rule = {
  meta: {
    id: 'missing-flush-dcache-page',
    description:
      'A page written through a kernel mapping reaches the end of the function without flush_dcache_page() on some path.',
    defaultSeverity: 'warning',
  },
  // A file that maps pages into user space and flushes them by address may keep a user-mapped
  // ring (analysis/dcache/userRing.ts): its functions are judged by the structures they touch.
  // A function that hands a page to a callee (same file, or the tree's) that maps and writes it.
  relevant: (text, file) =>
    RELEVANT.test(text) ||
    CONTRACT.test(text) ||
    (file !== undefined && reliedOnHelper(/(\w+)\s*\(/.exec(text)?.[1] ?? '', file)) ||
    (file !== undefined && mayEndParkedMapping(text, file)) ||
    (file
      ? file.mentionsRing(text) || callsPageWriter(text, file)
      : RING_FILE.every((w) => w.test(text))),
  relevantInTree: callsTreePageWriterIn,
  check(ctx) {
    const findings: Finding[] = [];
    const breach = flushContractBreach(ctx.facts, ctx.file);
    if (breach) {
      const report = contractReport(breach, ctx.facts, ctx.file, ctx.source);
      findings.push({
        rule: rule.meta.id,
        severity: rule.meta.defaultSeverity,
        function: ctx.facts.name,
        ...report,
      });
    }
    const model = buildPageModel(ctx.facts, ctx.file);
    for (const page of writtenPages(model)) {
      const premise: { value?: Premise } = {};
      if (!needsFlush(page, model, ctx.facts, ctx.file, premise)) continue;
      const finding = checkPage(
        page,
        model,
        ctx,
        ringPremise(page, ctx.file, ctx.facts.cfg.node) ?? premise.value,
      );
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

function checkPage(
  page: string,
  model: PageModel,
  ctx: RuleContext,
  premise: Premise = { kind: 'unknown', name: page, node: ctx.facts.cfg.node },
): Finding | undefined {
  const hasPublish = publishes(model, page, ctx.facts.canon);
  const behind = arraysBehind(page, ctx.facts);
  const apply = pageTransitions(page, model, ctx.facts);
  const extra = [...model.actions.values()].flatMap((l) =>
    l.flatMap((a) => (a.kind === 'write' && a.page === page && a.onlyIf ? [a.onlyIf.key] : [])),
  );
  const conds = new Conditions(ctx.facts, STATE_BITS, { always: SLAB_TEST_CALL, extra });
  // A write a callee does only under its flag (`if (rw == READ)`) happens on the paths where the
  // flag has that truth; while nothing is pending, the path is taken to be one of those.
  const onlyIfWrite = (s: number, a: PageAction): number => {
    if (a.kind !== 'write' || !a.onlyIf || a.page !== page || (s & UNFLUSHED) !== 0)
      return apply(s, a);
    const assumed = conds.assume(s, a.onlyIf.key, a.onlyIf.holds);
    return assumed === undefined ? s : apply(assumed, a);
  };
  const step = (state: number, e: Event): number =>
    (model.actions.get(e) ?? []).reduce(
      onlyIfWrite,
      e.kind === 'assign' ? conds.onAssign(state, e.lhsKey) : state,
    );
  // User space never maps a slab page: a path on which `PageSlab(page)` held needs no flush.
  const slab = slabTests(conds.keys, ctx.facts.canon, page);
  const witness = findBadPath(ctx.facts, {
    initial: 0,
    step,
    // Once written the page is mapped, so `if (!page)` / `if (kaddr)` cannot go the null way.
    // A build without ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE has no aliasing to flush for.
    feasible: (s, edge) =>
      (s & UNFLUSHED) === 0 ||
      (!pageIsNull(edge, page, model, ctx) &&
        !nonAliasingBuild(edge) &&
        !skipsOwnPagesLoop(edge) &&
        !skipsSegmentLoopOverWritten(edge, page, ctx.facts) &&
        !skipsLoopOverWritten(edge, page, behind)),
    // A copy that failed wrote nothing the function keeps: it drops or retries the page.
    onEdge: (s, edge) => conds.onEdge(model.failedOn(edge).includes(page) ? s & ~PENDING : s, edge),
    bad: (s) =>
      (s & UNFLUSHED) !== 0 &&
      (s & ESCAPED) === 0 &&
      ((s & PUBLISHED) !== 0 || !hasPublish) &&
      !slab.some((k) => conds.value(s, k) === true),
  });
  if (!witness) return undefined;

  const info = model.pages.get(page);
  const display = info?.display ?? page;
  const flushName = info?.folio ? 'flush_dcache_folio' : 'flush_dcache_page';
  const { source, facts } = ctx;
  const story = pageStory(witness, page, model, facts, source, apply, { display, flushName });
  if (!story) return undefined;
  const { steps, write, lastUnmap, lastReturn } = story;
  steps.unshift(originStep(premise));
  if (!lastReturn)
    steps.push(endOfFunctionStep(facts.cfg.node, facts.name, `${display} still not flushed`));
  else steps[steps.length - 1]!.note += ` with ${display} not flushed`;
  const anchor = lastUnmap ?? lastReturn;
  const writeLine = write.node.startPosition.row + 1;
  const unmapLine = stepLine(steps, 'unmap', 'last');
  const told = stepsInWords([
    ['mapped', stepLine(steps, 'map')],
    [write.earlier ? `${write.earlier}, taken from its field` : 'written', writeLine],
    ['unmapped', unmapLine !== undefined && unmapLine >= writeLine ? unmapLine : undefined],
  ]);
  const end = stepLine(steps, 'return', 'last');
  const ends = lastReturn ? `returns at L${end}` : `ends at L${end}`;
  const fixText = `${flushName}(${display});`;
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: write.node.startIndex,
    end: write.node.endIndex,
    function: facts.name,
    message: `${display} is ${told}, and ${facts.name}() ${ends} without ${flushName}(${display}); on an aliasing D-cache a user mapping of the page can read stale data`,
    path: steps,
    fixes: [
      insertStatementFix(
        source,
        facts.cfg.node,
        anchor,
        anchor === lastUnmap ? 'after' : 'before',
        fixText,
        `Insert ${fixText}`,
      ),
    ],
  };
}

/** Which names an edge's null test reads, and whether they are null on the edge. */
interface NullSide {
  names: (string | undefined)[];
  isNull: boolean;
}

/** Per function: the search asks for every edge, page and state, so each edge is read once. */
const nullSides = new WeakMap<PageModel, Map<Edge, NullSide | null>>();

/** Whether `edge` goes the way `page` (or an address of it) is null: `if (!page)`, `if (kaddr)`. */
function pageIsNull(edge: Edge, page: string, model: PageModel, ctx: RuleContext): boolean {
  let byEdge = nullSides.get(model);
  if (!byEdge) nullSides.set(model, (byEdge = new Map<Edge, NullSide | null>()));
  let side = byEdge.get(edge);
  if (side === undefined) {
    const t = nullTest(edge);
    side = t
      ? {
          names: [ctx.facts.canon(pageKey(t.pointer)), model.addressOf(t.pointer)?.page],
          isNull: t.isNull,
        }
      : null;
    byEdge.set(edge, side);
  }
  return side !== null && side.isNull && side.names.includes(page);
}

/**
 * missing-flush-dcache-page: the kernel wrote a page through a kernel mapping (kmap*, the linear
 * map, a buffer head) and some path reaches the end of the function without
 * flush_dcache_page()/flush_dcache_folio() for it. On aliasing D-caches the dirty lines sit under
 * the kernel alias's colour, and a user mapping of another colour reads stale memory
 * (Documentation/core-api/cachetlb.rst, "flush_dcache_page"). docs/rules/missing-flush-dcache-page.md
 */
import type { Node } from '../parsing/parser';
import { exprKey, stripExpr } from '../parsing/nodeText';
import { buildPageModel } from '../analysis/dcache/pageModel';
import type { PageAction, PageModel } from '../analysis/dcache/pageModel';
import { findBadPath } from '../analysis/core/pathSearch';
import { Conditions } from '../analysis/core/conditions';
import type { Event } from '../analysis/core/events';
import { normKey } from '../analysis/core/events';
import type { FunctionFacts } from '../analysis/core/facts';
import type { FileSummaries } from '../analysis/dcache/summaries';
import { pageKey } from '../analysis/core/facts';
import type { Edge } from '../cfg/graph';
import * as K from '../knowledge/dcache';
import { treeOrigin } from '../xref/origin';
import { wordTest } from '../knowledge/table';
import { acrossVersions } from '../knowledge/versions';
import { originStep } from '../analysis/core/origin';
import type { Premise } from '../analysis/core/origin';
import {
  describeEdge,
  endOfFunctionStep,
  headOf,
  insertStatementFix,
  stepAt,
  stepLine,
  stepsInWords,
} from '../analysis/core/steps';
import type { Finding, PathStep, Rule, RuleContext } from './types';

const PENDING = 1;
const PUBLISHED = 2;
const ESCAPED = 4;
/** Written, then its name was given another page: only a flush of every page can cover it now. */
const LOST = 8;
const UNFLUSHED = PENDING | LOST;
/** Bits 4-6: which of (up to three) names of the page still hold the written page. */
const HOLD_SHIFT = 4;
const MAX_NAMES = 3;
const holdBit = (i: number): number => 1 << (HOLD_SHIFT + i);
/** The first state bit left for correlated conditions. */
const STATE_BITS = HOLD_SHIFT + MAX_NAMES;

/** Words without which a function maps and writes no page: every mapping API of the table. */
const RELEVANT = wordTest(
  acrossVersions(() => [
    ...K.MAP_BY_PAGE.keys(),
    ...K.LINEAR_ADDRESS,
    ...K.MAP_BY_BVEC,
    ...K.UNFLUSHED_PAGE_WRITE.keys(),
    K.SG_MITER_NEXT,
  ]),
  ['b_data'],
);

export const rule: Rule = {
  meta: {
    id: 'missing-flush-dcache-page',
    description:
      'A page written through a kernel mapping reaches the end of the function without flush_dcache_page() on some path.',
    defaultSeverity: 'warning',
  },
  relevant: (text) => RELEVANT.test(text),
  check(ctx) {
    const model = buildPageModel(ctx.facts, ctx.file);
    const findings: Finding[] = [];
    for (const page of writtenPages(model)) {
      const premise: { value?: Premise } = {};
      if (!needsFlush(page, model, ctx, premise)) continue;
      const finding = checkPage(page, model, ctx, premise.value);
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

function writtenPages(model: PageModel): string[] {
  const pages = new Set<string>();
  for (const list of model.actions.values())
    for (const a of list) if (a.kind === 'write') pages.add(a.page);
  return [...pages];
}

type Origin = 'visible' | 'private' | 'param' | 'unknown';

/**
 * Where the page came from: only pages user space can map need the flush. `why` collects the
 * tree index's evidence when it decided.
 */
function originOf(
  page: string,
  facts: FunctionFacts,
  file: FileSummaries,
  why: string[] = [],
  premise: { value?: Premise } = {},
): Origin {
  if (integrityVector(page, facts, file)) return 'private';
  const fn = facts.cfg.node;
  if (/(?:^|\.)bv_page\b|^sg_page\(|^miter:|(?:^|\.)b_page$/.test(page)) {
    premise.value = /b_page$/.test(page)
      ? { kind: 'field', expr: page, node: fn }
      : { kind: 'bio', node: fn, what: `\`${page}\`` };
    return 'visible';
  }
  const root = page.split('.')[0] ?? '';
  let origin: Origin = facts.params.includes(root) ? 'param' : 'unknown';
  premise.value =
    origin === 'param'
      ? { kind: 'parameter', name: root, node: fn }
      : { kind: 'unknown', name: page, node: fn };
  let published = false;
  for (const e of facts.all) {
    if (
      e.kind === 'call' &&
      K.PUBLISH_PAGE.has(e.name) &&
      e.args.some((a) => facts.canon(a.text.replace(/\s+/g, '')) === page)
    ) {
      published = true;
      premise.value = { kind: 'published', api: e.name, node: e.node };
    }
    if (e.kind !== 'assign' || !e.rhs || facts.canon(e.lhsKey) !== page) continue;
    const callee = calleeOfValue(e.rhs);
    // `page = wqueue->notes[i]`: a page kept in a field is what the file stores there.
    const field =
      callee === '' ? /(?:\.)(\w+)(?:\[[^\]]*\])?$/.exec(normKey(exprKey(e.rhs)))?.[1] : undefined;
    const kept = field ? file.fieldOrigin(field) : undefined;
    if (kept === 'private') origin = 'private';
    else if (kept === 'visible' && origin !== 'private') origin = 'visible';
    // A directory or b-tree page getter (`dir_get_page`) hands out metadata pages.
    const returned = !file.isDefined(callee)
      ? undefined
      : METADATA_FUNCTION.test(callee)
        ? 'private'
        : file.returnOrigin(callee);
    // The tree index: a field only ever given private pages, an internal inode's mapping.
    const hint = file.tree && treeOrigin(e.rhs, facts.cfg.node, file.tree.tree);
    if (hint?.value === 'private') why.push(hint.evidence);
    if (hint?.value === 'private' && origin !== 'visible') origin = 'private';
    if (kept === 'visible') premise.value = { kind: 'field', expr: page, node: e.node };
    if (K.PRIVATE_PAGE_SOURCE.has(callee) || returned === 'private') origin = 'private';
    else if (
      (K.VISIBLE_PAGE_SOURCE.has(callee) || returned === 'visible') &&
      origin !== 'private'
    ) {
      origin = 'visible';
      if (!published) premise.value = { kind: 'api', api: callee, node: e.node };
    }
  }
  return origin === 'private' && published ? 'visible' : origin;
}

/** `bv.bv_page` where `bip_for_each_vec(bv, bip, iter)` walks a block-integrity payload. */
function integrityVector(page: string, facts: FunctionFacts, file: FileSummaries): boolean {
  if (/^bip\.bip_vec|\.bip_vec\b/.test(page)) return true;
  const bvec = /^(\w+)\.bv_page$/.exec(page)?.[1];
  if (!bvec) return false;
  // `struct bio_vec biv = bvec_iter_bvec(bip->bip_vec, bip->bip_iter)`
  const fromPayload = facts.all.some(
    (e) => e.kind === 'assign' && e.lhsKey === bvec && /\bbip_vec\b/.test(e.rhs?.text ?? ''),
  );
  if (fromPayload) return true;
  for (const loop of facts.iterators.values()) {
    if (!K.PRIVATE_BVEC_ITERATOR.has(loop.macro)) continue;
    const first = file
      .text(loop.argsOpen + 1, loop.argsClose)
      .split(',')[0]
      ?.trim();
    if (first === bvec) return true;
  }
  return false;
}

function calleeOfValue(n: Node): string {
  n = stripExpr(n);
  return n.type === 'call_expression' ? (n.childForFieldName('function')?.text ?? '') : '';
}

/**
 * Pages of directories, symlinks, b-trees and xattrs live in the page cache but user space
 * cannot mmap them, so their writes need no flush; such functions say so in their names.
 */
const METADATA_FUNCTION =
  /(?:^|_)(?:dir|dirent|readdir|dentry|bnode|btree|bmap|brec|xattr|symlink|make_empty|dir_el|inline_dir|extent_buffer|cpfile|sufile|ifile|mdt)(?:_|$)|dir$/;

/** The kernel's own helpers (memcpy_page, zero_user_segments...) leave the flush to callers by design. */
function isKnownHelper(name: string): boolean {
  return (
    K.UNFLUSHED_PAGE_WRITE.has(name) ||
    K.FLUSH.has(name) ||
    K.WRITES_ARGUMENT.has(name) ||
    /highpage\w*$|^(?:memcpy|memset|memzero|copy)_(?:to_|from_)?(?:page|folio|bvec)s?$/.test(name)
  );
}

function needsFlush(
  page: string,
  model: PageModel,
  ctx: RuleContext,
  premise: { value?: Premise } = {},
): boolean {
  const why: string[] = [];
  let origin = originOf(page, ctx.facts, ctx.file, why, premise);
  if (origin === 'private' && why[0])
    ctx.file.notes.push({
      function: ctx.facts.name,
      offset: ctx.facts.cfg.node.startIndex,
      note: `index: ${page} is private: ${why[0]}`,
    });
  if (
    origin === 'private' ||
    METADATA_FUNCTION.test(ctx.facts.name) ||
    isKnownHelper(ctx.facts.name)
  )
    return false;
  if (
    (origin === 'unknown' || origin === 'param') &&
    page.includes('.') &&
    !/\.b_page$/.test(page)
  ) {
    // A page kept in a structure: trust what the file stores into that field.
    const field = /(\w+)(?:\[[^\]]*\])?$/.exec(page)?.[1] ?? '';
    if (ctx.file.fieldOrigin(field) !== 'visible') return false;
    origin = 'visible';
    premise.value = { kind: 'field', expr: page, node: ctx.facts.cfg.node };
  }
  const vias = new Set<string>();
  for (const list of model.actions.values())
    for (const a of list) if (a.kind === 'write' && a.page === page) vias.add(a.via);
  const onlyLinear = [...vias].every((v) => v === 'linear' || v === 'bh' || v === 'page-write');
  if (onlyLinear) {
    // Without kmap the write is only suspect on a page-cache page (a buffer head of file data,
    // recognised by the file size being updated, or a page from a page-cache lookup).
    // File data copied in, not metadata fields updated: a memcpy-like write plus a size update.
    if (vias.has('bh')) {
      const copies = [...model.actions.entries()].some(
        ([e, l]) =>
          e.kind === 'call' &&
          K.WRITES_ARGUMENT.has(e.name) &&
          l.some((a) => a.kind === 'write' && a.page === page),
      );
      // A quota file is file data too: quotactl tools read it (fs/*/super.c *_quota_write).
      const fileData =
        /quota_write$/.test(ctx.facts.name) ||
        ctx.facts.all.some((e) => e.kind === 'call' && K.FILE_SIZE_UPDATE.has(e.name));
      return copies && fileData;
    }
    return origin === 'visible';
  }
  // A page the caller passes in is the caller's to flush when a same-file caller does so.
  if (origin === 'param') {
    const root = /^\w+/.exec(page)?.[0] ?? '';
    if (
      ctx.file.callerFlushes(
        ctx.facts.name,
        ctx.facts.params.indexOf(root),
        page.slice(root.length),
      )
    )
      return false;
  }
  return true;
}

function checkPage(
  page: string,
  model: PageModel,
  ctx: RuleContext,
  premise: Premise = { kind: 'unknown', name: page, node: ctx.facts.cfg.node },
): Finding | undefined {
  const hasPublish = [...model.actions.values()].some((l) =>
    l.some((a) => a.kind === 'publish' && a.page === page),
  );
  const names = namesOf(page, model, ctx.facts);
  const ALL_HOLDS = ((1 << names.length) - 1) << HOLD_SHIFT;
  const apply = (state: number, a: PageAction): number => {
    switch (a.kind) {
      case 'write':
        return a.page === page ? state | PENDING | ALL_HOLDS : state;
      case 'flush': {
        if (a.page === null) return state & ~UNFLUSHED;
        if (!flushCovers(a.page, page)) return state;
        // Flushed through a name that no longer holds the written page: another page.
        const i = a.name === undefined ? -1 : names.indexOf(a.name);
        return i < 0 || (state & holdBit(i)) !== 0 ? state & ~PENDING : state;
      }
      case 'rename': {
        let next = state;
        names.forEach((n, i) => {
          if (n !== a.lhs && !n.startsWith(`${a.lhs}.`) && !n.startsWith(`${a.lhs}[`)) return;
          const from = a.rhs === null ? -1 : names.indexOf(a.rhs);
          next =
            from >= 0 && (state & holdBit(from)) !== 0 ? next | holdBit(i) : next & ~holdBit(i);
        });
        // No name holds the written page any more: only a flush of every page can reach it.
        const lost = (next & PENDING) !== 0 && names.length > 0 && (next & ALL_HOLDS) === 0;
        return lost ? (next & ~PENDING) | LOST : next;
      }
      case 'unpublish':
        return a.page === page ? state & ~(PENDING | PUBLISHED) : state;
      case 'publish':
        return a.page === page ? state | PUBLISHED : state;
      case 'escape':
        return a.page === page ? state | ESCAPED : state;
      case 'map':
      case 'unmap':
        return state;
    }
  };
  const conds = new Conditions(ctx.facts, STATE_BITS);
  const step = (state: number, e: Event): number =>
    (model.actions.get(e) ?? []).reduce(
      apply,
      e.kind === 'assign' ? conds.onAssign(state, e.lhsKey) : state,
    );
  // User space never maps a slab page: a path on which `PageSlab(page)` held needs no flush.
  const slab = conds.keys.filter(
    (k) =>
      /^(?:PageSlab|folio_test_slab)\(/.test(k) &&
      ctx.facts.canon(k.slice(k.indexOf('(') + 1, -1)) === page,
  );
  const witness = findBadPath(ctx.facts, {
    initial: 0,
    step,
    // Once written the page is mapped, so `if (!page)` / `if (kaddr)` cannot go the null way.
    // A build without ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE has no aliasing to flush for.
    feasible: (s, edge) =>
      (s & UNFLUSHED) === 0 ||
      (nullTestOutcome(edge, page, model, ctx) !== 'null' && !nonAliasingBuild(edge)),
    onEdge: (s, edge) => conds.onEdge(s, edge),
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
  let steps: PathStep[] = [];
  let write: PageAction | undefined;
  let lastUnmap: Node | undefined;
  let lastReturn: Node | undefined;
  let state = 0;
  witness.blocks.forEach((block, i) => {
    for (const e of facts.events.get(block.id) ?? []) {
      if (e.kind === 'return') {
        lastReturn = e.node;
        steps.push(stepAt(e.node, 'return', `returns from ${facts.name}()`));
      }
      for (const a of model.actions.get(e) ?? []) {
        const before = state;
        state = apply(state, a);
        if (a.kind === 'map' && a.page === page) {
          steps.push(stepAt(a.node, 'map', `${display} mapped by ${a.api}()`));
        } else if (a.kind === 'write' && a.page === page) {
          if ((before & PENDING) === 0) write = a;
          // An address from bvec_kmap_local(), page_address() or a helper that maps internally
          // (memcpy_page) has no map action of its own: its origin is the mapping step.
          if (a.mappedBy && !steps.some((s) => s.kind === 'map'))
            steps.push(stepAt(a.mappedBy.node, 'map', `${display} mapped by ${a.mappedBy.api}()`));
          const step = stepAt(
            a.node,
            'write',
            `written through the mapping by ${writerText(a.node, source)}`,
          );
          if (a.size !== undefined) step.size = a.size;
          steps.push(step);
        } else if (a.kind === 'rename' && (state & LOST) !== 0 && (before & LOST) === 0) {
          steps.push(
            stepAt(
              a.node,
              'call',
              `\`${headOf(source, a.node)}\`: ${display} now names another page`,
            ),
          );
        } else if (a.kind === 'flush' && (before & UNFLUSHED) !== 0 && (state & UNFLUSHED) === 0) {
          steps = steps.filter((s) => s.kind === 'map');
          write = undefined;
        } else if (a.kind === 'unmap' && (a.page === page || a.page === null)) {
          lastUnmap = a.node;
          const missing = (state & UNFLUSHED) !== 0 ? ` without ${flushName}(${display})` : '';
          steps.push(stepAt(a.node, 'unmap', `unmapped by ${a.api}()${missing}`));
        } else if (a.kind === 'publish' && a.page === page) {
          steps.push(stepAt(a.node, 'publish', `marked up to date: readers may map it now`));
        }
      }
    }
    const edge = witness.edges[i];
    if (edge && steps.length > 0) {
      const branch = describeEdge(edge, source);
      if (branch) steps.push(stepAt(branch.node, 'branch', branch.note));
    }
  });
  if (!write) return undefined;
  steps.unshift(originStep(premise));
  if (!lastReturn)
    steps.push(endOfFunctionStep(facts.cfg.node, facts.name, `${display} still not flushed`));
  else steps[steps.length - 1]!.note += ` with ${display} not flushed`;
  const anchor = lastUnmap ?? lastReturn;
  const writeLine = write.node.startPosition.row + 1;
  const unmapLine = stepLine(steps, 'unmap', 'last');
  const story = stepsInWords([
    ['mapped', stepLine(steps, 'map')],
    ['written', writeLine],
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
    message: `${display} is ${story}, and ${facts.name}() ${ends} without ${flushName}(${display}); on an aliasing D-cache a user mapping of the page can read stale data`,
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

/**
 * The names a function gives the page (`page`, `kmapped_page`, `bv.bv_page`), as assigned or
 * flushed; the rule follows up to three of them through assignments.
 */
function namesOf(page: string, model: PageModel, facts: FunctionFacts): string[] {
  const names = new Set<string>();
  for (const list of model.actions.values()) {
    for (const a of list) {
      const name = a.kind === 'rename' ? a.lhs : a.kind === 'flush' ? a.name : undefined;
      if (name !== undefined && facts.canon(name) === page) names.add(name);
    }
  }
  return [...names].slice(0, MAX_NAMES);
}

/**
 * Whether a flush of `flushed` may cover `page`. A flush of no particular page (an arch-wide
 * flush, a callee that flushes) covers all; a flush of an expression that is not a plain name
 * (`virt_to_page(buf + off)`) may be any page; two different plain names (`src` and `dst`,
 * `pages[0]` and `pages[i]`) are different pages.
 */
function flushCovers(flushed: string | null, page: string): boolean {
  return (
    flushed === null || flushed === page || !PLAIN_PAGE.test(flushed) || !PLAIN_PAGE.test(page)
  );
}

const PLAIN_PAGE = /^[A-Za-z_]\w*(?:\.\w+|\[[^[\]()]*\])*$/;

/** The `#else` side of `#if ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE`, where flush_dcache_page is a no-op. */
function nonAliasingBuild(edge: Edge): boolean {
  if (edge.kind === 'preproc-else') return NON_ALIASING_IF.test(edge.via?.text ?? '');
  // `if (ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE) flush...` in C (crypto/scatterwalk.c): the false side
  // is a build where the flush is a no-op.
  if (edge.kind !== 'false' || edge.via?.type !== 'if_statement') return false;
  const cond = edge.via.childForFieldName('condition')?.text.replace(/[()\s]/g, '');
  return cond === 'ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE';
}

const NON_ALIASING_IF =
  /^#\s*if(?:def\s+|\s+(?:defined\s*\(?\s*)?)ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE\b/;

/** For an edge out of `if (x)`, `if (!x)`, `if (x == NULL)`...: does it go the way x is null? */
function nullTestOutcome(
  edge: Edge,
  page: string,
  model: PageModel,
  ctx: RuleContext,
): 'null' | 'non-null' | undefined {
  if ((edge.kind !== 'true' && edge.kind !== 'false') || edge.via?.type !== 'if_statement')
    return undefined;
  const cond = edge.via.childForFieldName('condition');
  if (!cond) return undefined;
  let n = stripExpr(cond);
  let negated = false;
  for (let guard = 0; guard < 4; guard++) {
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '!') {
      negated = !negated;
      n = stripExpr(n.childForFieldName('argument') ?? n);
    } else if (
      n.type === 'binary_expression' &&
      /^(NULL|0)$/.test(n.childForFieldName('right')?.text ?? '')
    ) {
      const op = n.childForFieldName('operator')?.type;
      if (op !== '==' && op !== '!=') return undefined;
      if (op === '==') negated = !negated;
      n = stripExpr(n.childForFieldName('left') ?? n);
    } else break;
  }
  const names = ctx.facts.canon(pageKey(n)) === page || model.addressOf(n)?.page === page;
  if (!names) return undefined;
  const trueMeansNull = negated;
  return (edge.kind === 'true') === trueMeansNull ? 'null' : 'non-null';
}

function writerText(node: Node, source: string): string {
  if (node.type === 'call_expression')
    return `${node.childForFieldName('function')?.text ?? 'a call'}()`;
  // Cut before normalising: a store can be a megabyte-long expression in generated code.
  const text = source
    .slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 200))
    .replace(/\s+/g, ' ');
  return `\`${text.length > 40 ? text.slice(0, 37) + '...' : text}\``;
}

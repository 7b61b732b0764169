/**
 * missing-flush-before-kernel-read: the kernel reads a page-cache page (copy_folio_to_iter,
 * memcpy_from_page, a memcpy/memcmp from its kmap) and no flush_dcache_page()/flush_dcache_folio()
 * of it runs on the path before. User space may have written the page through a shared writable
 * mapping; on an aliasing D-cache its stores sit in dirty lines of the user's colour and the
 * kernel's alias reads stale memory (Documentation/core-api/cachetlb.rst, flush_dcache_page,
 * case (b)). Pages of unknown origin are left alone. docs/rules/missing-flush-before-kernel-read.md
 */
import { buildPageModel } from '../analysis/dcache/pageModel';
import type { PageModel } from '../analysis/dcache/pageModel';
import type { PageRead } from '../analysis/dcache/pageCache';
import { flushOf, pageCacheNames, readOf, writablyMappedTests } from '../analysis/dcache/pageCache';
import { uptodate, writablyMapped } from '../analysis/dcache/conditions';
import { findBadPath } from '../analysis/core/pathSearch';
import { Conditions } from '../analysis/core/conditions';
import type { Event } from '../analysis/core/events';
import type { Node } from '../parsing/parser';
import { endOfFunctionStep, insertStatementFix, stepAt } from '../analysis/core/steps';
import { replayWitness, witnessSteps } from '../analysis/core/witness';
import * as K from '../knowledge/dcache';
import { wordTest } from '../knowledge/table';
import { acrossVersions } from '../knowledge/versions';
import { originStep } from '../analysis/core/origin';
import { subsystemContract } from '../analysis/dcache/ownership';
import { callsSameFileFlusher, ioReadSide } from '../analysis/dcache/ioReadSide';
import type { IoReadSide } from '../analysis/dcache/ioReadSide';
import { ringReads } from '../analysis/dcache/ringReads';
import { unflushedUserPageAccesses } from '../analysis/dcache/userPageAccess';
import type { UserPageAccess } from '../analysis/dcache/userPageAccess';
import { testedMappingPages } from '../analysis/dcache/testedMapping';
import { skipsSegmentLoopOverWritten } from '../analysis/dcache/segmentLoop';
import type { Finding, Rule, RuleContext } from './types';

const FLUSHED = 1;
/** The path went the way that says no user mapping of the file is shared and writable. */
const NOT_SHARED = 2;
const READ_STALE = 4;
const STATE_BITS = 3;

// Any word ending in `write_begin`; `\w*write_begin` inside the word test means the same but
// tried `\w*` at every word of every file (the slowest test of a whole-tree run).
const LOOKUP_WORDS = new RegExp(
  `${wordTest(acrossVersions(() => K.PAGE_CACHE_LOOKUP)).source}|write_begin\\b`,
);
const FLUSH_WORD = /\bflush_dcache_(?:page|folio)\b/;
const ACCESS_WORD = wordTest(acrossVersions(() => [...K.USER_PAGE_ACCESS.keys()]));
const READ_WORDS = wordTest(
  acrossVersions(() => [
    ...K.READS_PAGE.keys(),
    ...K.READS_MEMORY.keys(),
    ...[...K.UNFLUSHED_PAGE_WRITE.keys()].filter((n) => K.copyFailsWhen(n) === 'zero'),
  ]),
);

export const rule: Rule = {
  meta: {
    id: 'missing-flush-before-kernel-read',
    description:
      'A page-cache page that user space may have written through a shared mapping is read by the kernel with no flush_dcache_page()/flush_dcache_folio() before the read.',
    defaultSeverity: 'info',
  },
  relevant: (text, file) =>
    READ_WORDS.test(text) ||
    FLUSH_WORD.test(text) ||
    ACCESS_WORD.test(text) ||
    (file !== undefined && (file.mentionsRing(text) || callsSameFileFlusher(text, file))),
  // Without a page-cache lookup anywhere in the file no page is one (pageCacheNames), and
  // without a flush no page is one the file shows user-visible (ioReadSide): the file is not
  // worth parsing, whatever it reads (most of the tree memcpy()s).
  fileRelevant: (text) =>
    (LOOKUP_WORDS.test(text) ? READ_WORDS.test(text) : FLUSH_WORD.test(text)) ||
    ACCESS_WORD.test(text),
  check(ctx) {
    const findings = [
      ...readFindings(ctx),
      ...unflushedUserPageAccesses(ctx.facts).map((a) => accessFinding(a, ctx)),
    ];
    // A file whose subsystem keeps its pages out of user space's reach (verity metadata).
    const contract = findings.length > 0 ? subsystemContract(ctx.file) : undefined;
    if (contract) {
      const at = ctx.facts.cfg.node.startIndex;
      ctx.file.notes.push({ function: ctx.facts.name, offset: at, note: contract });
      return [];
    }
    return findings;
  },
};

function readFindings(ctx: RuleContext): Finding[] {
  // A same-file helper that returns what a page-cache lookup gave it (`dedupe_get_folio`).
  const fileLooksUp = LOOKUP_WORDS.test(ctx.source);
  const names = pageCacheNames(
    ctx.facts,
    (name) => fileLooksUp && ctx.file.isDefined(name) && ctx.file.returnOrigin(name) === 'visible',
    ctx.file.tree?.tree,
  );
  for (const [k, v] of testedMappingPages(ctx.facts)) if (!names.has(k)) names.set(k, v);
  // Loads of a user-mapped ring's structures (analysis/dcache/ringReads.ts).
  const ring = ringReads(
    ctx.facts,
    ctx.file.ringRoots(ctx.facts.cfg.node),
    ctx.file.ringPageLookups(),
  );
  const model =
    FLUSH_WORD.test(ctx.facts.cfg.node.text) ||
    names.size > 0 ||
    ring.reads.size > 0 ||
    callsSameFileFlusher(ctx.facts.cfg.node.text, ctx.file)
      ? buildPageModel(ctx.facts, ctx.file)
      : undefined;
  const io = model && ioReadSide(ctx.facts, model, ctx.file, ctx.facts.cfg.node.text);
  // Pages shown user-visible only by the function's own flush count through ioReadSide's
  // reads; the page-cache reads (a partial copy's merge) stay with page-cache pages.
  const cached = new Map(names);
  for (const [k, v] of io?.names ?? []) if (!names.has(k)) names.set(k, v);
  if (ring.reads.size > 0) for (const [k, v] of ring.names) if (!names.has(k)) names.set(k, v);
  if (!model || names.size === 0) return [];
  const display = (page: string): { text: string; folio: boolean } | undefined => {
    const info = model.pages.get(page);
    return info && { text: info.display, folio: info.folio };
  };
  const addressOf = (n: Parameters<PageModel['addressOf']>[0]): { page: string } | undefined =>
    model.addressOf(n);
  const reads = new Map<Event, PageRead[]>();
  for (const e of ctx.facts.all) {
    const r = [
      ...readOf(e, ctx.facts, cached, addressOf, display),
      ...(io?.reads.get(e) ?? []),
      ...(ring.reads.get(e) ?? []),
    ];
    if (r.length > 0) reads.set(e, r);
  }
  const groups = new Set([...reads.values()].flatMap((l) => l.map((r) => r.group)));
  const findings: Finding[] = [];
  for (const group of groups) {
    const f = checkGroup(group, reads, names, addressOf, ctx, io);
    if (f) findings.push(f);
  }
  return findings;
}

/** A user page announced for a kernel read (flush_anon_page) and left without its flush. */
function accessFinding(a: UserPageAccess, ctx: RuleContext): Finding {
  const { facts, source } = ctx;
  const page = a.page.text;
  const api = a.call.name;
  const end = a.exit
    ? stepAt(a.exit, 'read', `returns; the kernel then reads ${page} through its own mapping`)
    : endOfFunctionStep(
        facts.cfg.node,
        facts.name,
        `the kernel then reads ${page} through its own mapping`,
      );
  if (!a.exit) end.kind = 'read';
  const fixText = `flush_dcache_page(${page});`;
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: a.call.node.startIndex,
    end: a.call.node.endIndex,
    function: facts.name,
    message: `${page} is a page of a user mapping that ${facts.name}() hands to a kernel read (${api}() at L${a.call.node.startPosition.row + 1}), with no flush_dcache_page(${page}) on some path; ${api}() writes back the user's alias of an anonymous page only, so on an aliasing D-cache the kernel can read stale data (a page-cache page's user stores, or old lines of its own alias)`,
    path: [originStep({ kind: 'api', api, node: a.call.node, what: `\`${page}\`` }), end],
    fixes: [
      insertStatementFix(
        source,
        facts.cfg.node,
        a.call.node,
        'after',
        fixText,
        `Insert ${fixText}`,
      ),
    ],
  };
}

function checkGroup(
  group: string,
  reads: Map<Event, PageRead[]>,
  names: ReturnType<typeof pageCacheNames>,
  addressOf: Parameters<typeof flushOf>[3],
  ctx: RuleContext,
  io?: IoReadSide,
): Finding | undefined {
  const { facts, source } = ctx;
  const vars = writablyMappedTests(facts);
  // A direction tested twice (`if (op == REQ_OP_WRITE)` to read, again to flush) is one path.
  const conds = new Conditions(facts, STATE_BITS);
  const branchFlushes = (ifNode: Node, group: string): boolean => {
    const body = ifNode.childForFieldName('consequence');
    return (
      body !== null &&
      facts.all.some(
        (e) =>
          e.kind === 'call' &&
          K.FLUSH.has(e.name) &&
          e.node.startIndex >= body.startIndex &&
          e.node.endIndex <= body.endIndex &&
          flushOf(e, facts, names, addressOf) === group,
      )
    );
  };
  const step = (before: number, e: Event): number => {
    const s = e.kind === 'assign' ? conds.onAssign(before, e.lhsKey) : before;
    const flushed = flushOf(e, facts, names, addressOf);
    if (flushed === null || flushed === group) return s | FLUSHED;
    if (e.kind === 'call' && K.CLEANS_USER_MAPPINGS.test(e.name)) return s | FLUSHED;
    // A name of the group given another page (the next folio of a batch) is unflushed again.
    if (
      e.kind === 'assign' &&
      e.rhs &&
      names.get(facts.canon(e.lhsKey))?.group === group &&
      (/\[/.test(e.rhs.text) || [...K.PAGE_CACHE_LOOKUP].some((n) => e.rhs!.text.startsWith(n)))
    )
      return s & ~FLUSHED;
    const r = reads.get(e)?.find((x) => x.group === group);
    if (r && (s & (FLUSHED | NOT_SHARED)) === 0) return s | READ_STALE;
    return io?.writes.get(e)?.has(group) ? s | FLUSHED : s;
  };
  const witness = findBadPath(facts, {
    initial: 0,
    step,
    bad: (s) => (s & READ_STALE) !== 0,
    // A request holding the page has a segment: its flush loop runs at least once.
    feasible: (_s, edge) => !skipsSegmentLoopOverWritten(edge, group, facts),
    // Not writably mapped, or not up to date (user space cannot map a folio that is not: the
    // fault reads it first, mm/filemap.c filemap_fault): no user stores to flush there.
    onEdge: (s, edge) => {
      const shared = writablyMapped(edge, vars);
      if ((shared ?? uptodate(edge)) === false) s |= NOT_SHARED;
      // `if (mapping_writably_mapped(m)) for each folio: flush(folio)`: the test's branch flushes
      // the batch, even on a path that would run its loop zero times.
      else if (shared === true && edge.via && branchFlushes(edge.via, group)) s |= FLUSHED;
      return conds.onEdge(s, edge);
    },
  });
  if (!witness) return undefined;

  // The story ends at the read the finding reports: what the path does after it is not shown.
  const trace = replayWitness(facts, witness, { initial: 0, actionsOf: (e) => [e], apply: step });
  const at = trace.findIndex(
    (t) => t.t === 'action' && (t.before & READ_STALE) === 0 && (t.after & READ_STALE) !== 0,
  );
  const stale = trace[at];
  const r = stale?.t === 'action' && reads.get(stale.action)?.find((x) => x.group === group);
  if (stale?.t !== 'action' || !r) return undefined;
  const read = stale.action;
  const origin = [...names.values()].find((o) => o.group === group);
  const shown = io?.names.get(group) === origin ? io?.reads : undefined;
  const what = [...(shown?.values() ?? [])].flat().find((r) => r.group === group)?.text;
  const ringRoot = /^ring:(\w+)$/.exec(group)?.[1];
  const start = [
    originStep(
      ringRoot
        ? { kind: 'ring', name: ringRoot, node: facts.cfg.node }
        : origin && what
          ? { kind: 'flushed-here', what, node: origin.node }
          : origin
            ? { kind: 'api', api: origin.api, node: origin.node }
            : { kind: 'unknown', name: group, node: facts.cfg.node },
    ),
  ];
  const by = read.kind === 'call' ? read.name : 'the kernel';
  const readStep = stepAt(
    read.node,
    'read',
    `read by ${by}() through a kernel mapping, with no flush of ${r.text} before`,
  );
  // Only the last action of the slice is the read; the others make no step of their own.
  const steps = witnessSteps(
    trace.slice(0, at + 1),
    source,
    facts.name,
    (item, steps) => (item === stale ? [...steps, readStep] : steps),
    start,
  );
  const flushName = r.folio ? 'flush_dcache_folio' : 'flush_dcache_page';
  const fixText = `${flushName}(${r.text});`;
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: read.node.startIndex,
    end: read.node.endIndex,
    function: facts.name,
    message: `${r.text} is ${ringRoot ? 'a page of a ring user space maps' : 'a page-cache page'} that user space may have written through a shared mapping, and ${facts.name}() reads it through a kernel mapping with no ${flushName}(${r.text}) before; on an aliasing D-cache the kernel can read stale data`,
    path: steps,
    fixes: [
      insertStatementFix(source, facts.cfg.node, read.node, 'before', fixText, `Insert ${fixText}`),
    ],
  };
}

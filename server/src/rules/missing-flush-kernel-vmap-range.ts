/**
 * missing-flush-kernel-vmap-range: the CPU wrote (or may have written) through a vmap alias and
 * on some path the buffer reaches write I/O without flush_kernel_vmap_range(). The I/O layer only
 * keeps the linear map coherent; dirty lines of the vmap alias stay in the cache while the device
 * reads memory (Documentation/core-api/cachetlb.rst, last section). Also exports the helpers
 * the other vmap rules share. docs/rules/missing-flush-kernel-vmap-range.md
 */
import type { Node } from '../parsing/parser';
import { vmapModel } from '../analysis/vmapModel';
import type { AliasInfo, VmapAction, VmapFunction } from '../analysis/vmapModel';
import { findAliasPath } from '../analysis/vmapWitness';
import type { AliasMachine, TraceItem } from '../analysis/vmapWitness';
import { NOT_VMAP, NOT_WRITE } from '../analysis/vmapPath';
import { BIO_ATTACH, FLUSH_VMAP } from '../analysis/vmapKnowledge';
import { calleeName, stripExpr } from '../parsing/nodeText';
import {
  aliasWords,
  boundAliases,
  createdHere,
  guarded,
  lengthFor,
  outermostLoop,
  vmapRelevant,
} from '../analysis/vmapQueries';
import { describeEdge, endOfFunctionStep, insertStatementFix, stepAt } from './paths';
import type { Finding, Fix, PathStep, Rule, RuleContext } from './types';

const DIRTY = 1;
const PREP = 2;
const SUBMITTED = 4;
const BAD = 8;

export const rule: Rule = {
  meta: {
    id: 'missing-flush-kernel-vmap-range',
    description:
      'A buffer written through a vmap alias reaches write I/O without flush_kernel_vmap_range() on some path.',
    defaultSeverity: 'warning',
  },
  relevant: vmapRelevant,
  check(ctx) {
    const model = vmapModel(ctx.facts, ctx.file, ctx.source);
    if (model.emptyWrapper?.kind === 'flush')
      return [emptyWrapperFinding(model, rule, 'flush_kernel_vmap_range', ctx.source)];
    const findings: Finding[] = [];
    for (const alias of boundAliases(model)) {
      const f = checkAlias(model, alias, ctx);
      if (f) findings.push(f);
    }
    return findings;
  },
};

function checkAlias(model: VmapFunction, alias: AliasInfo, ctx: RuleContext): Finding | undefined {
  // A same-file caller (not this function itself) that flushes after calling it.
  const callerFlushes = model.file.functions.some((fn) => {
    const t = ctx.source.slice(fn.startIndex, fn.endIndex);
    return (
      fn.startIndex !== model.facts.cfg.node.startIndex &&
      new RegExp(`\\b${model.facts.name}\\s*\\(`).test(t) &&
      /\bflush_kernel_vmap_range\s*\(/.test(t)
    );
  });
  // A request that leaves unsubmitted is the caller's to submit, unless this function submits
  // it on other paths (then the error paths that skip the submission are fine).
  const submits = [...model.actions.values()].some((l) => l.some((a) => a.kind === 'submit'));
  const m: AliasMachine = {
    initial: createdHere(model, alias) || model.entryComplete ? 0 : DIRTY,
    bad: BAD,
    apply(s, a) {
      switch (a.kind) {
        case 'alias':
          return a.clean ? s & ~DIRTY : s | DIRTY;
        case 'write':
          return s | DIRTY;
        case 'flush':
        case 'invalidate':
          return s & ~(DIRTY | PREP);
        case 'attach':
          // Only a bio leaves the function to be submitted as it is; a scatterlist is mapped later.
          return s & DIRTY && (BIO_ATTACH.test(a.api) || model.file.isDefined(a.api))
            ? s | PREP
            : s;
        case 'unmap':
          return s & ~(DIRTY | PREP);
        case 'submit':
          if (a.dir !== 'read' && s & DIRTY && !(s & (NOT_WRITE | NOT_VMAP))) s |= BAD;
          return s | SUBMITTED;
        case 'complete':
        case 'use':
          return s;
      }
    },
    exit: (s) =>
      s & PREP && !(s & (SUBMITTED | NOT_WRITE | NOT_VMAP)) && !callerFlushes && !submits
        ? s | BAD
        : s,
  };
  const path = findAliasPath(model, alias.key, m);
  if (!path) return undefined;
  const trigger = path.trigger >= 0 ? path.trace[path.trigger] : undefined;
  const firstAttach = path.trace.find(
    (t): t is Extract<TraceItem, { t: 'action' }> =>
      t.t === 'action' && t.action.kind === 'attach' && (t.after & PREP) !== 0,
  );
  const at = trigger?.t === 'action' ? trigger.action : firstAttach?.action;
  if (!at) return undefined;
  const { source, facts } = ctx;
  const steps = traceSteps(
    model,
    alias,
    path.trace,
    source,
    path.trigger >= 0 ? path.trigger : path.trace.length - 1,
  );
  if (path.trigger < 0)
    steps.push({
      ...stepAt(
        at.node,
        'submit-write',
        `its pages leave ${facts.name}() in an I/O request, to be written to the device`,
      ),
    });
  const len = lengthFor(model, alias);
  const call = `flush_kernel_vmap_range(${alias.display}, ${len ?? 'len'});`;
  const words = aliasWords(model, alias, 'flush_kernel_vmap_range', len);
  const anchor = outermostLoop(earliestIo(path.trace, path.trigger) ?? at.node, facts.cfg.node);
  const fixes: Fix[] = len
    ? [
        insertStatementFix(
          source,
          facts.cfg.node,
          anchor,
          'before',
          guarded(model, alias, call),
          `Insert ${call}`,
        ),
      ]
    : [];
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: at.node.startIndex,
    end: at.node.endIndex,
    function: facts.name,
    message: `${words.subject} (${alias.note}) and on the path shown it reaches write I/O at ${apiOf(at)}() without ${words.call}; on an aliasing D-cache the device reads memory the CPU's writes have not reached`,
    path: steps,
    fixes,
  };
}

function apiOf(a: VmapAction): string {
  return 'api' in a ? a.api : a.node.type === 'call_expression' ? calleeName(a.node) : a.kind;
}

function earliestIo(trace: TraceItem[], trigger: number): Node | undefined {
  let first: Node | undefined;
  trace.forEach((t, i) => {
    if (t.t !== 'action' || (trigger >= 0 && i > trigger)) return;
    if (t.action.kind === 'flush' || t.action.kind === 'invalidate') first = undefined;
    else if ((t.action.kind === 'attach' || t.action.kind === 'submit') && !first)
      first = t.action.node;
  });
  return first;
}

/** The trace, up to index `upTo`, as path steps the simulator understands. */
export function traceSteps(
  model: VmapFunction,
  alias: AliasInfo,
  trace: TraceItem[],
  source: string,
  upTo: number,
  /** How I/O of unknown direction is shown: the direction the rule is about. */
  unknownIo: 'read' | 'write' = 'write',
): PathStep[] {
  const fn = model.facts.cfg.node;
  const steps: PathStep[] = [
    stepAt(
      alias.evidence ?? fn,
      'vmap',
      `${model.placeholders.has(alias.key) ? `${alias.display} has a vmap alias` : `${alias.display} is a vmap alias`}: ${alias.note}`,
    ),
  ];
  if (model.contextNote) steps.push(stepAt(fn, 'call', model.contextNote));
  trace.slice(0, upTo + 1).forEach((t) => {
    if (t.t === 'return')
      steps.push(stepAt(t.node, 'return', `returns from ${model.facts.name}()`));
    else if (t.t === 'edge') {
      const d = describeEdge(t.edge, source);
      if (d) steps.push(stepAt(d.node, 'branch', d.note));
    } else {
      const s = actionStep(t.action, alias, unknownIo);
      if (s) steps.push(s);
    }
  });
  return steps;
}

function actionStep(
  a: VmapAction,
  alias: AliasInfo,
  unknownIo: 'read' | 'write',
): PathStep | undefined {
  const n = a.node;
  switch (a.kind) {
    case 'alias':
      return undefined;
    case 'write': {
      const s = stepAt(n, 'write', `written through the alias by ${callText(n)}`);
      if (a.size !== undefined) s.size = a.size;
      return s;
    }
    case 'flush':
      return stepAt(
        n,
        'flush-vmap',
        `${a.api}() flushes ${a.alias ? alias.display : 'the buffer'}`,
      );
    case 'invalidate':
      return stepAt(
        n,
        'invalidate-vmap',
        `${a.api}() invalidates ${a.alias ? alias.display : 'the buffer'}`,
      );
    case 'attach':
      return stepAt(n, 'call', `pages of ${alias.display} attached to I/O by ${a.api}()`);
    case 'submit':
      return stepAt(
        n,
        a.dir === 'read' || (a.dir !== 'write' && unknownIo === 'read')
          ? 'submit-read'
          : 'submit-write',
        `${a.api}() starts ${a.dir === 'unknown' ? 'I/O of unknown direction' : a.dir === 'both' ? 'bidirectional I/O' : `${a.dir} I/O`}`,
      );
    case 'complete':
      return stepAt(n, 'complete', `${a.api}(): the device's writes are done`);
    case 'use':
      return stepAt(n, 'read', `the buffer is handed on to ${a.api}()`);
    case 'unmap':
      return stepAt(n, 'unmap', `${a.api}() ends the alias`);
  }
}

function callText(n: Node): string {
  const s = stripExpr(n);
  if (s.type === 'call_expression') return `${calleeName(s)}()`;
  const t = s.text.replace(/\s+/g, ' ');
  return `\`${t.length > 40 ? t.slice(0, 37) + '...' : t}\``;
}

/**
 * A maintenance wrapper that tests is_vmalloc_addr(param) and then does nothing: its callers
 * count on it before (flush) or after (invalidate) their I/O.
 */
export function emptyWrapperFinding(
  model: VmapFunction,
  r: Rule,
  api: string,
  source: string,
): Finding {
  const w = model.emptyWrapper!;
  const fn = model.facts.cfg.node;
  const len = model.facts.params.find((p) => p !== w.param) ?? 'len';
  const call = `${api}(${w.param}, ${len});`;
  const flush = api === FLUSH_VMAP;
  const named = w.param === '';
  const steps: PathStep[] = [
    stepAt(
      w.test,
      'vmap',
      named
        ? `${model.facts.name}() is named for vmap maintenance`
        : `\`${w.test.text}\` says ${w.param} may be a vmap alias`,
    ),
  ];
  if (flush)
    steps.push(endOfFunctionStep(fn, model.facts.name, `and the caller's write I/O follows`), {
      ...stepAt(fn, 'submit-write', 'the caller submits write I/O'),
      line: fn.endPosition.row + 1,
    });
  else
    steps.push(
      { ...stepAt(fn, 'complete', 'the caller calls this after read I/O') },
      {
        ...endOfFunctionStep(fn, model.facts.name, `and the caller reads ${w.param}`),
        kind: 'read',
      },
    );
  return {
    rule: r.meta.id,
    severity: r.meta.defaultSeverity,
    start: w.test.startIndex,
    end: w.test.endIndex,
    function: model.facts.name,
    message: named
      ? `${model.facts.name}() is named for vmap maintenance but never calls ${api}(); its callers rely on it ${flush ? 'before write I/O' : 'after read I/O'}`
      : `${model.facts.name}() tests \`${w.test.text}\` but never calls ${call.slice(0, -1)}; its callers rely on it ${flush ? 'before write I/O' : 'after read I/O'}`,
    path: steps,
    fixes: named
      ? []
      : [
          insertStatementFix(
            source,
            fn,
            undefined,
            'before',
            `if (${w.test.text}) ${call}`,
            `Insert ${call}`,
          ),
        ],
  };
}

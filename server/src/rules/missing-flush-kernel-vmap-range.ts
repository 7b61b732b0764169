/**
 * missing-flush-kernel-vmap-range: the CPU wrote (or may have written) through a vmap alias and
 * on some path the buffer reaches write I/O without flush_kernel_vmap_range(). The I/O layer only
 * keeps the linear map coherent; dirty lines of the vmap alias stay in the cache while the device
 * reads memory (Documentation/core-api/cachetlb.rst, last section). docs/rules/missing-flush-kernel-vmap-range.md
 */
import type { Node } from '../parsing/parser';
import type { AliasInfo, VmapAction, VmapFunction } from '../analysis/vmap/model';
import { findAliasPath } from '../analysis/vmap/witness';
import { traceSteps } from '../analysis/vmap/steps';
import type { AliasMachine, TraceItem } from '../analysis/vmap/witness';
import { NOT_VMAP, NOT_WRITE } from '../analysis/vmap/path';
import { BIO_ATTACH } from '../knowledge/vmap';
import { calleeName } from '../parsing/nodeText';
import {
  aliasWords,
  checkBoundAliases,
  dirtiedBy,
  dirtyOnEntry,
  guarded,
  lengthFor,
  outermostLoop,
  vmapRelevant,
} from '../analysis/vmap/queries';
import { insertStatementFix, stepAt, stepLine, stepsInWords } from '../analysis/core/steps';
import type { Finding, Fix, Rule, RuleContext } from './types';

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
  check: (ctx) =>
    checkBoundAliases(ctx, (model, alias) => checkAlias(model, alias, ctx), {
      kind: 'flush',
      meta: rule.meta,
    }),
};

function checkAlias(model: VmapFunction, alias: AliasInfo, ctx: RuleContext): Finding | undefined {
  // A same-file caller (not this function itself) that flushes after calling it.
  const callerFlushes = model.file.flushingCallerOf(model.facts.name, model.facts.cfg.node);
  // A request that leaves unsubmitted is the caller's to submit, unless this function submits
  // it on other paths (then the error paths that skip the submission are fine).
  const submits = [...model.actions.values()].some((l) => l.some((a) => a.kind === 'submit'));
  const m: AliasMachine = {
    initial: dirtyOnEntry(model, alias) ? DIRTY : 0,
    bad: BAD,
    apply(s, a) {
      switch (a.kind) {
        case 'alias':
        case 'write':
          return dirtiedBy(a) ? s | DIRTY : s & ~DIRTY;
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
  const ioLine = at.node.startPosition.row + 1;
  const writeLine = stepLine(steps, 'write');
  const written = writeLine === undefined ? '' : `${stepsInWords([['written', writeLine]])}, then `;
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
    message: `${words.subject} (${alias.note}); ${written}it reaches write I/O at ${apiOf(at)}() at L${ioLine} without ${words.call}; on an aliasing D-cache the device reads memory the CPU's writes have not reached`,
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

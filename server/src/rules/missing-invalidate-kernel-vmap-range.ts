/**
 * missing-invalidate-kernel-vmap-range: read I/O into a vmap'd buffer completes (submit_bio_wait
 * returns, the bi_end_io or URB completion runs, the buffer is synced for the CPU) and the buffer
 * is handed to the CPU without invalidate_kernel_vmap_range(): lines the CPU speculatively
 * refilled through the alias while the device wrote memory are read instead of the new data
 * (Documentation/core-api/cachetlb.rst, last section). docs/rules/missing-invalidate-kernel-vmap-range.md
 */
import type { AliasInfo, VmapFunction } from '../analysis/vmap/model';
import { findAliasPath } from '../analysis/vmap/witness';
import type { AliasMachine } from '../analysis/vmap/witness';
import { NOT_READ, NOT_VMAP } from '../analysis/vmap/path';
import {
  advanced,
  aliasWords,
  checkBoundAliases,
  createdHere,
  guarded,
  lengthFor,
  vmapRelevant,
} from '../analysis/vmap/queries';
import { traceSteps } from '../analysis/vmap/steps';
import {
  endOfFunctionStep,
  insertStatementFix,
  stepAt,
  stepLine,
  stepsInWords,
} from '../analysis/core/steps';
import type { Finding, Fix, Rule, RuleContext } from './types';

const PENDING = 1;
const INV = 2;
const BAD = 4;

export const rule: Rule = {
  meta: {
    id: 'missing-invalidate-kernel-vmap-range',
    description:
      'Read I/O into a vmap alias completes and the CPU gets the buffer without invalidate_kernel_vmap_range() on some path.',
    defaultSeverity: 'warning',
  },
  relevant: vmapRelevant,
  check: (ctx) =>
    checkBoundAliases(ctx, (model, alias) => checkAlias(model, alias, ctx), {
      kind: 'invalidate',
      meta: rule.meta,
    }),
};

function checkAlias(model: VmapFunction, alias: AliasInfo, ctx: RuleContext): Finding | undefined {
  const exitReads = model.context !== 'end-io' && !createdHere(model, alias);
  const m: AliasMachine = {
    initial: model.entryComplete && model.entryDir !== 'write' ? PENDING : 0,
    bad: BAD,
    apply(s, a) {
      switch (a.kind) {
        case 'submit':
          return a.dir === 'write' ? s : s & ~INV;
        case 'complete':
          return a.dir === 'write' || s & INV ? s : s | PENDING;
        case 'invalidate':
          return (s & ~PENDING) | INV;
        case 'unmap':
          return s & ~PENDING;
        case 'use':
          return s & PENDING && !(s & (NOT_READ | NOT_VMAP)) ? s | BAD : s;
        case 'alias':
        case 'attach':
        case 'flush':
        case 'write':
          return s;
      }
    },
    exit: (s) => (exitReads && s & PENDING && !(s & (NOT_READ | NOT_VMAP)) ? s | BAD : s),
  };
  const path = findAliasPath(model, alias.key, m);
  if (!path) return undefined;
  const { source, facts } = ctx;
  const fn = facts.cfg.node;
  const upTo = path.trigger >= 0 ? path.trigger : path.trace.length - 1;
  const steps = traceSteps(model, alias, path.trace, source, upTo, 'read');
  if (model.entryComplete)
    steps.splice(
      1,
      0,
      stepAt(fn, 'complete', `the device has written the buffer when ${facts.name}() runs`),
    );
  let completion: (typeof path.trace)[number] | undefined;
  for (const t of path.trace.slice(0, upTo + 1))
    if (t.t === 'action' && t.action.kind === 'complete' && t.after & PENDING) completion = t;
  const trigger = path.trace[path.trigger];
  const use = trigger?.t === 'action' ? trigger.action : undefined;
  if (!use)
    steps.push({
      ...endOfFunctionStep(fn, facts.name, `and the caller reads ${alias.display}`),
      kind: 'read',
    });
  const at =
    completion?.t === 'action'
      ? completion.action.node
      : (use?.node ?? fn.childForFieldName('declarator') ?? fn);
  const len = lengthFor(model, alias);
  const call = `invalidate_kernel_vmap_range(${alias.display}, ${len ?? 'len'});`;
  const words = aliasWords(model, alias, 'invalidate_kernel_vmap_range', len);
  const lastReturn = [...path.trace].reverse().find((t) => t.t === 'return');
  const completeLine = stepLine(steps, 'complete');
  const ioWords = stepsInWords([
    ['starts', stepLine(steps, 'submit-read')],
    ['completes', completeLine],
  ]);
  const io = ioWords ? `read I/O into it ${ioWords}` : 'read I/O into it completes';
  const fixes: Fix[] = [];
  if (len && !advanced(model, alias)) {
    const text = guarded(model, alias, call);
    fixes.push(
      completion?.t === 'action'
        ? insertStatementFix(source, fn, completion.action.node, 'after', text, `Insert ${call}`)
        : insertStatementFix(
            source,
            fn,
            use?.node ?? (lastReturn?.t === 'return' ? lastReturn.node : undefined),
            'before',
            text,
            `Insert ${call}`,
          ),
    );
  }
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: at.startIndex,
    end: at.endIndex,
    function: facts.name,
    message: `${words.subject} (${alias.note}); ${io}, then the CPU ${use ? `hands it to ${'api' in use ? use.api : 'a reader'}() at L${stepLine(steps, 'read', 'last')}` : `gets it back at L${stepLine(steps, 'read', 'last')}`} without ${words.call}; lines refilled through the alias during the I/O hide the device's data on an aliasing D-cache`,
    path: steps,
    fixes,
  };
}

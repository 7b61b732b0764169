/**
 * invalidate-before-write-io: invalidate_kernel_vmap_range() on a buffer the CPU wrote, where
 * write I/O follows without a flush. ARM's invalidate happens to clean first, but on SH-4 (ocbi)
 * and PA-RISC (pdc) invalidation discards the dirty lines, so the device reads the old bytes
 * (arch/sh/mm/flush-sh4.c and arch/parisc/kernel/cache.c; Documentation/core-api/cachetlb.rst:
 * flush before I/O, invalidate after read I/O). docs/rules/invalidate-before-write-io.md
 */
import type { AliasInfo, VmapFunction } from '../analysis/vmap/model';
import { findAliasPath } from '../analysis/vmap/witness';
import type { AliasMachine } from '../analysis/vmap/witness';
import { MUST_WRITE, NOT_READ, NOT_VMAP } from '../analysis/vmap/path';
import { checkBoundAliases, dirtiedBy, dirtyOnEntry, vmapFunction } from '../analysis/vmap/queries';
import { traceSteps } from '../analysis/vmap/steps';
import { stepAt } from '../analysis/core/steps';
import type { Finding, Fix, Rule, RuleContext } from './types';

const DIRTY = 1;
const WRONG = 2;
const BAD = 4;

export const rule: Rule = {
  meta: {
    id: 'invalidate-before-write-io',
    description:
      'invalidate_kernel_vmap_range() where write I/O needs flush_kernel_vmap_range(): SH-4 and PA-RISC discard the data.',
    defaultSeverity: 'warning',
  },
  relevant: (text) => text.includes('invalidate_kernel_vmap_range'),
  check: (ctx) =>
    vmapFunction(ctx)
      ? checkBoundAliases(ctx, (model, alias) => checkAlias(model, alias, ctx))
      : [],
};

function checkAlias(model: VmapFunction, alias: AliasInfo, ctx: RuleContext): Finding | undefined {
  // end_cpu_access / vb2 prepare run exactly before the device reads the buffer.
  const deviceSide = model.context === 'device-access';
  const m: AliasMachine = {
    initial: dirtyOnEntry(model, alias) ? DIRTY : 0,
    bad: BAD,
    apply(s, a) {
      switch (a.kind) {
        case 'alias':
        case 'write':
          return dirtiedBy(a) ? s | DIRTY : s & ~DIRTY;
        case 'invalidate':
          return a.alias !== null && s & DIRTY ? (s | WRONG) & ~DIRTY : s;
        case 'flush':
        case 'unmap':
          return s & ~(DIRTY | WRONG);
        case 'submit': {
          // Only I/O known to write: a read after an early invalidate is another matter.
          const writes =
            a.dir === 'write' ||
            a.dir === 'both' ||
            (a.dir === 'unknown' && ((s & (NOT_READ | MUST_WRITE)) !== 0 || deviceSide));
          return s & WRONG && writes && !(s & NOT_VMAP) ? s | BAD : s;
        }
        case 'attach':
        case 'complete':
        case 'use':
          return s;
      }
    },
    exit: (s) => s,
  };
  const path = findAliasPath(model, alias.key, m);
  const trigger = path ? path.trace[path.trigger] : undefined;
  if (!path || trigger?.t !== 'action') return undefined;
  let wrong: (typeof path.trace)[number] | undefined;
  for (const t of path.trace.slice(0, path.trigger))
    if (
      t.t === 'action' &&
      t.action.kind === 'invalidate' &&
      t.after & WRONG &&
      !(t.before & WRONG)
    )
      wrong = t;
  if (wrong?.t !== 'action') return undefined;
  const { source, facts } = ctx;
  const steps = traceSteps(model, alias, path.trace, source, path.trigger);
  if (!steps.some((s) => s.kind === 'write')) {
    steps.splice(
      1,
      0,
      stepAt(
        alias.evidence ?? facts.cfg.node,
        'write',
        `${alias.display} holds data the CPU wrote`,
      ),
    );
  }
  const node = wrong.action.node;
  const callee = node.childForFieldName('function');
  const fixes: Fix[] = callee
    ? [
        {
          title: 'Use flush_kernel_vmap_range() before write I/O',
          edits: [
            { start: callee.startIndex, end: callee.endIndex, text: 'flush_kernel_vmap_range' },
          ],
        },
      ]
    : [];
  return {
    rule: rule.meta.id,
    severity: rule.meta.defaultSeverity,
    start: node.startIndex,
    end: node.endIndex,
    function: facts.name,
    message: `invalidate_kernel_vmap_range() on ${alias.display}, which the CPU wrote, before write I/O at ${'api' in trigger.action ? trigger.action.api : 'the submission'}(): write I/O needs flush_kernel_vmap_range(); on SH-4 and PA-RISC the invalidate discards the dirty lines and the device reads the old data`,
    path: steps,
    fixes,
  };
}

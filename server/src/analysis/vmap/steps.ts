/**
 * The vmap family's path steps: an alias path's trace as steps the simulator understands, and
 * the finding for an empty maintenance wrapper (shared by the flush and invalidate rules).
 */
import type { Node } from '../../parsing/parser';
import { calleeName } from '../../parsing/nodeText';
import { FLUSH_VMAP } from '../../knowledge/vmap';
import { endOfFunctionStep, insertStatementFix, stepAt } from '../core/steps';
import { witnessSteps } from '../core/witness';
import { stripExpr } from '../../parsing/nodeText';
import type { Finding, PathStep, Severity } from '../core/types';
import type { AliasInfo, VmapAction, VmapFunction } from './types';
import type { TraceItem } from './witness';

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
  const start: PathStep[] = [
    stepAt(
      alias.evidence ?? fn,
      'vmap',
      `${model.placeholders.has(alias.key) ? `${alias.display} has a vmap alias` : `${alias.display} is a vmap alias`}: ${alias.note}`,
    ),
  ];
  if (model.contextNote) start.push(stepAt(fn, 'call', model.contextNote));
  return witnessSteps(
    trace.slice(0, upTo + 1),
    source,
    model.facts.name,
    (t, steps) => {
      const s = actionStep(t.action, alias, unknownIo);
      if (s) steps.push(s);
      return steps;
    },
    start,
  );
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
  meta: { id: string; defaultSeverity: Severity },
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
    rule: meta.id,
    severity: meta.defaultSeverity,
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

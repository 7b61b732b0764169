/**
 * vmap-range-mismatch: flush_kernel_vmap_range()/invalidate_kernel_vmap_range() is given an
 * address or length that a loop moved after the buffer went to I/O (`data += len` walking the
 * pages, `count -= len`), so the call covers the wrong range and the I/O'd lines stay stale
 * (Documentation/core-api/cachetlb.rst: the range must be the one given to the I/O).
 * docs/rules/vmap-range-mismatch.md
 */
import type { Node } from '../parsing/parser';
import { vmapModel } from '../analysis/vmap/model';
import type { VmapAction } from '../analysis/vmap/model';
import { FLUSH_VMAP, INVALIDATE_VMAP } from '../knowledge/vmap';
import { stripExpr } from '../parsing/nodeText';
import { outermostLoop, vmapFunction } from '../analysis/vmap/queries';
import { changesIn } from '../analysis/vmap/tree';
import type { Change } from '../analysis/vmap/tree';
import { stepAt } from '../analysis/core/steps';
import type { Finding, PathStep, Rule } from './types';

export const rule: Rule = {
  meta: {
    id: 'vmap-range-mismatch',
    description:
      'flush/invalidate_kernel_vmap_range() covers an address or length that a loop moved after the I/O used it.',
    defaultSeverity: 'warning',
  },
  relevant: (text) => /_kernel_vmap_range\s*\(/.test(text),
  check(ctx) {
    const { facts, source } = ctx;
    const fn = facts.cfg.node;
    if (!vmapFunction(ctx)) return [];
    const model = vmapModel(facts, ctx.file, source);
    const acts = [...model.actions.values()].flat();
    const findings: Finding[] = [];
    let changes: Change[] | undefined;
    for (const a of acts) {
      if (
        (a.kind !== 'flush' && a.kind !== 'invalidate') ||
        (a.api !== FLUSH_VMAP && a.api !== INVALIDATE_VMAP)
      )
        continue;
      const args = a.node.childForFieldName('arguments')?.namedChildren ?? [];
      for (const [i, arg] of args.slice(0, 2).entries()) {
        const v = stripExpr(arg);
        if (v.type !== 'identifier') continue;
        changes ??= changesIn(fn);
        const moved = movedBefore(fn, changes, v.text, a.node, i === 0 ? 'address' : 'length');
        if (!moved) continue;
        findings.push(
          finding(
            a,
            i === 0 ? 'address' : 'length',
            v.text,
            moved,
            acts,
            model.aliases.get(a.alias ?? '')?.evidence ?? fn,
          ),
        );
        break;
      }
    }
    return findings;

    function finding(
      a: VmapAction,
      what: 'address' | 'length',
      name: string,
      moved: { by: Node; loop: Node },
      acts: VmapAction[],
      evidence: Node,
    ): Finding {
      const isFlush = a.kind === 'flush';
      const byText = source.slice(moved.by.startIndex, moved.by.endIndex).replace(/\s+/g, ' ');
      const steps: PathStep[] = [
        stepAt(evidence, 'vmap', `the buffer is reached through a vmap alias`),
      ];
      const io = acts.filter(
        (x) => x.kind === 'submit' || x.kind === 'attach' || x.kind === 'complete',
      );
      if (isFlush) {
        steps.push(
          stepAt(moved.by, 'branch', `\`${byText}\` moves ${name} while walking the buffer`),
        );
        steps.push({
          ...stepAt(a.node, 'flush-vmap', `${FLUSH_VMAP}() covers the moved ${what}`),
          moved: what,
        });
        const submit = io.find((x) => x.kind === 'submit' && x.node.startIndex > a.node.startIndex);
        steps.push(stepAt(submit?.node ?? a.node, 'submit-write', 'write I/O of the whole buffer'));
      } else {
        const first = io.find((x) => x.node.startIndex < a.node.startIndex);
        steps.push(stepAt(first?.node ?? moved.loop, 'submit-read', 'read I/O into the buffer'));
        steps.push(
          stepAt(moved.by, 'branch', `\`${byText}\` moves ${name} while walking the buffer`),
        );
        const done = io.find((x) => x.kind === 'complete' && x.node.startIndex < a.node.startIndex);
        steps.push(stepAt(done?.node ?? a.node, 'complete', 'the read I/O completes'));
        steps.push({
          ...stepAt(a.node, 'invalidate-vmap', `${INVALIDATE_VMAP}() covers the moved ${what}`),
          moved: what,
        });
      }
      return {
        rule: rule.meta.id,
        severity: rule.meta.defaultSeverity,
        start: a.node.startIndex,
        end: a.node.endIndex,
        function: facts.name,
        message: `the ${what} given to ${isFlush ? FLUSH_VMAP : INVALIDATE_VMAP}() is ${name}, which \`${byText}\` (line ${moved.by.startPosition.row + 1}) moved in the loop that walked the buffer, so the call covers a different range from the one that went to I/O; save the start (or the length) before the loop`,
        path: steps,
        fixes: [],
      };
    }
  },
};

/** A change of `name` (`+=`, `-=`, `++`, `--`) inside a loop that ends before `call`, outside that loop. */
function movedBefore(
  fn: Node,
  changes: Change[],
  name: string,
  call: Node,
  what: 'address' | 'length',
): { by: Node; loop: Node } | undefined {
  for (const { node: n, target, op, loop } of changes) {
    if (n.startIndex >= call.startIndex || target !== name) continue;
    // An address walks forward; a length counts down (`len += bv_len` sums the total instead).
    if (op === '=' || (what === 'length' && op !== '-=' && op !== '--')) continue;
    if (!loop || call.startIndex < loop.endIndex) continue;
    const outer = outermostLoop(loop, fn);
    if (call.startIndex < outer.endIndex) continue;
    return { by: n, loop };
  }
  return undefined;
}

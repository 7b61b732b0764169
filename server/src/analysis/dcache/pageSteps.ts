/**
 * The story of a missing-flush-dcache-page witness: the page mapped, written, unmapped without the
 * flush, the path's branches and the return, as steps the simulator replays; plus where the fix
 * goes. A flush on the way ends the story so far: only the write after the last flush counts.
 */
import type { Node } from '../../parsing/parser';
import type { FunctionFacts } from '../core/facts';
import type { Witness } from '../core/pathSearch';
import { headOf, stepAt } from '../core/steps';
import type { PathStep } from '../core/types';
import { replayWitness, witnessSteps } from '../core/witness';
import type { PageAction, PageModel } from './pageModel';
import { LOST, PENDING, UNFLUSHED } from './pageState';

export interface PageStory {
  steps: PathStep[];
  /** The write the finding reports: the first one after the last flush on the path. */
  write: PageAction & { kind: 'write' };
  lastUnmap?: Node;
  lastReturn?: Node;
}

export function pageStory(
  witness: Witness,
  page: string,
  model: PageModel,
  facts: FunctionFacts,
  source: string,
  apply: (state: number, a: PageAction) => number,
  text: { display: string; flushName: string },
): PageStory | undefined {
  const { display, flushName } = text;
  const trace = replayWitness(facts, witness, {
    initial: 0,
    actionsOf: (e) => model.actions.get(e) ?? [],
    apply,
  });
  let write: PageStory['write'] | undefined;
  let lastUnmap: Node | undefined;
  let lastReturn: Node | undefined;
  for (const t of trace) if (t.t === 'return') lastReturn = t.node;
  const steps = witnessSteps(trace, source, facts.name, ({ action: a, before, after }, steps) => {
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
        a.earlier ?? `written through the mapping by ${writerText(a.node, source)}`,
      );
      if (a.size !== undefined) step.size = a.size;
      steps.push(step);
    } else if (a.kind === 'rename' && (after & LOST) !== 0 && (before & LOST) === 0) {
      steps.push(
        stepAt(a.node, 'call', `\`${headOf(source, a.node)}\`: ${display} now names another page`),
      );
    } else if (a.kind === 'flush' && (before & UNFLUSHED) !== 0 && (after & UNFLUSHED) === 0) {
      write = undefined;
      return steps.filter((s) => s.kind === 'map');
    } else if (a.kind === 'unmap' && (a.page === page || a.page === null)) {
      lastUnmap = a.node;
      const missing = (after & UNFLUSHED) !== 0 ? ` without ${flushName}(${display})` : '';
      steps.push(stepAt(a.node, 'unmap', `unmapped by ${a.api}()${missing}`));
    } else if (a.kind === 'publish' && a.page === page) {
      steps.push(stepAt(a.node, 'publish', `marked up to date: readers may map it now`));
    }
    return steps;
  });
  if (!write) return undefined;
  return { steps, write, lastUnmap, lastReturn };
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

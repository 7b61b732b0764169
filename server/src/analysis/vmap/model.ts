/**
 * The vmap model of one function: alias discovery (aliases.ts: which expressions are vmap
 * aliases, and why) then call classification (calls.ts: what each event does to them). Built once
 * per function and kept in the per-file context, so the four vmap rules share one model.
 */
import type { FunctionFacts } from '../core/facts';
import type { FileContext } from '../core/fileContext';
import { discoverAliases } from './aliases';
import { classifyEvents } from './calls';
import { vmapFileOf } from './file';
import { emptyWrapper, namedWrapper } from './shapes';
import { functionSyntax } from './syntax';
import type { VmapFunction } from './types';

export type { AliasInfo, Context, VmapAction, VmapFunction } from './types';

/** The vmap model of a function, built once per function and shared by the four vmap rules. */
export function vmapModel(
  facts: FunctionFacts,
  context: FileContext,
  source: string,
): VmapFunction {
  return context.memo('vmap-model', facts, () => buildVmapModel(facts, context, source));
}

function buildVmapModel(facts: FunctionFacts, context: FileContext, source: string): VmapFunction {
  const file = vmapFileOf(context, facts.cfg.node, source);
  const fn = facts.cfg.node;
  const syntax = functionSyntax(fn, source);
  const found = discoverAliases(facts, file, source, syntax);
  const actions = classifyEvents(facts, file, source, syntax, found);
  const { kind, syncsForCpu } = found;
  const model: VmapFunction = {
    facts,
    file,
    aliases: found.aliases,
    actions,
    context: found.context,
    contextNote: found.contextNote,
    entryDir: found.callback?.dir ?? 'unknown',
    placeholders: found.placeholders,
    entryComplete: kind === 'end-io' || (kind === 'cpu-access' && !syncsForCpu),
    guards: found.guards,
    canon: found.canon,
  };
  const wrapper =
    emptyWrapper(facts) ?? namedWrapper(facts, source.slice(fn.startIndex, fn.endIndex));
  if (wrapper) model.emptyWrapper = wrapper;
  return model;
}

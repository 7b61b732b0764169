/** The contract between rules, the linter and the front ends. Offsets are UTF-16 string offsets. */
import type { FunctionFacts } from '../analysis/core/facts';
import type { FileSummaries, TreeContext } from '../analysis/dcache/summaries';
import type { KernelVersion } from '../kernel/version';

export type { Finding, Fix, PathStep, Severity, StepKind, TextEdit } from '../analysis/core/types';
import type { Severity } from '../analysis/core/types';
import type { Finding } from '../analysis/core/types';

export interface RuleMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
}

export interface RuleContext {
  source: string;
  facts: FunctionFacts;
  file: FileSummaries;
  /** The kernel the code belongs to; absent: the newest behaviour the API table knows. */
  kernelVersion?: KernelVersion;
}

export interface Rule {
  meta: RuleMeta;
  /** Cheap text test: can this function's text hold a finding at all? */
  /** `file`: the file's summaries, for a pre-filter that depends on what the whole file does. */
  relevant(functionText: string, file?: FileSummaries): boolean;
  /**
   * Cheap text test over a whole file, when it can say more than `relevant` (a word the rule
   * needs somewhere in the file, not in each function): whether the file is worth parsing.
   */
  fileRelevant?(fileText: string): boolean;
  /**
   * When the file test fails: whether the tree's index says the file can still give a finding
   * (it calls a function of the tree that writes a page it is handed).
   */
  relevantInTree?(fileText: string, tree: TreeContext): boolean;
  check(ctx: RuleContext): Finding[];
}

/**
 * The engine: text in, findings out. Pure (no file system, no LSP); the CLI and the language
 * server are adapters over `lintSource`.
 */
import type { Parser, Tree } from './parsing/parser';
import { BudgetExceeded, parseC } from './parsing/parser';
import type { ParsedSource } from './parsing/parser';
import { withDeadline } from './parsing/deadline';
import { functionDefinitions } from './parsing/nodeText';
import { FileSummaries } from './analysis/dcache/summaries';
import type { IndexNote, TreeContext } from './analysis/dcache/summaries';
import { RULES } from './rules/index';
import type { Finding, Rule, RuleContext } from './rules/types';
import type { KernelVersion } from './kernel/version';
import { atKernelVersion } from './knowledge/versions';
import { SUPPRESSION_MARK } from './suppress';

export interface LintOptions {
  /** Rule ids to run; all when absent or empty. */
  rules?: readonly string[];
  /** `performance.now()` value after which the file is given up (BudgetExceeded is thrown). */
  deadline?: number;
  /** The kernel tree's index and the file's path in it; absent outside a tree (judged alone). */
  tree?: TreeContext;
  /**
   * The kernel the file belongs to (its tree's Makefile or the `kernelVersion` setting), so that
   * facts about kernel APIs apply for their versions; absent: the newest behaviour known.
   */
  kernelVersion?: KernelVersion;
}

export interface SkippedFunction {
  function: string;
  line: number;
  reason: string;
}

export interface LintResult {
  findings: Finding[];
  /** Functions the rules could not analyse, with why (too deep, too many blocks). */
  skipped: SkippedFunction[];
  /** Evidence from the tree index that let a page go (for `--verbose`); absent without one. */
  notes?: IndexNote[];
}

/** Whether a whole file can hold a finding of `rule` (its file test, else its function test). */
export function relevantToFile(rule: Rule, source: string): boolean {
  return rule.fileRelevant ? rule.fileRelevant(source) : rule.relevant(source);
}

/** The file test, and when it fails inside a tree, the rule's test against the tree's index. */
function relevantInFile(rule: Rule, source: string, options: LintOptions): boolean {
  return (
    relevantToFile(rule, source) ||
    (options.tree !== undefined && rule.relevantInTree?.(source, options.tree) === true)
  );
}

/** Each distinct file test once (the vmap rules share theirs), with a rule to call it on. */
const FILE_TESTS = [
  // The methods are only compared here, by identity; each is called on its rule below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  ...new Map(RULES.map((r) => [r.fileRelevant ?? r.relevant, r] as const)).values(),
];

/**
 * Whether linting `source` with any rules can report anything: a rule's file test passes, or a
 * suppression comment is there (one that silences nothing is reported). The CLI does not read
 * again, nor send to a worker, a tree file for which the index's read found this false.
 */
export function mayReport(source: string): boolean {
  return source.includes(SUPPRESSION_MARK) || FILE_TESTS.some((r) => relevantToFile(r, source));
}

export function selectRules(ids: readonly string[] | undefined): Rule[] {
  return ids && ids.length > 0 ? RULES.filter((r) => ids.includes(r.meta.id)) : [...RULES];
}

/** A rule's check with the API table's facts for the kernel the code belongs to. */
export function checkRule(rule: Rule, ctx: RuleContext): Finding[] {
  return atKernelVersion(ctx.kernelVersion, () => rule.check(ctx));
}

/** Lints an already parsed file (the language server keeps trees for incremental parsing). */
export function lintParsed(parsed: ParsedSource, options: LintOptions = {}): LintResult {
  // The analysis loops check the deadline too: one function can take longer than the budget.
  return withDeadline(options.deadline, () => lintFunctions(parsed, options));
}

function lintFunctions(parsed: ParsedSource, options: LintOptions): LintResult {
  const rules = selectRules(options.rules);
  const findings: Finding[] = [];
  const skipped: SkippedFunction[] = [];
  const { source, pre, tree } = parsed;
  // Each rule's file-level pre-filter runs once; a function is offered only to the rules that
  // passed it (a vmap callback shape means nothing in a file without a vmap alias).
  const fileRules = rules.filter((r) => relevantInFile(r, source, options));
  if (fileRules.length === 0) return { findings, skipped };
  const functions = functionDefinitions(tree.rootNode);
  const file = new FileSummaries(functions, pre.iterators, source, options.tree);
  for (const fn of functions) {
    if (options.deadline !== undefined && performance.now() > options.deadline) {
      throw new BudgetExceeded('analysis took longer than the time budget');
    }
    const text = source.slice(fn.startIndex, fn.endIndex);
    const active = fileRules.filter((r) => r.relevant(text, file));
    if (active.length === 0) continue;
    const facts = file.factsOf(fn);
    if (facts.cfg.skipped) {
      skipped.push({
        function: facts.name,
        line: fn.startPosition.row + 1,
        reason: facts.cfg.skipped,
      });
      continue;
    }
    const { kernelVersion } = options;
    for (const rule of active)
      findings.push(...checkRule(rule, { source, facts, file, kernelVersion }));
  }
  findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  return file.notes.length > 0 ? { findings, skipped, notes: file.notes } : { findings, skipped };
}

/** Parses and lints `source`; the tree is deleted before returning. */
export function lintSource(parser: Parser, source: string, options: LintOptions = {}): LintResult {
  if (!selectRules(options.rules).some((r) => relevantInFile(r, source, options)))
    return { findings: [], skipped: [] };
  let tree: Tree | undefined;
  try {
    const parsed = parseC(parser, source, undefined, options.deadline);
    tree = parsed.tree;
    return lintParsed(parsed, options);
  } finally {
    tree?.delete();
  }
}

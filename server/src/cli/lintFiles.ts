/** Lints one file for the CLI (in the main thread or a worker): read, budget, report. */
import { lintSource, relevantToFile, selectRules } from '../linter';
import { sha1 } from '../tree/store';
import type { SkippedFunction } from '../linter';
import { applySuppressions } from '../suppress';
import { RULE_IDS } from '../rules/index';
import type { Finding } from '../rules/types';
import type { RuleSeverity } from '../config/settings';
import { BudgetExceeded, ParserAborted } from '../parsing/parser';
import type { Parser } from '../parsing/parser';
import { readSource } from './files';
import type { InputFile } from './files';
import { LineMap } from '../lineMap';
import { relative, resolve, sep } from 'node:path';
import { TreeIndex } from '../xref/treeIndex';
import type { FileFacts } from '../xref/types';
import type { TreeContext } from '../analysis/dcache/summaries';
import { reportFinding, reportSuppressions } from './report';
import type { ReportedFinding, ReportedSuppression } from './report';
import { fileKernelVersion } from '../kernel/fromTree';
import type { KernelVersion } from '../kernel/version';

export interface FileOutcome {
  display: string;
  findings: ReportedFinding[];
  /** Set when the file was not analysed: binary, over budget, more than the parser takes. */
  skipped?: string;
  /** Set with `skipped` when the cause was a fault of FlushGuard's (exit code 2, never 0). */
  internal?: boolean;
  /** Set when the file could not be read at all (exit code 2). */
  error?: string;
  /** Functions inside the file that could not be analysed, with why (1-based lines). */
  skippedFunctions: SkippedFunction[];
  /** `--verbose`: what the tree index contributed (1-based lines). */
  notes?: { line: number; note: string }[];
  /** Suppression comments that silenced nothing or name an unknown rule. */
  unusedSuppressions: ReportedSuppression[];
  /** SHA-1 of the text when the rules parsed it (the lint cache's check after a touch). */
  hash?: string;
}

export interface LintFileOptions {
  rules: string[];
  budgetMs: number;
  /** Severity per rule id from `.flushguard.json` (plain data: it crosses to worker threads). */
  severities?: Record<string, RuleSeverity>;
  /** The kernel tree's index, when the files are inside one (plain data: crosses threads). */
  tree?: { root: string; files: FileFacts[]; digest: string };
  /** `--kernel-version` or the `kernelVersion` setting; absent: each file's tree Makefile. */
  kernelVersion?: KernelVersion;
}

const indexes = new WeakMap<object, TreeIndex>();

/** The tree context for one file: the index (built once per options object) and its tree path. */
function treeContext(file: InputFile, options: LintFileOptions): TreeContext | undefined {
  const t = options.tree;
  if (!t) return undefined;
  const rel = relative(t.root, resolve(file.path)).split(sep).join('/');
  if (rel.startsWith('..')) return undefined;
  let tree = indexes.get(t);
  if (!tree) {
    tree = new TreeIndex(t.files);
    indexes.set(t, tree);
  }
  return { tree, file: rel };
}

/** What lintFile gives a readable file that no rule can flag and that holds no suppression. */
export function quietOutcome(display: string): FileOutcome {
  return { display, findings: [], skippedFunctions: [], unusedSuppressions: [] };
}

export function lintFile(parser: Parser, file: InputFile, defaults: LintFileOptions): FileOutcome {
  const options = { ...defaults, ...file.options };
  const read = readSource(file.path);
  const base = {
    display: file.display,
    findings: [],
    skippedFunctions: [],
    unusedSuppressions: [],
  };
  if (!read.ok)
    return read.unreadable ? { ...base, error: read.reason } : { ...base, skipped: read.reason };
  // Files the rules parse carry their hash: a touched, unchanged one is then not parsed again.
  const hash = selectRules(options.rules).some((r) => relevantToFile(r, read.text))
    ? sha1(read.text)
    : undefined;
  if (hash) Object.assign(base, { hash });
  try {
    const result = lintSource(parser, read.text, {
      rules: options.rules,
      deadline: performance.now() + options.budgetMs,
      tree: treeContext(file, options),
      kernelVersion: options.kernelVersion ?? fileKernelVersion(file.path).version,
    });
    const lines = new LineMap(read.text);
    // Suppression comments are honoured here exactly as in the editor (server/src/suppress.ts).
    const ran = options.rules.length > 0 ? options.rules : RULE_IDS;
    const suppressed = applySuppressions(read.text, result.findings, ran, RULE_IDS);
    const kept = suppressed.findings;
    const severity = (f: Finding): Finding['severity'] => {
      const s = options.severities?.[f.rule];
      return s === undefined || s === 'off' ? f.severity : s;
    };
    return {
      ...base,
      findings: kept.map((f) =>
        reportFinding(file.display, lines, { ...f, severity: severity(f) }),
      ),
      skippedFunctions: result.skipped,
      ...(result.notes
        ? {
            notes: result.notes.map((n) => ({
              line: lines.line(n.offset),
              note: `${n.function}(): ${n.note}`,
            })),
          }
        : {}),
      unusedSuppressions: reportSuppressions(file.display, lines, suppressed, RULE_IDS),
    };
  } catch (e) {
    if (e instanceof ParserAborted) return { ...base, skipped: e.message };
    if (e instanceof BudgetExceeded)
      return { ...base, skipped: `${e.message} (${options.budgetMs} ms)` };
    return { ...base, skipped: `internal error: ${(e as Error).message}`, internal: true };
  }
}

/** Findings as the outside world sees them: 1-based lines and UTF-16 columns, paths as given. */
import type { Finding, PathStep, Severity } from '../rules/types';
import type { LineMap } from '../lineMap';
import { unknownRuleMessage, unusedSuppressionMessage } from '../suppress';
import type { SuppressionResult } from '../suppress';

export interface ReportedStep {
  line: number;
  note: string;
  kind: PathStep['kind'];
}

export interface ReportedFinding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  function: string;
  message: string;
  path: ReportedStep[];
  /** Set for files inside a kernel tree (server/src/tree/reach.ts). */
  reach?: ReportedReach;
}

export interface ReportedReach {
  aliasing: boolean;
  why: string;
  /** Contract-only: the reason in a few words, for text output. */
  short?: string;
}

/**
 * Marks each finding with the reach of its line: its file's, narrowed by the `#if` conditions
 * around it (tree/ppGuards.ts). Contract-only findings (code that cannot run on a
 * CPU with an aliasing D-cache) take `contractOnlySeverity`; `off` or `aliasingOnly` drops them.
 */
export function applyReach(
  findings: ReportedFinding[],
  reachOf: (file: string, line: number) => ReportedReach | undefined,
  options: { contractOnlySeverity: Severity | 'off'; aliasingOnly: boolean },
): ReportedFinding[] {
  const out: ReportedFinding[] = [];
  for (const f of findings) {
    const reach = reachOf(f.file, f.line);
    if (!reach) {
      out.push(f);
    } else if (reach.aliasing) {
      out.push({ ...f, reach });
    } else if (!options.aliasingOnly && options.contractOnlySeverity !== 'off') {
      out.push({ ...f, severity: options.contractOnlySeverity, reach });
    }
  }
  return out;
}

export function reportFinding(file: string, lines: LineMap, f: Finding): ReportedFinding {
  const start = lines.position(f.start);
  const end = lines.position(f.end);
  return {
    rule: f.rule,
    severity: f.severity,
    file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    function: f.function,
    message: f.message,
    path: f.path.map((s) => ({ line: s.line, note: s.note, kind: s.kind })),
  };
}

/** A suppression comment that silenced nothing, or that names a rule FlushGuard does not have. */
export interface ReportedSuppression {
  file: string;
  line: number;
  column: number;
  kind: 'unused' | 'unknown-rule';
  rules: string[];
  message: string;
}

export function reportSuppressions(
  file: string,
  lines: LineMap,
  result: Pick<SuppressionResult, 'unused' | 'unknown'>,
  knownRules: readonly string[],
): ReportedSuppression[] {
  const at = (offset: number): { line: number; column: number } => lines.position(offset);
  const out: ReportedSuppression[] = [
    ...result.unused.map((s) => ({
      file,
      ...at(s.start),
      kind: 'unused' as const,
      rules: s.rules,
      message: unusedSuppressionMessage(s),
    })),
    ...result.unknown.map((u) => ({
      file,
      ...at(u.suppression.start),
      kind: 'unknown-rule' as const,
      rules: [u.rule],
      message: unknownRuleMessage(u.rule, knownRules),
    })),
  ];
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

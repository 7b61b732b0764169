/** Findings as the outside world sees them: 1-based lines and UTF-16 columns, paths as given. */
import type { Finding, PathStep, Severity } from '../rules/types';
import type { LineMap } from '../lineMap';

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

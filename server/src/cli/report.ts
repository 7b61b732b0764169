/** Findings as the outside world sees them: 1-based lines and UTF-16 columns, paths as given. */
import type { Finding, PathStep, Severity } from '../rules/types';

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

/** Maps string offsets to 1-based line/column, built once per file. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
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

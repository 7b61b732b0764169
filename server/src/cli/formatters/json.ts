/** The JSON contract (version 1): fields in a stable order. */
import type { ReportedFinding } from '../report';

export function formatJson(
  findings: ReportedFinding[],
  filesScanned: number,
  extra: Record<string, unknown> = {},
): string {
  const out = {
    version: 1,
    filesScanned,
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      function: f.function,
      message: f.message,
      path: f.path.map((s) => ({ line: s.line, note: s.note, kind: s.kind })),
      // An addition to the contract, after its keys: only for files inside a kernel tree.
      ...(f.reach ? { reach: { aliasing: f.reach.aliasing, why: f.reach.why } } : {}),
    })),
    ...extra,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

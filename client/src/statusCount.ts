/** The status bar's number: FlushGuard findings across all files (unused-suppression hints aside). */

export interface DiagnosticLike {
  source?: string;
  code?: unknown;
}

function codeOf(d: DiagnosticLike): unknown {
  const c = d.code;
  return typeof c === 'object' && c !== null && 'value' in c ? c.value : c;
}

export function countFindings(perFile: Iterable<readonly DiagnosticLike[]>): {
  findings: number;
  files: number;
} {
  let findings = 0;
  let files = 0;
  for (const list of perFile) {
    const n = list.filter(
      (d) =>
        d.source === 'flushguard' &&
        codeOf(d) !== 'unused-suppression' &&
        codeOf(d) !== 'unknown-rule',
    ).length;
    findings += n;
    if (n > 0) files++;
  }
  return { findings, files };
}

export function statusText(count: { findings: number; files: number }): string {
  return count.findings === 0 ? '$(check) FlushGuard' : `$(warning) FlushGuard: ${count.findings}`;
}

/** gcc-style text: `file:line:col: warning: message [rule-id]`, path steps as notes, a summary. */
import type { ReportedFinding } from '../report';

export function formatText(
  findings: ReportedFinding[],
  filesScanned: number,
  verbose: boolean,
  skipped = 0,
): string {
  const lines: string[] = [];
  for (const f of findings) {
    const level = f.severity === 'info' || f.severity === 'hint' ? 'note' : f.severity;
    lines.push(`${f.file}:${f.line}:${f.column}: ${level}: ${f.message} [${f.rule}]`);
    if (verbose) for (const s of f.path) lines.push(`${f.file}:${s.line}: note: ${s.note}`);
  }
  const n = findings.length;
  const skips = skipped > 0 ? `, ${skipped} skipped` : '';
  lines.push(
    `flushguard: ${n} finding${n === 1 ? '' : 's'} in ${filesScanned} file${filesScanned === 1 ? '' : 's'} scanned${skips}`,
  );
  return lines.join('\n') + '\n';
}

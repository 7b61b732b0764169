/** gcc-style text: `file:line:col: warning: message [rule-id]`, path steps as notes, a summary. */
import type { ReportedFinding } from '../report';
import { displayName, escapeControls } from '../../sanitise';

export function formatText(
  findings: ReportedFinding[],
  filesScanned: number,
  verbose: boolean,
  skipped = 0,
): string {
  const lines: string[] = [];
  for (const f of findings) {
    const level = f.severity === 'info' || f.severity === 'hint' ? 'note' : f.severity;
    // Names and messages quote the input (comments in expressions, file names): no control reaches the terminal.
    const file = displayName(f.file);
    lines.push(`${file}:${f.line}:${f.column}: ${level}: ${escapeControls(f.message)} [${f.rule}]`);
    if (verbose)
      for (const s of f.path) lines.push(`${file}:${s.line}: note: ${escapeControls(s.note)}`);
  }
  const n = findings.length;
  const skips = skipped > 0 ? `, ${skipped} skipped` : '';
  lines.push(
    `flushguard: ${n} finding${n === 1 ? '' : 's'} in ${filesScanned} file${filesScanned === 1 ? '' : 's'} scanned${skips}`,
  );
  return lines.join('\n') + '\n';
}

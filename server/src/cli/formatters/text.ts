/** gcc-style text: `file:line:col: warning: message [rule-id]`, path steps as notes, a summary. */
import type { ReportedFinding } from '../report';
import { displayName, escapeControls } from '../../sanitise';

/** `notes`: standalone note lines printed after the findings; `quiet`: no summary line. */
export interface TextTail {
  notes?: string[];
  quiet?: boolean;
  /** Files not analysed (binary, too large, over budget, more than the parser takes). */
  skipped?: number;
}

export function formatText(
  findings: ReportedFinding[],
  filesScanned: number,
  verbose: boolean,
  tail: TextTail = {},
): string {
  const lines: string[] = [];
  for (const f of findings) {
    const level = f.severity === 'info' || f.severity === 'hint' ? 'note' : f.severity;
    const reach =
      f.reach && !f.reach.aliasing
        ? ` (cannot run on a CPU with an aliasing D-cache: ${f.reach.short ?? f.reach.why})`
        : '';
    // Names and messages quote the input (comments in expressions, file names): no control reaches the terminal.
    const file = displayName(f.file);
    lines.push(
      `${file}:${f.line}:${f.column}: ${level}: ${escapeControls(f.message)}${reach} [${f.rule}]`,
    );
    if (verbose)
      for (const s of f.path) lines.push(`${file}:${s.line}: note: ${escapeControls(s.note)}`);
  }
  lines.push(...(tail.notes ?? []).map((n) => escapeControls(n)));
  if (tail.quiet) return lines.length > 0 ? lines.join('\n') + '\n' : '';
  const n = findings.length;
  const skipped = tail.skipped ?? 0;
  const skips = skipped > 0 ? `, ${skipped} skipped` : '';
  lines.push(
    `flushguard: ${n} finding${n === 1 ? '' : 's'} in ${filesScanned} file${filesScanned === 1 ? '' : 's'} scanned${skips}`,
  );
  return lines.join('\n') + '\n';
}

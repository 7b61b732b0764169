/** gcc-style text: `file:line:col: warning: message [rule-id]`, path steps as notes, a summary. */
import type { ReportedFinding } from '../report';

/** `notes`: standalone note lines printed after the findings; `quiet`: no summary line. */
export interface TextTail {
  notes?: string[];
  quiet?: boolean;
}

export function formatText(findings: ReportedFinding[], filesScanned: number, verbose: boolean, tail: TextTail = {}): string {
  const lines: string[] = [];
  for (const f of findings) {
    const level = f.severity === 'info' || f.severity === 'hint' ? 'note' : f.severity;
    const reach = f.reach && !f.reach.aliasing ? ` (cannot run on a CPU with an aliasing D-cache: ${f.reach.short ?? f.reach.why})` : '';
    lines.push(`${f.file}:${f.line}:${f.column}: ${level}: ${f.message}${reach} [${f.rule}]`);
    if (verbose) for (const s of f.path) lines.push(`${f.file}:${s.line}: note: ${s.note}`);
  }
  lines.push(...(tail.notes ?? []));
  if (tail.quiet) return lines.length > 0 ? lines.join('\n') + '\n' : '';
  const n = findings.length;
  lines.push(`flushguard: ${n} finding${n === 1 ? '' : 's'} in ${filesScanned} file${filesScanned === 1 ? '' : 's'} scanned`);
  return lines.join('\n') + '\n';
}

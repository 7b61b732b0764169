/**
 * Findings and suppression reports as LSP diagnostics. Offsets become positions here and only
 * here (`TextDocument.positionAt`, UTF-16 as LSP wants by default).
 */
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../rules/types';
import type { Suppression } from '../suppress';
import { unknownRuleMessage, unusedSuppressionMessage } from '../suppress';
import type { RuleSeverity } from '../config/settings';
import { RULE_IDS } from '../rules/index';
import { docsUri } from '../host/package';
import type { Analysis } from './analysisResult';

export const SOURCE = 'flushguard';
export const UNUSED_SUPPRESSION = 'unused-suppression';
export const UNKNOWN_RULE = 'unknown-rule';
export const FILE_TOO_LARGE = 'file-too-large';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries back to code actions: which finding of which version. */
export interface DiagnosticData {
  rule: string;
  version: number;
  start: number;
}

export function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

/** The whole line of `offset`, for path steps (editors show a location, not a token). */
function lineRange(doc: TextDocument, offset: number): Range {
  const start = doc.positionAt(offset);
  const next = doc.offsetAt({ line: start.line + 1, character: 0 });
  const lineEnd = doc.getText().lastIndexOf('\n', next - 1);
  return { start, end: doc.positionAt(Math.max(offset, lineEnd >= offset ? lineEnd : next)) };
}

export function findingDiagnostic(
  doc: TextDocument,
  f: Finding,
  severity: Exclude<RuleSeverity, 'off'>,
): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.path.map((s) => ({
    location: { uri: doc.uri, range: lineRange(doc, s.offset) },
    message: s.note,
  }));
  const data: DiagnosticData = { rule: f.rule, version: doc.version, start: f.start };
  return {
    range: rangeOf(doc, f.start, f.end),
    severity: SEVERITY[severity],
    code: f.rule,
    codeDescription: { href: docsUri(f.rule) },
    source: SOURCE,
    message: f.message,
    relatedInformation: related,
    data,
  };
}

export function unusedSuppressionDiagnostic(doc: TextDocument, s: Suppression): Diagnostic {
  return {
    range: rangeOf(doc, s.start, s.end),
    severity: DiagnosticSeverity.Hint,
    tags: [DiagnosticTag.Unnecessary],
    code: UNUSED_SUPPRESSION,
    source: SOURCE,
    message: unusedSuppressionMessage(s),
    data: {
      rule: UNUSED_SUPPRESSION,
      version: doc.version,
      start: s.start,
    } satisfies DiagnosticData,
  };
}

export function unknownRuleDiagnostic(
  doc: TextDocument,
  s: Suppression,
  rule: string,
  known: readonly string[],
): Diagnostic {
  return {
    range: rangeOf(doc, s.start, s.end),
    severity: DiagnosticSeverity.Warning,
    code: UNKNOWN_RULE,
    source: SOURCE,
    message: unknownRuleMessage(rule, known),
  };
}

const mib = (chars: number): string => (chars / 1024 / 1024).toFixed(1);

/** One diagnostic on the first line for a document longer than the parser takes. */
export function tooLargeDiagnostic(chars: number, limit: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    code: FILE_TOO_LARGE,
    source: SOURCE,
    message: `File too large to analyse: ${mib(chars)} MiB of text (${chars} characters), more than the ${mib(limit)} MiB limit; FlushGuard did not check it`,
  };
}

export function isDiagnosticData(v: unknown): v is DiagnosticData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    typeof d['rule'] === 'string' &&
    typeof d['version'] === 'number' &&
    typeof d['start'] === 'number'
  );
}

/** Everything a document's analysis shows: findings, then the suppression problems. */
export function toDiagnostics(doc: TextDocument, a: Analysis): Diagnostic[] {
  if (a.tooLarge) return [tooLargeDiagnostic(a.tooLarge.chars, a.tooLarge.limit)];
  return [
    ...a.findings.map((f) => findingDiagnostic(doc, f, f.severity)),
    ...a.unused.map((s) => unusedSuppressionDiagnostic(doc, s)),
    ...a.unknown.map((u) => unknownRuleDiagnostic(doc, u.suppression, u.rule, RULE_IDS)),
  ];
}

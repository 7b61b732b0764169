/**
 * When a finding before a change and one after it are the same finding (docs/patch-review.md):
 * same rule, function, page expression and normalised statement text, whatever lines moved.
 * Pure: findings and source texts in.
 */
import { createHash } from 'node:crypto';
import type { ReportedFinding } from '../report';

/** The expression a finding is about, read from its message (each rule names it first). */
export function pageExpression(message: string): string {
  const m =
    /^(.+?) is (?:written through a kernel mapping|mapped at L\d+|written at L\d+|a vmap alias)\b/.exec(
      message,
    ) ??
    /^\w+\(\) on (.+?), which the CPU wrote\b/.exec(message) ??
    /^the address given to \w+\(\) is (.+?), which\b/.exec(message);
  // Unknown wording: the message itself, without the line numbers it may quote (`line 12`, `L12`).
  return m ? m[1]! : message.replace(/\(?\bline \d+\)?|\bL\d+\b/g, '');
}

/** Comments out, every run of white space one space: the statement as a reader sees it. */
export function normaliseStatement(text: string): string {
  return text
    .replace(/\/\*[^]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The source text a finding's range covers (1-based lines, UTF-16 columns, end exclusive). */
export function statementText(source: string, f: ReportedFinding): string {
  const starts = [0];
  for (
    let i = source.indexOf('\n');
    i >= 0 && starts.length <= f.endLine;
    i = source.indexOf('\n', i + 1)
  )
    starts.push(i + 1);
  const start = (starts[f.line - 1] ?? source.length) + f.column - 1;
  const end = (starts[f.endLine - 1] ?? source.length) + f.endColumn - 1;
  return source.slice(start, Math.max(start, end));
}

/**
 * A stand-in for the statement when the source is not at hand (an earlier JSON run): the path
 * notes quote the statements, and without their line numbers they survive moved lines.
 */
export function notesText(f: ReportedFinding): string {
  // The origin step's evidence grows as the tree index learns more; the premise is not the finding.
  return f.path
    .filter((s) => s.kind !== 'origin')
    .map((s) => `${s.kind}:${s.note}`.replace(/\(?\bline \d+\)?/g, ''))
    .join('|');
}

export interface Identified {
  finding: ReportedFinding;
  /** rule, function, page expression: the part every mode compares. */
  group: string;
  /** The normalised statement (or the notes stand-in): compared when both sides have it. */
  detail: string;
  /** Stable across line moves; `partialFingerprints` in SARIF. */
  fingerprint: string;
}

export function identify(
  findings: ReportedFinding[],
  source: string | undefined,
  path: string,
): Identified[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const group = JSON.stringify([f.rule, f.function, pageExpression(f.message)]);
    const detail =
      source === undefined ? notesText(f) : normaliseStatement(statementText(source, f));
    const key = `${path}\0${group}\0${detail}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const fingerprint = createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
    return { finding: f, group, detail, fingerprint };
  });
}

export interface Comparison {
  introduced: Identified[];
  resolved: Identified[];
  unchanged: Identified[];
}

/**
 * Pairs findings before and after a change: first those equal in group and detail, then (when
 * `loose`, for a baseline without sources) the rest of a group by count.
 */
export function compare(before: Identified[], after: Identified[], loose = false): Comparison {
  const left = [...before];
  const unchanged: Identified[] = [];
  const unmatched: Identified[] = [];
  const take = (pred: (b: Identified) => boolean): boolean => {
    const i = left.findIndex(pred);
    if (i < 0) return false;
    left.splice(i, 1);
    return true;
  };
  for (const a of after) {
    if (take((b) => b.group === a.group && b.detail === a.detail)) unchanged.push(a);
    else unmatched.push(a);
  }
  const introduced: Identified[] = [];
  for (const a of unmatched) {
    if (loose && take((b) => b.group === a.group)) unchanged.push(a);
    else introduced.push(a);
  }
  return { introduced, resolved: left, unchanged };
}

/**
 * Suppression comments, honoured by the CLI and the language server alike:
 *
 *   /* flushguard-disable-next-line missing-flush-dcache-page -- the page is never mapped by users *\/
 *   memcpy(kaddr, buf, len); // flushguard-disable-line missing-flush-dcache-page -- reason
 *
 * Several rule ids may be given, separated by commas or spaces; none means every rule. The reason
 * after `--` is free text. A suppression that silences nothing is reported back (as a hint in the
 * editor), the way ESLint's --report-unused-disable-directives does. Pure: text and findings in.
 */
import type { Finding } from './rules/types';
import { LineMap, lineEndOf, lineStartOf } from './lineMap';

export interface Suppression {
  kind: 'line' | 'next-line';
  /** Rule ids named; empty means all rules. */
  rules: string[];
  reason: string;
  /** The comment's offsets. */
  start: number;
  end: number;
  /** 1-based line whose findings it silences. */
  targetLine: number;
}

/** Every suppression comment holds it (a text without it has none). */
export const SUPPRESSION_MARK = 'flushguard-disable-';
const DIRECTIVE = /flushguard-disable-(next-line|line)(?![\w-])([^]*)$/;

/** The comment around `at`, if `at` is inside one: `[start, end, bodyStart, bodyEnd]`. */
function commentAround(source: string, at: number): [number, number, number, number] | undefined {
  const open = source.lastIndexOf('/*', at);
  const close = source.lastIndexOf('*/', at);
  if (open >= 0 && open > close) {
    const end = source.indexOf('*/', at);
    if (end < 0) return undefined;
    return [open, end + 2, open + 2, end];
  }
  const lineStart = lineStartOf(source, at + 1);
  const slashes = source.indexOf('//', lineStart);
  if (slashes < 0 || slashes > at) return undefined;
  const end = lineEndOf(source, at);
  return [slashes, end, slashes + 2, end];
}

export function parseSuppressions(source: string): Suppression[] {
  const out: Suppression[] = [];
  let at = source.indexOf(SUPPRESSION_MARK);
  if (at < 0) return out;
  const lines = new LineMap(source);
  for (; at >= 0; at = source.indexOf(SUPPRESSION_MARK, at + SUPPRESSION_MARK.length)) {
    const comment = commentAround(source, at);
    if (!comment) continue;
    const [start, end, , bodyEnd] = comment;
    const m = DIRECTIVE.exec(source.slice(at, bodyEnd));
    if (!m) continue;
    const rest = m[2] ?? '';
    const dash = rest.indexOf('--');
    const list = dash >= 0 ? rest.slice(0, dash) : rest;
    const reason =
      dash >= 0
        ? rest
            .slice(dash + 2)
            .replace(/\s+/g, ' ')
            .trim()
        : '';
    const kind = m[1] === 'line' ? 'line' : 'next-line';
    const rules = list.split(/[\s,]+/).filter((r) => r !== '' && r !== '*');
    const targetLine = kind === 'line' ? lines.line(start) : lines.line(end) + 1;
    out.push({ kind, rules, reason, start, end, targetLine });
    at = end - SUPPRESSION_MARK.length;
  }
  return out;
}

export interface SuppressionResult {
  findings: Finding[];
  /** Suppressions that silenced nothing among the rules that ran. */
  unused: Suppression[];
  /** Rule ids named by a suppression that no rule has. */
  unknown: { suppression: Suppression; rule: string }[];
  suppressed: number;
}

/**
 * Drops the findings a suppression covers. `ranRules` are the rules that were run (a suppression
 * only for rules that did not run cannot be judged unused); `knownRules` every registered id.
 */
export function applySuppressions(
  source: string,
  findings: readonly Finding[],
  ranRules: readonly string[],
  knownRules: readonly string[],
  suppressions: readonly Suppression[] = parseSuppressions(source),
): SuppressionResult {
  if (suppressions.length === 0)
    return { findings: [...findings], unused: [], unknown: [], suppressed: 0 };
  const lines = new LineMap(source);
  const used = new Set<Suppression>();
  const kept: Finding[] = [];
  for (const f of findings) {
    const line = lines.line(f.start);
    const by = suppressions.find(
      (s) => s.targetLine === line && (s.rules.length === 0 || s.rules.includes(f.rule)),
    );
    if (by) used.add(by);
    else kept.push(f);
  }
  const unused = suppressions.filter(
    (s) =>
      !used.has(s) &&
      (s.rules.length === 0 ? ranRules.length > 0 : s.rules.some((r) => ranRules.includes(r))),
  );
  const unknown = suppressions.flatMap((s) =>
    s.rules.filter((r) => !knownRules.includes(r)).map((rule) => ({ suppression: s, rule })),
  );
  return { findings: kept, unused, unknown, suppressed: findings.length - kept.length };
}

/** What the CLI's note and the editor's hint say about a suppression that silenced nothing. */
export function unusedSuppressionMessage(s: Suppression): string {
  const what = s.rules.length > 0 ? s.rules.join(', ') : 'any rule';
  return `Unused suppression: no finding of ${what} on line ${s.targetLine} to silence`;
}

export function unknownRuleMessage(rule: string, known: readonly string[]): string {
  return `Unknown rule '${rule}' in a flushguard suppression; known rules: ${known.join(', ')}`;
}

/** The comment text a quick fix inserts on the line above a finding. */
export function suppressionComment(ruleId: string, reason = 'reason'): string {
  return `/* flushguard-disable-next-line ${ruleId} -- ${reason} */`;
}

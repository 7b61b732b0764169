/**
 * The review modes' output: the lint formats as they are, with the additions of the contract
 * (JSON `resolved` and `unchanged`; SARIF `baselineState` and `partialFingerprints`; the patch
 * subject before its findings in text).
 */
import { formatJson } from '../formatters/json';
import { formatSarif } from '../formatters/sarif';
import type { SarifRuleInfo } from '../formatters/sarif';
import { formatText } from '../formatters/text';
import type { Identified } from './identity';
import type { SectionResult } from './review';

export type Format = 'text' | 'json' | 'sarif';

export interface OutputOptions {
  format: Format;
  verbose: boolean;
  sarifRules: SarifRuleInfo[];
  version: string;
  /** Additions of the plain lint JSON (skipped, skippedFunctions) kept in review mode too. */
  extra?: Record<string, unknown>;
}

export function renderReview(results: SectionResult[], o: OutputOptions): string {
  switch (o.format) {
    case 'json':
      return renderJson(results, o.extra ?? {});
    case 'sarif':
      return renderSarif(results, o);
    case 'text':
      return results.map((r) => renderText(r, o.verbose)).join('');
  }
}

/** The JSON findings' shape, from the JSON formatter itself so both stay one contract. */
function shaped(found: Identified[]): Record<string, unknown>[] {
  return (
    JSON.parse(
      formatJson(
        found.map((i) => i.finding),
        0,
      ),
    ) as { findings: Record<string, unknown>[] }
  ).findings;
}

function renderJson(results: SectionResult[], extra: Record<string, unknown>): string {
  const series = results.length > 1;
  const tag = (r: SectionResult, list: Record<string, unknown>[]): Record<string, unknown>[] =>
    series ? list.map((f) => ({ ...f, patch: r.subject ?? '' })) : list;
  const scanned = results.reduce((n, r) => n + r.scanned, 0);
  const base = JSON.parse(
    formatJson(
      results.flatMap((r) => r.introduced.map((i) => i.finding)),
      scanned,
    ),
  ) as Record<string, unknown>;
  base['findings'] = results.flatMap((r) => tag(r, shaped(r.introduced)));
  base['resolved'] = results.flatMap((r) => tag(r, shaped(r.resolved)));
  base['unchanged'] = results.reduce((n, r) => n + r.unchanged.length, 0);
  return JSON.stringify({ ...base, ...extra }, null, 2) + '\n';
}

type State = 'new' | 'unchanged' | 'absent';

function renderSarif(results: SectionResult[], o: OutputOptions): string {
  const all: { id: Identified; state: State }[] = results.flatMap((r) => [
    ...r.introduced.map((id) => ({ id, state: 'new' as const })),
    ...r.unchanged.map((id) => ({ id, state: 'unchanged' as const })),
    ...r.resolved.map((id) => ({ id, state: 'absent' as const })),
  ]);
  const log = JSON.parse(
    formatSarif(
      all.map((x) => x.id.finding),
      o.sarifRules,
      o.version,
    ),
  ) as {
    runs: { results: Record<string, unknown>[] }[];
  };
  const run = log.runs[0]!;
  run.results = run.results.map((res, i) => {
    const { id, state } = all[i]!;
    const fingerprints = {
      ...(res['partialFingerprints'] as Record<string, string> | undefined),
      'flushguardIdentity/v1': id.fingerprint,
    };
    // An absent result is one the change removed: SARIF's "pass" (level none), not an alert.
    const absent = state === 'absent' ? { kind: 'pass', level: 'none' } : {};
    return { ...res, ...absent, baselineState: state, partialFingerprints: fingerprints };
  });
  return JSON.stringify(log, null, 2) + '\n';
}

function renderText(r: SectionResult, verbose: boolean): string {
  const found = formatText(
    r.introduced.map((i) => i.finding),
    r.scanned,
    verbose,
  );
  const head = r.subject ? `${r.subject}\n` : '';
  const resolved = verbose
    ? r.resolved
        .map(
          (i) =>
            `${i.finding.file}:${i.finding.line}:${i.finding.column}: note: resolved: ${i.finding.message} [${i.finding.rule}]\n`,
        )
        .join('')
    : '';
  const n = r.introduced.length;
  const tail = `flushguard: ${n} introduced, ${r.resolved.length} resolved, ${r.unchanged.length} unchanged\n`;
  return head + found + resolved + tail;
}

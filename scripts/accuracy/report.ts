/** Text of the harness's summary: rates with their goals and verdicts, slices, lists. */
import type { FunctionOutcome, LedgerScore, MutationOutcome, Rate } from './score';
import {
  alarms,
  byAge,
  byApi,
  byShape,
  falseAlarms,
  ratio,
  recall,
  recallBy,
  recallNewOrChanged,
} from './score';

export const GOALS = { recall: 0.85, falseAlarms: 0.05 } as const;

const pct = (r: Rate): string => `${r.hit}/${r.total} = ${ratio(r).toFixed(2)}`;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function slices(title: string, m: Map<string, Rate>): string {
  const parts = [...m].map(([k, r]) => `${k} ${r.hit}/${r.total}`);
  return `  ${title.padEnd(9)} ${parts.join(' | ')}`;
}

function recallLine(label: string, r: Rate): string {
  return `${label}: ${pct(r)}   goal >= ${GOALS.recall}   ${r.total === 0 ? 'n/a' : verdict(ratio(r) >= GOALS.recall)}`;
}

function alarmLine(label: string, r: Rate): string {
  return `${label}: ${pct(r)}   goal <= ${GOALS.falseAlarms}   ${r.total === 0 ? 'n/a' : verdict(ratio(r) <= GOALS.falseAlarms)}`;
}

export function mutationReport(
  outcomes: readonly MutationOutcome[],
  functions: readonly FunctionOutcome[],
  withAge: boolean,
  list: boolean,
): string[] {
  const out: string[] = [];
  out.push(recallLine('mutation recall', recall(outcomes)));
  out.push(slices('by API', recallBy(outcomes, byApi)));
  out.push(slices('by shape', recallBy(outcomes, byShape)));
  if (withAge) {
    out.push(slices('by age', recallBy(outcomes, byAge)));
    out.push(recallLine('  new or changed since 6.1', recallNewOrChanged(outcomes)));
  }
  const byCaller = outcomes.filter((o) => o.byCaller);
  if (byCaller.length > 0)
    out.push(
      `  detected in a caller of the mutated function (a helper's contract): ${byCaller.length}`,
    );
  const notFound = outcomes.filter((o) => o.result === 'not-found');
  const skipped = outcomes.filter((o) => o.result === 'skipped');
  if (notFound.length > 0) out.push(`  labels matching no call (not counted): ${notFound.length}`);
  if (skipped.length > 0)
    out.push(`  removals over the time budget (counted as missed): ${skipped.length}`);
  out.push(
    alarmLine('false alarms (untouched labelled functions with a finding)', falseAlarms(functions)),
  );
  const known = functions.filter((f) => (f.known ?? []).length > 0);
  if (known.length > 0)
    out.push(
      `  findings in labelled functions the ledger reviewed as true (not counted): ${known.map((f) => `${f.function} (${f.known!.join(', ')})`).join('; ')}`,
    );
  if (withAge) {
    const young = functions.filter((f) => f.age === 'new' || f.age === 'changed');
    out.push(alarmLine('  new or changed since 6.1', falseAlarms(young)));
  }
  if (list) {
    for (const o of byCaller)
      out.push(
        `  BY CALLER ${o.site.file} ${o.site.function} ${o.site.call}#${o.site.occurrence} [${o.site.shape}]: ${o.detail ?? ''}`,
      );
    for (const o of outcomes.filter((x) => x.result !== 'detected'))
      out.push(
        `  ${o.result.toUpperCase()} ${o.site.file} ${o.site.function} ${o.site.call}#${o.site.occurrence} [${o.site.shape}${o.age ? `, ${o.age}` : ''}]${o.detail ? ` (${o.detail})` : ''}`,
      );
    for (const f of functions.filter((x) => alarms(x).length > 0))
      out.push(
        `  FALSE ALARM ${f.file} ${f.function}${f.age ? ` [${f.age}]` : ''}: ${[...new Set(alarms(f))].join(', ')}`,
      );
  }
  return out;
}

export function ledgerReport(s: LedgerScore, hasLedger: boolean): string[] {
  if (!hasLedger) return [`ledger: none yet; ${s.findings} findings not reviewed`];
  const v = s.byVerdict;
  const out = [
    `ledger: ${s.findings - s.unreviewed}/${s.findings} findings reviewed: TP ${v.TP}, contract-only ${v['contract-only']}, FP ${v.FP}, undecided ${v.undecided}; not yet reviewed ${s.unreviewed}`,
    `  precision on reviewed findings TP/(TP+FP): ${pct(s.precision)}; counting contract-only as true: ${pct(s.precisionWithContract)}`,
  ];
  if (s.unreviewed > 0)
    out.push(
      `  not reviewed by rule: ${[...s.unreviewedByRule].map(([r, n]) => `${r} ${n}`).join(', ')}`,
    );
  if (s.stale > 0) out.push(`  ledger entries matching no finding of this run: ${s.stale}`);
  return out;
}

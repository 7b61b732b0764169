/** The harness's arithmetic: recall and false alarms by slice, precision against a ledger. Pure. */
import { apiFamily, ledgerKey, ledgerVerdicts } from './data';
import type { LabelSite, Ledger, Verdict } from './data';

/** For a 6.12 function: absent from 6.1's same file (new), present with other text (changed). */
export type Age = 'unchanged' | 'changed' | 'new';

export interface MutationOutcome {
  site: LabelSite;
  age?: Age;
  /** not-found: the label matches no call in the tree (stale label); skipped: over the budget. */
  result: 'detected' | 'missed' | 'not-found' | 'skipped';
  /** The rules that reported, or why it was skipped / not found. */
  detail?: string;
  /** Detected in a function that calls the mutated one, not in the function itself. */
  byCaller?: boolean;
}

export interface FunctionOutcome {
  file: string;
  function: string;
  age?: Age;
  /** Findings in the untouched function (a false alarm: its flushes are all in place). */
  rules: string[];
  /** Of `rules`, those the triage ledger reviewed as true: not false alarms (markKnown). */
  known?: string[];
  skipped?: string;
}

export interface Rate {
  hit: number;
  total: number;
}

export const ratio = (r: Rate): number => (r.total === 0 ? 0 : r.hit / r.total);

/** Sites that count for recall: found in the tree. A site over the budget counts as missed. */
export function counted(o: MutationOutcome): boolean {
  return o.result !== 'not-found';
}

export function recall(outcomes: readonly MutationOutcome[]): Rate {
  const c = outcomes.filter(counted);
  return { hit: c.filter((o) => o.result === 'detected').length, total: c.length };
}

export function recallBy(
  outcomes: readonly MutationOutcome[],
  key: (o: MutationOutcome) => string,
): Map<string, Rate> {
  const groups = new Map<string, MutationOutcome[]>();
  for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  return new Map(
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, recall(v)]),
  );
}

export const byShape = (o: MutationOutcome): string => o.site.shape;
export const byApi = (o: MutationOutcome): string => apiFamily(o.site.call);
export const byAge = (o: MutationOutcome): string => o.age ?? 'unchanged';

/** Recall over the functions new or changed since 6.1 (the code the engine was not tuned on). */
export function recallNewOrChanged(outcomes: readonly MutationOutcome[]): Rate {
  return recall(outcomes.filter((o) => o.age === 'new' || o.age === 'changed'));
}

export function falseAlarms(functions: readonly FunctionOutcome[]): Rate {
  const c = functions.filter((f) => f.skipped === undefined);
  return { hit: c.filter((f) => alarms(f).length > 0).length, total: c.length };
}

/**
 * The rules whose findings in an untouched labelled function are false alarms: all of them but
 * those the triage ledger reviewed as true (`known`, set by markKnown). A labelled function may
 * hold a real bug of its own next to its correct flushes (a range that misses the buffer).
 */
export function alarms(f: FunctionOutcome): string[] {
  return f.rules.filter((r) => !f.known?.includes(r));
}

/** Marks each function's findings that the ledger reviewed as TP or contract-only. */
export function markKnown(functions: FunctionOutcome[], ledger: Ledger | undefined): void {
  const real = new Set(
    (ledger?.entries ?? [])
      .filter((e) => e.verdict === 'TP' || e.verdict === 'contract-only')
      .map(ledgerKey),
  );
  for (const f of functions) {
    const known = f.rules.filter((rule) => real.has(ledgerKey({ ...f, rule })));
    if (known.length > 0) f.known = [...new Set(known)];
  }
}

export interface LedgerScore {
  findings: number;
  byVerdict: Record<Verdict, number>;
  unreviewed: number;
  /** TP / (TP + FP); contract-only findings are counted apart. */
  precision: Rate;
  /** (TP + contract-only) / (TP + contract-only + FP). */
  precisionWithContract: Rate;
  /** Ledger entries that match no finding of this run (fixed, or moved to another function). */
  stale: number;
  /** Findings not yet reviewed, grouped by rule. */
  unreviewedByRule: Map<string, number>;
}

export function scoreLedger(
  findings: readonly { file: string; function: string; rule: string }[],
  ledger: Ledger | undefined,
): LedgerScore {
  const verdicts = new Map<string, Verdict>(
    [...ledgerVerdicts(ledger?.entries ?? [])].map(([k, e]) => [k, e.verdict]),
  );
  const byVerdict: Record<Verdict, number> = { TP: 0, 'contract-only': 0, FP: 0, undecided: 0 };
  const matched = new Set<string>();
  const unreviewedByRule = new Map<string, number>();
  let unreviewed = 0;
  for (const f of findings) {
    const key = ledgerKey(f);
    const v = verdicts.get(key);
    if (v === undefined) {
      unreviewed++;
      unreviewedByRule.set(f.rule, (unreviewedByRule.get(f.rule) ?? 0) + 1);
      continue;
    }
    matched.add(key);
    byVerdict[v]++;
  }
  const { TP, FP } = byVerdict;
  const co = byVerdict['contract-only'];
  return {
    findings: findings.length,
    byVerdict,
    unreviewed,
    precision: { hit: TP, total: TP + FP },
    precisionWithContract: { hit: TP + co, total: TP + co + FP },
    stale: [...verdicts.keys()].filter((k) => !matched.has(k)).length,
    unreviewedByRule,
  };
}

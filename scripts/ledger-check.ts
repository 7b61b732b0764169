/**
 * Checks a whole-tree findings JSON against a triage ledger (bench/accuracy/ledger-*.json),
 * matching on file + function + rule: how many reviewed true positives are kept or lost, how
 * many false positives are removed or left, and the same for contract-only and undecided ones.
 * `node --import tsx scripts/ledger-check.ts bench/accuracy/ledger-6.1.json findings.json`
 * Exits 1 when a true positive is lost. Lists what was lost, removed and left with `--list`.
 */
import { readFileSync } from 'node:fs';
import { ledgerKey as key, ledgerVerdicts, parseLedger } from './accuracy/data';

interface Finding {
  file: string;
  function: string;
  rule: string;
}

const args = process.argv.slice(2);
const list = args.includes('--list');
const [ledgerPath, findingsPath] = args.filter((a) => !a.startsWith('--'));
if (!ledgerPath || !findingsPath) {
  process.stderr.write('usage: ledger-check.ts LEDGER.json FINDINGS.json [--list]\n');
  process.exit(2);
}

const ledger = parseLedger(readFileSync(ledgerPath, 'utf8'), ledgerPath).entries;
const findings = (JSON.parse(readFileSync(findingsPath, 'utf8')) as { findings: Finding[] })
  .findings;
const present = new Set(findings.map(key));

const verdicts = ledgerVerdicts(ledger);

const counts = new Map<string, { kept: string[]; gone: string[] }>();
for (const [k, e] of verdicts) {
  const c = counts.get(e.verdict) ?? { kept: [], gone: [] };
  (present.has(k) ? c.kept : c.gone).push(k);
  counts.set(e.verdict, c);
}
const unreviewed = [...present].filter((k) => !verdicts.has(k));

const line = (label: string, kept: string, gone: string, v: string): string => {
  const c = counts.get(v) ?? { kept: [], gone: [] };
  return `${label}: ${kept} ${c.kept.length}, ${gone} ${c.gone.length}`;
};
process.stdout.write(
  [
    `findings: ${findings.length} (${present.size} distinct file+function+rule)`,
    line('TP', 'kept', 'LOST', 'TP'),
    line('FP', 'left', 'removed', 'FP'),
    line('contract-only', 'kept', 'removed', 'contract-only'),
    line('undecided', 'kept', 'removed', 'undecided'),
    `not in the ledger (new): ${unreviewed.length}`,
  ].join('\n') + '\n',
);
if (list) {
  const show = (title: string, keys: string[]): void => {
    if (keys.length > 0)
      process.stdout.write(`\n${title}:\n${keys.map((k) => `  ${k}`).join('\n')}\n`);
  };
  show('TP lost', counts.get('TP')?.gone ?? []);
  show('FP removed', counts.get('FP')?.gone ?? []);
  show('FP left', counts.get('FP')?.kept ?? []);
  show('contract-only removed', counts.get('contract-only')?.gone ?? []);
  show('new', unreviewed);
}
process.exitCode = (counts.get('TP')?.gone.length ?? 0) > 0 ? 1 : 0;

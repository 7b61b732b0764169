/**
 * Compares an independent audit of drawn findings (bench/accuracy/audit-*.json) with the triage
 * ledger, matching on file + function + rule as scripts/ledger-check.ts does (when the ledger
 * holds several verdicts for one key, the one that must be kept wins). Prints both sets of
 * counts and every disagreement; `--write` stores each entry's "ledger" and "agree" fields.
 * `node --import tsx scripts/audit-compare.ts AUDIT.json LEDGER.json [--write]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KEEP_ORDER, ledgerKey as key, ledgerVerdicts, parseLedger } from './accuracy/data';

interface Entry {
  file: string;
  function: string;
  rule: string;
  verdict: string;
  reason?: string;
  ledger?: string;
  agree?: boolean;
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const [auditPath, ledgerPath] = args.filter((a) => !a.startsWith('--'));
if (!auditPath || !ledgerPath) {
  process.stderr.write('usage: audit-compare.ts AUDIT.json LEDGER.json [--write]\n');
  process.exit(2);
}

const ledger = ledgerVerdicts(parseLedger(readFileSync(ledgerPath, 'utf8'), ledgerPath).entries);

const audit = JSON.parse(readFileSync(auditPath, 'utf8')) as { entries: Entry[] };
const mine = new Map<string, number>();
const theirs = new Map<string, number>();
const bump = (m: Map<string, number>, v: string): void => void m.set(v, (m.get(v) ?? 0) + 1);
const out: string[] = [];
for (const e of audit.entries) {
  const l = ledger.get(key(e));
  e.ledger = l?.verdict ?? 'unreviewed';
  e.agree = e.ledger === e.verdict;
  bump(mine, e.verdict);
  bump(theirs, e.ledger);
  if (!e.agree) {
    out.push(`${e.file} ${e.function} (${e.rule}): audit ${e.verdict}, ledger ${e.ledger}`);
    out.push(`  audit:  ${e.reason ?? ''}`);
    out.push(`  ledger: ${l?.reason ?? ''}`);
  }
}
const counts = (m: Map<string, number>): string =>
  [...KEEP_ORDER, 'unreviewed'].map((v) => `${v} ${m.get(v) ?? 0}`).join(', ');
process.stdout.write(`audit:  ${counts(mine)}\nledger: ${counts(theirs)}\n`);
process.stdout.write(
  `agree ${audit.entries.filter((e) => e.agree).length}/${audit.entries.length}\n`,
);
process.stdout.write(out.length ? `${out.join('\n')}\n` : 'no disagreements\n');
if (write) writeFileSync(auditPath, `${JSON.stringify(audit, null, 2)}\n`);

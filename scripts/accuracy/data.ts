/**
 * The accuracy harness's committed data: label files (every flush/invalidate call site of a tree,
 * needed or not, and why) and triage ledgers (a verdict on each reviewed whole-tree finding).
 * Both are JSON under bench/accuracy/; the loaders check the shape and say where it is wrong.
 */

export interface LabelSite {
  /** Relative to the tree root. */
  file: string;
  function: string;
  /** The call's text, whitespace-normalised, without the `;`. */
  call: string;
  /** 1-based, among the same call text in the same function. */
  occurrence: number;
  needed: boolean;
  shape: string;
  reason: string;
}

export interface LabelFile {
  kernel: string;
  sites: LabelSite[];
}

export const VERDICTS = ['TP', 'contract-only', 'FP', 'undecided'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface LedgerEntry {
  file: string;
  function: string;
  rule: string;
  line?: number;
  verdict: Verdict;
  reason: string;
}

export interface Ledger {
  kernel: string;
  entries: LedgerEntry[];
}

export const SHAPES = [
  'kmap-write',
  'page-cache-read-side',
  'callee-write',
  'callback-write',
  'user-ring',
  'vmap-io',
  'bio-completion',
] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: string[] = [];
  constructor(private readonly name: string) {}
  str(o: Obj, key: string, where: string): string {
    const v = o[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.problems.push(`${this.name}: ${where}.${key}: expected a non-empty string`);
    return '';
  }
}

function top(raw: unknown, name: string, list: string): { kernel: string; items: unknown[] } {
  if (!isObj(raw) || typeof raw['kernel'] !== 'string' || !Array.isArray(raw[list]))
    throw new Error(`${name}: expected {"kernel": "...", "${list}": [...]}`);
  return { kernel: raw['kernel'], items: raw[list] as unknown[] };
}

/** Parses and checks a label file; throws with every problem found. */
export function parseLabels(text: string, name: string): LabelFile {
  const { kernel, items } = top(JSON.parse(text) as unknown, name, 'sites');
  const c = new Checker(name);
  const seen = new Set<string>();
  const sites: LabelSite[] = [];
  items.forEach((raw, i) => {
    const at = `sites[${i}]`;
    if (!isObj(raw)) return void c.problems.push(`${name}: ${at}: expected an object`);
    const site: LabelSite = {
      file: c.str(raw, 'file', at),
      function: c.str(raw, 'function', at),
      call: c.str(raw, 'call', at),
      occurrence: typeof raw['occurrence'] === 'number' ? raw['occurrence'] : 1,
      needed: raw['needed'] === true,
      shape: c.str(raw, 'shape', at),
      reason: c.str(raw, 'reason', at),
    };
    if (typeof raw['needed'] !== 'boolean')
      c.problems.push(`${name}: ${at}.needed: expected true or false`);
    if (!Number.isInteger(site.occurrence) || site.occurrence < 1)
      c.problems.push(`${name}: ${at}.occurrence: expected a whole number from 1`);
    if (
      site.shape &&
      !(SHAPES as readonly string[]).includes(site.shape) &&
      !site.shape.startsWith('other: ')
    )
      c.problems.push(
        `${name}: ${at}.shape: expected one of ${SHAPES.join(', ')} or "other: ..." (got "${site.shape}")`,
      );
    if (/^undecided\b/i.test(site.reason))
      c.problems.push(`${name}: ${at}.reason: decide; start with "unsure:" when in doubt`);
    const key = siteKey(site);
    if (seen.has(key)) c.problems.push(`${name}: ${at}: the same site is labelled twice (${key})`);
    seen.add(key);
    sites.push(site);
  });
  if (c.problems.length > 0) throw new Error(c.problems.join('\n'));
  return { kernel, sites };
}

/** Parses and checks a triage ledger; throws with every problem found. */
export function parseLedger(text: string, name: string): Ledger {
  const { kernel, items } = top(JSON.parse(text) as unknown, name, 'entries');
  const c = new Checker(name);
  const entries: LedgerEntry[] = [];
  items.forEach((raw, i) => {
    const at = `entries[${i}]`;
    if (!isObj(raw)) return void c.problems.push(`${name}: ${at}: expected an object`);
    const verdict = raw['verdict'];
    if (!(VERDICTS as readonly unknown[]).includes(verdict))
      c.problems.push(`${name}: ${at}.verdict: expected one of ${VERDICTS.join(', ')}`);
    const entry: LedgerEntry = {
      file: c.str(raw, 'file', at),
      function: c.str(raw, 'function', at),
      rule: c.str(raw, 'rule', at),
      verdict: verdict as Verdict,
      reason: c.str(raw, 'reason', at),
    };
    if (typeof raw['line'] === 'number') entry.line = raw['line'];
    entries.push(entry);
  });
  if (c.problems.length > 0) throw new Error(c.problems.join('\n'));
  return { kernel, entries };
}

export function siteKey(s: Pick<LabelSite, 'file' | 'function' | 'call' | 'occurrence'>): string {
  return `${s.file}::${s.function}::${s.call}#${s.occurrence}`;
}

/** The ledger's matching key: a finding is judged by file, function and rule (not line). */
export function ledgerKey(f: { file: string; function: string; rule: string }): string {
  return `${f.file}::${f.function}::${f.rule}`;
}

/** Verdicts in the order of what a change must keep: a true finding first, a false one last. */
export const KEEP_ORDER: readonly Verdict[] = ['TP', 'contract-only', 'undecided', 'FP'];

/**
 * One entry per ledger key. A function with two findings of one rule can carry two verdicts (one
 * write true, one false) that file + function + rule cannot tell apart: the one that must be kept
 * wins, so a lost true finding is never hidden by its false twin.
 */
export function ledgerVerdicts<
  E extends Pick<LedgerEntry, 'file' | 'function' | 'rule' | 'verdict'>,
>(entries: readonly E[]): Map<string, E> {
  const out = new Map<string, E>();
  for (const e of entries) {
    const old = out.get(ledgerKey(e));
    if (!old || KEEP_ORDER.indexOf(e.verdict) < KEEP_ORDER.indexOf(old.verdict))
      out.set(ledgerKey(e), e);
  }
  return out;
}

export type ApiFamily = 'dcache' | 'vmap';

export function apiFamily(call: string): ApiFamily {
  return /^(?:flush|invalidate)_kernel_vmap_range\b/.test(call) ? 'vmap' : 'dcache';
}

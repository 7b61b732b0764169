/**
 * "Check workspace": every C file under the workspace roots, excluded globs skipped, linted one
 * after the other (in the server, on the analysis thread: analysisWorker.ts), with a turn of the
 * event loop between files, so that edits stay responsive and a cancel is seen within one file. Files that mention no cache API are
 * not parsed at all (the rules' text pre-filter: about 98 % of the kernel's files).
 */
import { MIB, readBounded } from '../host/boundedRead';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Parser } from '../parsing/parser';
import { BudgetExceeded, parseC } from '../parsing/parser';
import { relevantToFile, selectRules } from '../linter';
import type { LintResult } from '../linter';
import { IncrementalLinter } from './incrementalLint';
import { RULE_IDS } from '../rules/index';
import { applySuppressions } from '../suppress';
import { enabledRules, severityOf } from '../config/settings';
import type { Settings } from '../config/settings';
import { GlobSet } from '../config/glob';
import type { Finding } from '../rules/types';
import type { Suppression } from '../suppress';
import type { CheckWorkspaceResult } from '../protocol/workspace';

/** The CLI's limit for one C file (server/src/cli/files.ts MAX_SOURCE_BYTES). */
const MAX_SOURCE_BYTES = 64 * MIB;

export interface FileReport {
  path: string;
  source: string;
  findings: Finding[];
  unused: Suppression[];
}

/** Lints one file: undefined when cancelled, null when over the budget or the parser's limits. */
export type LintFile = (
  source: string,
  rules: string[],
  cancelled: () => boolean,
) => Promise<LintResult | null | undefined>;

export interface CheckOptions {
  roots: string[];
  lint: LintFile;
  settingsFor: (root: string) => Settings;
  /** Open documents are the editor's business; the scan leaves them alone. */
  skip: (path: string) => boolean;
  report: (file: FileReport) => void;
  progress: (done: number, total: number, path: string) => void;
  cancelled: () => boolean;
}

const C_FILE = /\.[ch]$/;
/** The CLI's default time budget for one file. */
export const FILE_BUDGET_MS = 20_000;
/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 8;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function collect(
  root: string,
  exclude: GlobSet,
  cancelled: () => boolean,
): Promise<string[]> {
  const files: string[] = [];
  const stack = [root];
  while (stack.length > 0 && !cancelled()) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      const rel = relative(root, p).split(sep).join('/');
      if (exclude.matches(rel)) continue;
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && C_FILE.test(e.name)) files.push(p);
    }
  }
  return files.sort();
}

/**
 * Lints one file on this thread, function by function, giving the event loop a turn every few
 * milliseconds (between functions only: the server uses its analysis thread instead).
 */
export const lintInThread =
  (parser: Parser): LintFile =>
  (source, rules, cancelled) =>
    lintYielding(parser, source, rules, cancelled).catch((e: unknown) => {
      if (e instanceof BudgetExceeded) return null;
      throw e;
    });

async function lintYielding(
  parser: Parser,
  source: string,
  rules: string[],
  cancelled: () => boolean,
): Promise<LintResult | undefined> {
  if (!selectRules(rules).some((r) => relevantToFile(r, source)))
    return { findings: [], skipped: [] };
  const deadline = performance.now() + FILE_BUDGET_MS;
  const parsed = parseC(parser, source, undefined, deadline);
  try {
    const it = new IncrementalLinter().run(parsed, rules, deadline);
    let sliceEnd = performance.now() + SLICE_MS;
    for (;;) {
      const step = it.next();
      if (step.done === true) return step.value;
      if (performance.now() < sliceEnd) continue;
      await turn();
      if (cancelled()) return undefined;
      sliceEnd = performance.now() + SLICE_MS;
    }
  } finally {
    parsed.tree.delete();
  }
}

export async function checkWorkspace(o: CheckOptions): Promise<CheckWorkspaceResult> {
  const t0 = performance.now();
  const result: CheckWorkspaceResult = {
    files: 0,
    analysed: 0,
    findings: 0,
    filesWithFindings: 0,
    cancelled: false,
    elapsedMs: 0,
  };
  const work: { root: string; path: string }[] = [];
  for (const root of o.roots) {
    const files = await collect(root, new GlobSet(o.settingsFor(root).exclude), o.cancelled);
    for (const path of files) if (!o.skip(path)) work.push({ root, path });
  }
  let sliceEnd = performance.now() + 20;
  for (let i = 0; i < work.length; i++) {
    if (performance.now() > sliceEnd) {
      o.progress(i, work.length, work[i]!.path);
      await turn();
      sliceEnd = performance.now() + 20;
    }
    if (o.cancelled()) {
      result.cancelled = true;
      break;
    }
    const { root, path } = work[i]!;
    result.files++;
    // Regular files only, size checked before reading: a `.c` that is a FIFO, a symlink to
    // /dev/zero or a sparse giant costs a stat, as in the CLI (server/src/cli/files.ts).
    const read = readBounded(path, MAX_SOURCE_BYTES);
    if (!read.ok) continue;
    const source = read.bytes.toString('utf8');
    const settings = o.settingsFor(root);
    const rules = enabledRules(settings);
    if (!selectRules(rules).some((r) => relevantToFile(r, source)) || source.includes('\u0000')) {
      o.report({ path, source, findings: [], unused: [] });
      continue;
    }
    result.analysed++;
    let findings: Finding[] = [];
    let unused: Suppression[] = [];
    const lint = await o.lint(source, rules, o.cancelled);
    if (lint === undefined) {
      result.cancelled = true;
      break;
    }
    if (lint) {
      const s = applySuppressions(source, lint.findings, rules, RULE_IDS);
      findings = s.findings.map((f) => {
        const sev = severityOf(settings, f.rule);
        return { ...f, severity: sev === 'off' ? f.severity : sev };
      });
      unused = s.unused;
    }
    result.findings += findings.length;
    if (findings.length > 0) result.filesWithFindings++;
    o.report({ path, source, findings, unused });
  }
  o.progress(work.length, work.length, '');
  result.elapsedMs = Math.round(performance.now() - t0);
  return result;
}

/** `flushguard lint`: files in, findings out in text, JSON or SARIF; exit 0/1/2. */
import { availableParallelism } from 'node:os';
import { RULE_IDS, RULES } from '../rules/index';
import { createParser, initParser, parserReady } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { choice, positiveInt, UsageError } from './args';
import type { ParsedArgs } from './args';
import { collectFiles } from './files';
import type { InputFile } from './files';
import { Configs, fileOptions } from './lintConfig';
import { CONFIG_FILE, problemMessage } from '../config/settings';
import { resolve } from 'node:path';
import { displayName, escapeControls } from '../sanitise';
import { lintFile } from './lintFiles';
import type { FileOutcome, LintFileOptions } from './lintFiles';
import { lintInWorkers } from './pool';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { formatText } from './formatters/text';
import { docsUri, packageVersion, ruleDocMarkdown } from './package';

/** Files fewer than this are linted in the main thread: starting workers costs more. */
const WORKER_THRESHOLD = 64;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
}

export async function lintCommand(args: ParsedArgs, rawIo: Io): Promise<number> {
  // Messages quote input (names, reasons): controls are escaped on the way to the terminal.
  const io: Io = { ...rawIo, err: (s) => rawIo.err(escapeControls(s, true)) };
  const format = choice(args, '--format', ['text', 'json', 'sarif'] as const, 'text');
  const rules = args.options.get('--rule') ?? [];
  for (const r of rules) {
    if (!RULE_IDS.includes(r))
      throw new UsageError(`unknown rule '${r}'; known rules: ${RULE_IDS.join(', ')}`);
  }
  const jobs = positiveInt(args, '--jobs', Math.max(1, availableParallelism()));
  const budgetMs = positiveInt(args, '--budget', 20_000);
  if (args.positional.length === 0) throw new UsageError('lint needs at least one PATH');

  const collected = collectFiles(args.positional);
  const errors = collected.errors;
  const configs = new Configs(args.options.get('--config')?.[0]);
  const explicit = new Set(args.positional.map((n) => resolve(n)));
  for (const p of args.positional) configs.of(p);
  const files: InputFile[] = [];
  for (const f of collected.files) {
    const config = configs.of(f.path);
    if (configs.excludes(config, f.path)) {
      if (explicit.has(resolve(f.path)))
        io.err(`flushguard: ${displayName(f.path)}: excluded by ${config.file ?? CONFIG_FILE}\n`);
      continue;
    }
    files.push({ ...f, options: fileOptions(config, rules) });
  }
  // CI fails loudly on a broken configuration: every problem named, nothing linted.
  if (configs.problems.length > 0) {
    io.err(`flushguard: ${problemMessage(configs.problems)}\n`);
    return 2;
  }
  for (const e of errors) io.err(`flushguard: ${e}\n`);
  const options: LintFileOptions = { rules: [...rules], budgetMs };
  const progress = progressReporter(io, files.length, !args.options.has('--no-progress'));
  let outcomes: FileOutcome[];
  if (jobs > 1 && files.length >= WORKER_THRESHOLD) {
    outcomes = await lintInWorkers(files, options, jobs, progress);
  } else {
    await initParser(wasmSources());
    const parser = createParser();
    outcomes = [];
    for (const f of files) {
      await parserReady();
      outcomes.push(lintFile(parser, f, options));
      progress(outcomes.length);
    }
    parser.delete();
  }
  progress(-1);

  let unreadable = errors.length > 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.error) {
      unreadable = true;
      io.err(`flushguard: ${displayName(o.display)}: ${o.error}\n`);
    } else if (o.skipped) {
      skipped++;
      // A fault of ours never passes for a clean run.
      if (o.internal === true) unreadable = true;
      io.err(`flushguard: ${displayName(o.display)}: skipped: ${o.skipped}\n`);
    }
  }
  const findings = outcomes.flatMap((o) => o.findings);
  const scanned = outcomes.filter((o) => !o.error && !o.skipped).length;
  const skippedFunctions = outcomes.flatMap((o) =>
    o.skippedFunctions.map((s) => ({
      file: o.display,
      line: s.line,
      function: s.function,
      reason: s.reason,
    })),
  );
  if (format === 'json') {
    // Additions after the contract's keys (version, filesScanned, findings), only when non-empty.
    const extra = {
      ...(skipped > 0 ? { skipped } : {}),
      ...(skippedFunctions.length > 0 ? { skippedFunctions } : {}),
    };
    io.out(formatJson(findings, scanned, extra));
  } else if (format === 'sarif') {
    const active = rules.length > 0 ? RULES.filter((r) => rules.includes(r.meta.id)) : RULES;
    const base = args.options.get('--docs-base')?.[0];
    io.out(
      formatSarif(
        findings,
        active.map((r) => ({
          meta: r.meta,
          helpUri: docsUri(r.meta.id, base),
          helpMarkdown: ruleDocMarkdown(r.meta.id),
        })),
        packageVersion(),
      ),
    );
  } else {
    const verbose = args.options.has('--verbose');
    // gcc-style notes for the functions the rules could not analyse (too deep, too large).
    if (verbose)
      for (const s of skippedFunctions)
        io.out(
          `${displayName(s.file)}:${s.line}: note: function ${s.function} not analysed: ${s.reason}\n`,
        );
    io.out(formatText(findings, scanned, verbose, skipped));
  }
  if (unreadable) return 2;
  return findings.length > 0 ? 1 : 0;
}

function progressReporter(io: Io, total: number, enabled: boolean): (done: number) => void {
  if (!enabled || !io.isTTY || total < WORKER_THRESHOLD) return () => undefined;
  let last = 0;
  return (done) => {
    if (done < 0) {
      io.err('\r\x1b[K');
      return;
    }
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    io.err(`\rflushguard: ${done}/${total} files (${Math.floor((100 * done) / total)} %)`);
  };
}

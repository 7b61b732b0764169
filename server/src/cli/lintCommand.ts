/** `flushguard lint`: files in, findings out in text, JSON or SARIF; exit 0/1/2. */
import { availableParallelism } from 'node:os';
import { RULE_IDS, RULES } from '../rules/index';
import { mayReport } from '../linter';
import { createParser, initParser, parserReady } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { choice, kernelVersionOption, positiveInt, UsageError } from './args';
import type { ParsedArgs } from './args';
import { collectFiles, Listings } from './files';
import { Configs, fileOptions, groupByOptions } from './lintConfig';
import type { Config as FileConfig } from './lintConfig';
import { displayName, escapeControls } from '../sanitise';
import type { InputFile } from './files';
import { CONFIG_FILE, problemMessage } from '../config/settings';
import type { Settings } from '../config/settings';
import { relative, resolve, sep } from 'node:path';
import { lintFile, quietOutcome } from './lintFiles';
import type { FileOutcome, LintFileOptions } from './lintFiles';
import { lintInWorkers } from './pool';
import { buildTreeFacts, findKernelRoot } from '../xref/build';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { formatText } from './formatters/text';
import { docsUri, packageVersion, ruleDocMarkdown } from '../host/package';
import { applyReach } from './report';
import { cacheHome } from '../tree/store';
import { engineId } from '../tree/engine';
import { LintCache } from '../tree/lintCache';
import type { WalkedTree } from '../tree/lintCache';
import { ReachService } from '../tree/reachService';
import { stdinInput } from './review/stdin';
import { fileKernelVersion } from '../kernel/fromTree';
import { newestKnownKernelVersion } from '../kernel/known';
import { describeKernelVersion } from '../kernel/version';
import type { KernelVersion } from '../kernel/version';

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
  const quiet = args.options.has('--quiet');
  const verbose = args.options.has('--verbose');
  if (quiet && verbose) throw new UsageError('--quiet and --verbose ask for opposite things');
  const stdin = stdinInput(args);
  // Each file takes the `.flushguard.json` nearest it (or `--config`); a broken one fails the run.
  const configs = new Configs(args.options.get('--config')?.[0]);
  for (const p of stdin.paths) configs.of(p);
  const listings = new Listings();
  const collected = collectEach(stdin.paths, listings);
  const inputs = [
    ...(stdin.file ? [{ file: stdin.file, config: configs.of(stdin.file.display) }] : []),
    ...excludeFiles(
      collected.files.map((file) => ({ file, config: configs.ofFile(file.path) })),
      args.positional,
      configs,
      io,
    ),
  ];
  if (configs.problems.length > 0) {
    io.err(`flushguard: ${problemMessage(configs.problems)}\n`);
    return 2;
  }
  const errors = collected.errors;
  for (const e of errors) io.err(`flushguard: ${e}\n`);
  const kernelOption = kernelVersionOption(args);
  const groups = groupByOptions(inputs, ({ config }): LintFileOptions => {
    const { rules: ran, severities } = fileOptions(config, rules);
    const kernelVersion = kernelOption ?? config.settings.kernelVersion;
    return { rules: ran, budgetMs, severities, ...(kernelVersion ? { kernelVersion } : {}) };
  });
  // Files inside a kernel tree are judged with the tree's index (issue 13), built or refreshed first.
  const root = inputs.length > 0 ? kernelRootOf(args.positional) : undefined;
  let walked: (WalkedTree & { quiet: ReadonlySet<string> }) | undefined;
  if (root) {
    const onStart = quiet ? undefined : announceIndexing(io, root);
    const built = await buildTreeFacts(root, {
      jobs,
      noCache: args.options.has('--no-cache'),
      onStart,
      lintable: mayReport,
      listed: (dir) => listings.take(dir),
    });
    for (const g of groups) g.options.tree = { root, files: built.facts, digest: built.digest };
    walked = { root, stamps: built.stamps, quiet: built.quiet };
    if (args.options.has('--verbose') && format === 'text')
      io.err(
        `flushguard: index of ${root}: ${built.stats.parsed} files summarised, ${built.stats.reused} reused, ${built.stats.ms} ms\n`,
      );
  }
  // Files unchanged since a run with the same engine and options come from the cache.
  const home = args.options.has('--no-cache') ? undefined : cacheHome();
  const passes = groups.map((g) => {
    const files = g.files.map((i) => i.file);
    const cache =
      home === undefined
        ? undefined
        : new LintCache<FileOutcome>(
            files,
            home,
            {
              engine: engineId(),
              // The index by its digest: hashing its facts again for each group would cost seconds.
              options: { ...g.options, tree: g.options.tree?.digest },
            },
            undefined,
            walked,
          );
    return { ...g, cache, todo: cache ? cache.misses.map((i) => files[i]!) : files };
  });
  const total = passes.reduce((n, p) => n + p.todo.length, 0);
  const progress = progressReporter(io, total, !quiet && !args.options.has('--no-progress'));
  const outcomes: FileOutcome[] = new Array<FileOutcome>(inputs.length);
  let done = 0;
  for (const pass of passes) {
    const offset = done;
    let linted = await lintUnlessQuiet(pass.todo, walked, (todo) =>
      lintAll(todo, pass.options, jobs, (d) => progress(offset + d)),
    );
    done += pass.todo.length;
    if (pass.cache) {
      linted = pass.cache.merge(linted);
      pass.cache.save(args.positional);
    }
    pass.indices.forEach((i, k) => (outcomes[i] = linted[k]!));
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
  const reach = new ReachService({ home, engine: engineId() });
  const findings = outcomes.flatMap((o, i) =>
    applyReach(o.findings, (file, line) => reach.reachAt(file, line), {
      contractOnlySeverity: inputs[i]!.config.settings.contractOnlySeverity ?? 'info',
      aliasingOnly: args.options.has('--aliasing-only'),
    }),
  );
  reach.save();
  const scanned = outcomes.filter((o) => !o.error && !o.skipped).length;
  const skippedFunctions = outcomes.flatMap((o) =>
    o.skippedFunctions.map((s) => ({
      file: o.display,
      line: s.line,
      function: s.function,
      reason: s.reason,
    })),
  );
  const unusedSuppressions = outcomes.flatMap((o) => o.unusedSuppressions);
  if (format === 'json') {
    // Additions after the contract's keys (version, filesScanned, findings), only when non-empty.
    const extra = {
      ...(skipped > 0 ? { skipped } : {}),
      ...(skippedFunctions.length > 0 ? { skippedFunctions } : {}),
      ...(unusedSuppressions.length > 0 ? { unusedSuppressions } : {}),
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
    // gcc-style notes for the functions the rules could not analyse (too deep, too large).
    if (verbose)
      for (const s of skippedFunctions)
        io.out(
          `${displayName(s.file)}:${s.line}: note: function ${s.function} not analysed: ${s.reason}\n`,
        );
    const notes = quiet
      ? []
      : unusedSuppressions.map((u) => `${u.file}:${u.line}:${u.column}: note: ${u.message}`);
    if (verbose)
      notes.push(
        ...kernelVersionNotes(
          inputs.map((i) => ({
            path: i.file.path,
            setting: kernelOption ?? i.config.settings.kernelVersion,
          })),
        ),
      );
    // What the tree index contributed: why a page was let go (issue 13).
    if (verbose && !quiet)
      for (const o of outcomes)
        notes.push(...(o.notes ?? []).map((n) => `${o.display}:${n.line}: note: ${n.note}`));
    io.out(formatText(findings, scanned, verbose, { notes, quiet, skipped }));
  }
  if (unreadable) return 2;
  return findings.length > 0 ? 1 : 0;
}

/** `--verbose`: which kernel version each tree is checked as, once per distinct answer. */
function kernelVersionNotes(
  files: { path: string; setting: KernelVersion | undefined }[],
): string[] {
  const counts = new Map<string, number>();
  const newest = newestKnownKernelVersion();
  for (const f of files) {
    const line = describeKernelVersion(fileKernelVersion(f.path, f.setting), newest);
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(
    ([line, n]) => `flushguard: note: ${line}: ${n} file${n === 1 ? '' : 's'}`,
  );
}

/**
 * The C files under each PATH; a directory without any is an error of its own (exit 2), like a
 * path that does not exist, so a mistyped tree never passes as "0 findings".
 */
function collectEach(
  paths: string[],
  listings: Listings,
): { files: InputFile[]; errors: string[] } {
  const files: InputFile[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const one = collectFiles([p], listings);
    errors.push(...one.errors);
    if (one.files.length === 0 && one.errors.length === 0)
      errors.push(`${p}: no C files (*.c, *.h) in this directory`);
    files.push(...one.files);
  }
  return { files, errors };
}

export interface Config {
  settings: Settings;
  root: string;
  file?: string;
}

/**
 * `--config FILE`, else the `.flushguard.json` nearest the first linted path (not the working
 * directory): settings, or every problem of the configurations of all linted paths in one message.
 */
export function readConfig(args: ParsedArgs): Config | { problems: string[] } {
  const configs = new Configs(args.options.get('--config')?.[0]);
  const config = configs.of(args.positional[0] ?? '.');
  for (const p of args.positional.slice(1)) configs.of(p);
  if (configs.problems.length > 0) return { problems: [problemMessage(configs.problems)] };
  return {
    settings: config.settings,
    root: config.root,
    ...(config.file ? { file: config.file } : {}),
  };
}

/** Drops files matched by their `exclude`; one named on the command line is mentioned on stderr. */
function excludeFiles<T extends { file: { path: string }; config: FileConfig }>(
  inputs: T[],
  named: string[],
  configs: Configs,
  io: Io,
): T[] {
  const explicit = new Set(named.map((n) => resolve(n)));
  return inputs.filter(({ file, config }) => {
    const excluded = configs.excludes(config, file.path);
    if (excluded && explicit.has(resolve(file.path)))
      io.err(`flushguard: ${file.path}: excluded by ${config.file ?? CONFIG_FILE}\n`);
    return !excluded;
  });
}

/**
 * The outcomes of `todo` in order: the files the index's read found quiet (nothing any rule
 * could flag, no suppression comment) without reading them again, the others through `lint`.
 */
async function lintUnlessQuiet(
  todo: InputFile[],
  tree: { root: string; quiet: ReadonlySet<string> } | undefined,
  lint: (todo: InputFile[]) => Promise<FileOutcome[]>,
): Promise<FileOutcome[]> {
  if (!tree || tree.quiet.size === 0) return lint(todo);
  const root = resolve(tree.root);
  const isQuiet = todo.map((f) => {
    const rel = relative(root, resolve(f.path));
    return !rel.startsWith('..') && tree.quiet.has(rel.split(sep).join('/'));
  });
  const linted = await lint(todo.filter((_, i) => !isQuiet[i]));
  let k = 0;
  return todo.map((f, i) => (isQuiet[i] ? quietOutcome(f.display) : linted[k++]!));
}

/** Lints files with one set of options: in worker threads when there are many. */
async function lintAll(
  todo: InputFile[],
  options: LintFileOptions,
  jobs: number,
  progress: (done: number) => void,
): Promise<FileOutcome[]> {
  if (jobs > 1 && todo.length >= WORKER_THRESHOLD)
    return lintInWorkers(todo, options, jobs, progress);
  if (todo.length === 0) return [];
  await initParser(wasmSources());
  const parser = createParser();
  const outcomes: FileOutcome[] = [];
  for (const f of todo) {
    // After a parser abort the next file waits for the replacement instance.
    await parserReady();
    outcomes.push(lintFile(parser, f, options));
    progress(outcomes.length);
  }
  parser.delete();
  return outcomes;
}

/** The one kernel tree holding every PATH argument, if there is one. */
/** A cold index of a whole tree takes minutes: `buildTreeFacts`'s onStart says so on stderr. */
export function announceIndexing(io: Io, root: string): (files: number) => void {
  return (n) => {
    if (n >= WORKER_THRESHOLD)
      io.err(
        `flushguard: indexing ${n} files of the kernel tree at ${root} (kept in the cache for later runs)\n`,
      );
  };
}

function kernelRootOf(paths: string[]): string | undefined {
  // Standard input (`-`) is judged alone: it has no place in a tree.
  if (paths.includes('-')) return undefined;
  const roots = new Set(paths.map((p) => findKernelRoot(p)));
  const [only] = roots;
  return roots.size === 1 ? only : undefined;
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

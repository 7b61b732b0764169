/**
 * `flushguard simulate` and `flushguard presets`: replay a finding's path (or a scenario file) on
 * a simulated aliasing D-cache. Exit 0 when the run completes, whatever it shows; 2 for a file
 * with no finding, an unknown preset, or a scenario that does not parse.
 */
import {
  DEFAULT_PRESET_ID,
  getPreset,
  listPresets,
  parseScenario,
  renderOutcomeText,
  renderRunText,
  runScenario,
  SimulatorInputError,
} from '../../../simulator/src/index';
import type { Outcome } from '../../../simulator/src/index';
import { BudgetExceeded, createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { simulateFindingAtLine } from '../simulation';
import { choice, InputError, kernelVersionOption, one, positiveInt, UsageError } from './args';
import type { ParsedArgs } from './args';
import { MAX_SMALL_FILE_BYTES, readSource } from './files';
import { readBounded } from '../host/boundedRead';
import { Configs } from './lintConfig';
import { escapeControls } from '../sanitise';
import { problemMessage } from '../config/settings';
import { announceIndexing } from './lintCommand';
import type { Io } from './lintCommand';
import { availableParallelism } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import { fileKernelVersion } from '../kernel/fromTree';
import type { KernelVersion } from '../kernel/version';
import { buildTreeFacts, findKernelRoot } from '../xref/build';
import { TreeIndex } from '../xref/treeIndex';
import type { TreeContext } from '../analysis/dcache/summaries';
import { mayReport } from '../linter';

/**
 * How `lint` judges `file`: as the kernel version `--kernel-version`, `kernelVersion` or its
 * tree's Makefile gives, and inside a kernel tree with the tree's index (built or refreshed
 * first, from the same cache), so that `simulate` finds the findings `lint` reported.
 */
async function judgedAs(
  file: string,
  args: ParsedArgs,
  io: Io,
): Promise<{ tree?: TreeContext; kernelVersion?: KernelVersion }> {
  const configs = new Configs(one(args, '--config'));
  const kernelVersion =
    kernelVersionOption(args) ??
    configs.of(file).settings.kernelVersion ??
    fileKernelVersion(file).version;
  const versioned = kernelVersion ? { kernelVersion } : {};
  const root = findKernelRoot(file);
  if (!root) return versioned;
  const built = await buildTreeFacts(root, {
    jobs: positiveInt(args, '--jobs', Math.max(1, availableParallelism())),
    noCache: args.options.has('--no-cache'),
    lintable: mayReport,
    onStart: announceIndexing(io, root),
  });
  const rel = relative(root, resolve(file)).split(sep).join('/');
  return { ...versioned, tree: { tree: new TreeIndex(built.facts), file: rel } };
}

function presetOption(args: ParsedArgs): string | undefined {
  const id = one(args, '--preset');
  if (id !== undefined && !getPresetSafe(id)) {
    throw new UsageError(
      `unknown preset '${id}'; known presets: ${listPresets()
        .map((p) => p.id)
        .join(', ')}`,
    );
  }
  return id;
}

/** `simulator.preset` of the `.flushguard.json` nearest the simulated file (or `--config`). */
function configuredPreset(args: ParsedArgs, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const configs = new Configs(one(args, '--config'));
  const preset = configs.of(file).settings.preset;
  if (configs.problems.length > 0) throw new UsageError(problemMessage(configs.problems));
  return preset;
}

function getPresetSafe(id: string): boolean {
  try {
    getPreset(id);
    return true;
  } catch (e) {
    if (e instanceof SimulatorInputError) return false;
    throw e;
  }
}

/** The JSON contract of an outcome: the fixed fields first, then the rest of the trace. */
function outcomeJson(o: Outcome): Record<string, unknown> {
  const { corrupted, observer, expected, observed, firstBadOffset, steps, ...rest } = o;
  return { corrupted, observer, expected, observed, firstBadOffset, steps, ...rest };
}

export async function simulateCommand(args: ParsedArgs, rawIo: Io): Promise<number> {
  // Scenario titles, notes and source lines come from input: no control reaches the terminal.
  const io: Io = { ...rawIo, out: (s) => rawIo.out(escapeControls(s, true)) };
  const format = choice(args, '--format', ['text', 'json'] as const, 'text');
  const scenarioFile = one(args, '--scenario');
  const preset = presetOption(args) ?? configuredPreset(args, scenarioFile ?? args.positional[0]);
  if (scenarioFile !== undefined) {
    if (args.positional.length > 0)
      throw new UsageError('simulate takes either FILE.c --line N or --scenario FILE, not both');
    return simulateScenario(scenarioFile, preset, format, io);
  }
  const [file, ...extra] = args.positional;
  if (!file || extra.length > 0)
    throw new UsageError('simulate needs one FILE.c and --line N (or --scenario FILE)');
  const rawLine = one(args, '--line');
  if (rawLine === undefined)
    throw new UsageError('simulate FILE.c needs --line N (the line of a finding)');
  const line = Number(rawLine);
  if (!Number.isInteger(line) || line < 1)
    throw new UsageError(`--line must be a positive whole number (got '${rawLine}')`);

  const budgetMs = positiveInt(args, '--budget', 20_000);

  const read = readSource(file);
  if (!read.ok) throw new InputError(`${file}: ${inWords(read.reason)}`);
  const judged = await judgedAs(file, args, io);
  await initParser(wasmSources());
  const parser = createParser();
  let result;
  try {
    const deadline = performance.now() + budgetMs;
    result = simulateFindingAtLine(
      parser,
      read.text,
      file,
      line,
      preset ?? DEFAULT_PRESET_ID,
      deadline,
      judged,
    );
  } catch (e) {
    if (e instanceof BudgetExceeded)
      throw new InputError(`${file}: not simulated: ${e.message} (${budgetMs} ms)`);
    throw e;
  } finally {
    parser.delete();
  }
  if (!result.ok) throw new InputError(result.message);
  if (result.picked) io.err(`flushguard: ${file}:${line}: note: ${result.picked}\n`);
  const p = result.payload;
  if (format === 'json') {
    const json = {
      preset: p.preset,
      source: { file: p.source.file, line: p.source.line, rule: p.source.rule },
      asWritten: outcomeJson(p.asWritten),
      withFix: outcomeJson(p.withFix),
      notes: p.notes,
      scenario: p.scenario,
    };
    io.out(JSON.stringify(json, null, 2) + '\n');
  } else {
    io.out(`${p.source.file}:${p.source.line}: ${p.source.message} [${p.source.rule}]\n\n`);
    io.out(
      renderRunText({
        preset: p.presetInfo,
        notes: p.notes,
        asWritten: p.asWritten,
        withFix: p.withFix,
      }),
    );
  }
  return 0;
}

function simulateScenario(
  file: string,
  preset: string | undefined,
  format: 'text' | 'json',
  io: Io,
): number {
  const read = readBounded(file, MAX_SMALL_FILE_BYTES);
  if (!read.ok) throw new InputError(`${file}: ${inWords(read.reason)}`);
  const text = read.bytes.toString('utf8');
  const parsed = parseScenario(text);
  if (!parsed.scenario) {
    const lines = parsed.errors.map((e) => `${file}:${e.line}:${e.column}: error: ${e.message}`);
    throw new InputError(
      `scenario has ${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    );
  }
  let run;
  try {
    run = runScenario(parsed.scenario, preset);
  } catch (e) {
    if (e instanceof SimulatorInputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  if (format === 'json') {
    io.out(
      JSON.stringify(
        { preset: run.preset.id, source: { file }, asWritten: outcomeJson(run.asWritten) },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.out(renderOutcomeText(run.title ?? 'As written', run.preset, run.asWritten));
  }
  return 0;
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** `ENOENT` as a person says it; other reasons are already words. */
function inWords(reason: string): string {
  return ERRNO_WORDS[reason] ?? reason;
}

export function presetsCommand(args: ParsedArgs, io: Io): number {
  const format = choice(args, '--format', ['text', 'json'] as const, 'text');
  const presets = listPresets();
  if (format === 'json') {
    io.out(JSON.stringify({ presets }, null, 2) + '\n');
    return 0;
  }
  for (const p of presets) {
    const mark = p.id === DEFAULT_PRESET_ID ? ' (default)' : '';
    io.out(
      `${p.id}${mark}\n  ${p.description}\n  ${p.cacheBytes / 1024} KiB ${p.ways}-way, ${p.lineBytes} B lines, ${p.pageBytes / 1024} KiB pages, ${p.indexing}, ${p.colours} colour${p.colours === 1 ? '' : 's'}${p.aliasing ? '' : ', no aliasing'}\n`,
    );
  }
  return 0;
}

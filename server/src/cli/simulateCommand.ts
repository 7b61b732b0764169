/**
 * `flushguard simulate` and `flushguard presets`: replay a finding's path (or a scenario file) on
 * a simulated aliasing D-cache. Exit 0 when the run completes, whatever it shows; 2 for a file
 * with no finding, an unknown preset, or a scenario that does not parse.
 */
import { readFileSync } from 'node:fs';
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
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { simulateFindingAtLine } from '../simulation';
import { choice, InputError, one, UsageError } from './args';
import type { ParsedArgs } from './args';
import { readSource } from './files';
import type { Io } from './lintCommand';

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

export async function simulateCommand(args: ParsedArgs, io: Io): Promise<number> {
  const format = choice(args, '--format', ['text', 'json'] as const, 'text');
  const preset = presetOption(args);
  const scenarioFile = one(args, '--scenario');
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

  const read = readSource(file);
  if (!read.ok) throw new InputError(`${file}: ${inWords(read.reason)}`);
  await initParser(wasmSources());
  const parser = createParser();
  let result;
  try {
    result = simulateFindingAtLine(parser, read.text, file, line, preset ?? DEFAULT_PRESET_ID);
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: ${inWords((e as NodeJS.ErrnoException).code ?? String(e))}`);
  }
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

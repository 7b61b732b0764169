/**
 * From a finding (or a selected snippet) to the two simulated runs. Pure: the CLI's `simulate`
 * command and the language server's `flushguard/simulate` request are adapters over it.
 */
import { simulateFinding } from '../../simulator/src/index';
import type { Parser } from './parsing/parser';
import { parseC } from './parsing/parser';
import { functionDefinitions, functionName } from './parsing/nodeText';
import { lintParsed } from './linter';
import type { LintOptions } from './linter';
import type { Finding } from './rules/types';
import { LineMap } from './lineMap';
import type { SimulationPayload } from './protocol/simulate';

/** The finding whose range holds `line` (1-based), else the one whose range is nearest to it. */
export function findingNear(
  source: string,
  findings: readonly Finding[],
  line: number,
): Finding | undefined {
  const lines = new LineMap(source);
  let best: Finding | undefined;
  let bestDistance = Infinity;
  for (const f of findings) {
    const first = lines.line(f.start);
    const last = lines.line(f.end);
    const distance = line < first ? first - line : line > last ? line - last : 0;
    if (distance < bestDistance) {
      best = f;
      bestDistance = distance;
    }
  }
  return best;
}

/** Path steps the simulator turns into cache operations; the others become notes. */
const CACHE_STEPS: ReadonlySet<string> = new Set([
  'map',
  'write',
  'read',
  'flush',
  'unmap',
  'vmap',
  'flush-vmap',
  'invalidate-vmap',
  'submit-write',
  'submit-read',
  'complete',
]);

/**
 * Whether a finding has anything to simulate: a renamed call (deprecated-flush-kernel-dcache-page)
 * changes no cache state, so it gets no "Simulate" lens and no simulated verdict.
 */
export function simulates(f: Finding): boolean {
  return f.path.some((s) => CACHE_STEPS.has(s.kind));
}

/** Runs the simulator on one engine finding; throws SimulatorInputError for an unknown preset. */
export function simulateEngineFinding(
  source: string,
  file: string,
  finding: Finding,
  preset: string,
): SimulationPayload {
  const line = new LineMap(source).line(finding.start);
  const sim = simulateFinding({ rule: finding.rule, file, line, steps: finding.path }, preset);
  return {
    preset: sim.preset.id,
    presetInfo: sim.preset,
    source: { file, line, rule: finding.rule, message: finding.message },
    notes: sim.notes,
    scenario: sim.scenario,
    asWritten: sim.asWritten,
    withFix: sim.withFix,
  };
}

/**
 * Makes a selected snippet analysable: whole function definitions are kept as they are; loose
 * statements are wrapped in a function. Lines are padded so that reported lines stay those of the
 * document (`firstLine` is the 1-based line the selection starts on).
 */
export function snippetSource(snippet: string, firstLine: number): string {
  const pad = '\n'.repeat(Math.max(0, firstLine - 1));
  const looksLikeFunctions = /^\s*(?:static\s+|inline\s+)*[A-Za-z_][\w\s*]*\([^;{]*\)\s*\{/.test(
    snippet,
  );
  if (looksLikeFunctions) return pad + snippet + '\n';
  // Loose statements: the wrapper sits on the selection's first line so no line moves.
  return `${pad}void flushguard_selection(void) { ${snippet}\n}\n`;
}

export type SimulateOutcome =
  { ok: true; payload: SimulationPayload; picked?: string } | { ok: false; message: string };

interface FunctionSpan {
  name: string;
  first: number;
  last: number;
}

/**
 * The finding a user means by "line N": the one whose range holds it, else the nearest one in the
 * function that contains line N (with `picked` saying which). Nothing is picked from another
 * function: a line outside every finding's function is refused with where the findings are.
 */
export function findingAtLine(
  source: string,
  findings: readonly Finding[],
  functions: readonly FunctionSpan[],
  line: number,
): { finding: Finding; picked?: string } | { refused: string } {
  const lines = new LineMap(source);
  const span = (f: Finding): [number, number] => [lines.line(f.start), lines.line(f.end)];
  const holding = findings.find((f) => span(f)[0] <= line && line <= span(f)[1]);
  if (holding) return { finding: holding };
  const fn = functions.find((s) => s.first <= line && line <= s.last);
  const where = findings.map((f) => `line ${span(f)[0]} [${f.rule}]`).join(', ');
  const elsewhere = findings.length > 0 ? `; the file's findings: ${where}` : '';
  if (!fn) return { refused: `line ${line} is not inside a function${elsewhere}` };
  const inFn = findings.filter((f) => span(f)[0] >= fn.first && span(f)[1] <= fn.last);
  const nearest = findingNear(source, inFn, line);
  if (!nearest)
    return {
      refused: `no finding in ${fn.name}() (lines ${fn.first}-${fn.last}), which contains line ${line}${elsewhere}`,
    };
  const at = span(nearest)[0];
  return {
    finding: nearest,
    picked: `no finding on line ${line}; simulating the nearest one in ${fn.name}(), on line ${at} [${nearest.rule}]`,
  };
}

/** Lints `source` and simulates the finding the user means by `line` (see findingAtLine). */
export function simulateFindingAtLine(
  parser: Parser,
  source: string,
  file: string,
  line: number,
  preset: string,
  deadline?: number,
  judged: Pick<LintOptions, 'tree' | 'kernelVersion'> = {},
): SimulateOutcome {
  // The lint's time budget holds here too: simulate is lint plus one finding's run.
  const parsed = parseC(parser, source, undefined, deadline);
  try {
    // Judged as lint judges the file (its tree's index, its kernel version): the same findings.
    const all = lintParsed(parsed, {
      ...judged,
      ...(deadline === undefined ? {} : { deadline }),
    }).findings;
    const findings = all.filter(simulates);
    const functions = functionDefinitions(parsed.tree.rootNode).map((fn) => ({
      name: functionName(fn),
      first: fn.startPosition.row + 1,
      last: fn.endPosition.row + 1,
    }));
    if (findings.length === 0) return { ok: false, message: nothingToSimulate(file, all) };
    const pick = findingAtLine(source, findings, functions, line);
    if ('refused' in pick) return { ok: false, message: `${file}:${line}: ${pick.refused}` };
    const payload = simulateEngineFinding(source, file, pick.finding, preset);
    return pick.picked ? { ok: true, payload, picked: pick.picked } : { ok: true, payload };
  } finally {
    parsed.tree.delete();
  }
}

function nothingToSimulate(file: string, findings: readonly Finding[]): string {
  if (findings.length === 0)
    return `${file}: no finding to simulate (FlushGuard reports nothing in this file)`;
  const rules = [...new Set(findings.map((f) => f.rule))].join(', ');
  return `${file}: no finding to simulate (the findings here [${rules}] change no cache state)`;
}

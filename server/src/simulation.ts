/**
 * From a finding (or a selected snippet) to the two simulated runs. Pure: the CLI's `simulate`
 * command and the language server's `flushguard/simulate` request are adapters over it.
 */
import { simulateFinding } from '../../simulator/src/index';
import type { Parser } from './parsing/parser';
import { lintSource } from './linter';
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
  { ok: true; payload: SimulationPayload } | { ok: false; message: string };

/** Lints `source`, picks the finding nearest `line` (1-based) and simulates it. */
export function simulateSourceAt(
  parser: Parser,
  source: string,
  file: string,
  line: number,
  preset: string,
): SimulateOutcome {
  const { findings } = lintSource(parser, source);
  const finding = findingNear(source, findings, line);
  if (!finding) {
    return {
      ok: false,
      message: `${file}: no finding to simulate (FlushGuard reports nothing in this file)`,
    };
  }
  return { ok: true, payload: simulateEngineFinding(source, file, finding, preset) };
}

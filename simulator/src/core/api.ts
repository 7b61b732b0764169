// The simulator's public entry points, used by the CLI, the language server and the webview.
import { SimulatorInputError } from './errors';
import type { FindingInput } from './finding';
import { findingToScenario } from './finding-generator';
import { parseScenario } from './parser';
import { DEFAULT_PRESET_ID, PRESETS } from './presets';
import { presetInfo, runScenario, type Outcome, type PresetInfo } from './run';

export function listPresets(): PresetInfo[] {
  return PRESETS.map(presetInfo);
}

export interface FindingSimulation {
  preset: PresetInfo;
  title?: string;
  /** The generated scenario (.fgs); its `fix`/`bug` steps make the two runs. */
  scenario: string;
  /** Assumptions the generator made (default sizes, caps, coherent DMA). */
  notes: string[];
  asWritten: Outcome;
  withFix: Outcome;
}

/**
 * Simulate an engine finding: build the scenario pair on the preset (default arm1176-32k) and run
 * both. Throws SimulatorInputError only for an unknown preset; odd findings still give a scenario.
 */
export function simulateFinding(
  finding: FindingInput,
  presetId: string = DEFAULT_PRESET_ID,
): FindingSimulation {
  const gen = findingToScenario(finding, presetId);
  const parsed = parseScenario(gen.text);
  if (!parsed.scenario) {
    const first = parsed.errors[0];
    // A generator bug, not bad input: say where the generated text went wrong.
    throw new Error(
      `generated scenario does not parse: ${first ? `${first.line}:${first.column} ${first.message}` : ''}`,
    );
  }
  const r = runScenario(parsed.scenario, presetId);
  const out: FindingSimulation = {
    preset: r.preset,
    scenario: gen.text,
    notes: gen.notes,
    asWritten: r.asWritten,
    withFix: r.withFix,
  };
  if (r.title !== undefined) out.title = r.title;
  return out;
}

export { SimulatorInputError };

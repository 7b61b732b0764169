// Runs a payload's scenario text again on another preset, in the extension host: for scenario
// files (no language server involved) and for panels restored after a reload, whose original
// handlers are gone. Pure apart from the simulator it calls.
import { listPresets, parseScenario, runScenario } from '../../../simulator/src/index';
import type { Outcome, Step } from '../../../simulator/src/index';
import type { ViewPayload as SimulationPayload } from '../../../simulator/src/webview/protocol';
import type { PresetChoice } from '../../../simulator/src/webview/protocol';

export function presetChoices(): PresetChoice[] {
  return listPresets().map((p) => ({ id: p.id, description: p.description }));
}

/** Steps without a C line link to their scenario line (a scenario file is its own source). */
function linkScenarioLines(o: Outcome): Outcome {
  const steps: Step[] = o.steps.map((s) => (s.cLine === undefined ? { ...s, cLine: s.line } : s));
  return { ...o, steps };
}

export interface ScenarioSource {
  file: string;
  text: string;
}

/** Simulates scenario text; throws an Error whose message names the file, line and column. */
export function simulateScenarioText(src: ScenarioSource, preset?: string): SimulationPayload {
  const parsed = parseScenario(src.text);
  if (!parsed.scenario) {
    const e = parsed.errors[0];
    throw new Error(
      `${src.file}${e ? `:${e.line}:${e.column}: ${e.message}` : ': the scenario does not parse'}`,
    );
  }
  const r = runScenario(parsed.scenario, preset);
  const firstCheck = r.asWritten.assertions[0]?.line ?? 1;
  return {
    preset: r.preset.id,
    presetInfo: r.preset,
    source: {
      file: src.file,
      line: firstCheck,
      rule: 'scenario',
      message: r.title ?? 'Scenario',
    },
    notes: [],
    scenario: src.text,
    asWritten: linkScenarioLines(r.asWritten),
    withFix: linkScenarioLines(r.withFix),
  };
}

/** The same simulation on another preset, from the payload's own scenario text. */
export function rerunPayload(p: SimulationPayload, preset: string): SimulationPayload {
  if (p.source.rule === 'scenario')
    return simulateScenarioText({ file: p.source.file, text: p.scenario }, preset);
  // A finding's scenario: the finding stays the source, and its steps keep their C lines.
  const parsed = parseScenario(p.scenario);
  if (!parsed.scenario) throw new Error(`${p.source.file}: the simulation cannot be re-run here`);
  const r = runScenario(parsed.scenario, preset);
  return {
    ...p,
    preset: r.preset.id,
    presetInfo: r.preset,
    asWritten: r.asWritten,
    withFix: r.withFix,
  };
}

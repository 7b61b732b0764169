// Test payloads for the simulation view: a scenario file's simulation, and a finding's with
// hostile text in every field a user's file can reach.
import { readFileSync } from 'node:fs';
import { simulateFinding } from '../../simulator/src/index';
import type { SimulationPayload } from '../../server/src/protocol/simulate';
import { simulateScenarioText } from '../../client/src/webview/rerun';

export const HOSTILE = [
  '</script><img src=x onerror=alert(1)>',
  '<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "' onmouseover='alert(4)",
  '&lt;b&gt;',
];
export const HOSTILE_TEXT = HOSTILE.join(' ');

export const S1 = 'examples/scenarios/s1-missing-flush-dcache-page.fgs';

export function scenarioPayload(path = S1, preset?: string): SimulationPayload {
  return simulateScenarioText({ file: path, text: readFileSync(path, 'utf8') }, preset);
}

/** A missing-flush finding whose file name, message, notes and step texts are hostile. */
export function hostilePayload(preset = 'arm1176-32k'): SimulationPayload {
  const sim = simulateFinding(
    {
      rule: 'missing-flush-dcache-page',
      file: `${HOSTILE[0]}.c`,
      line: 12,
      steps: [
        { line: 10, note: `page mapped by kmap_atomic() ${HOSTILE_TEXT}`, kind: 'map' },
        { line: 11, note: `written through the mapping by \`${HOSTILE[1]}\``, kind: 'write' },
        { line: 13, note: `unmapped ${HOSTILE[2]}`, kind: 'unmap' },
      ],
    },
    preset,
  );
  return {
    preset: sim.preset.id,
    presetInfo: sim.preset,
    source: {
      file: `drivers/${HOSTILE[0]}.c`,
      line: 12,
      rule: 'missing-flush-dcache-page',
      message: `page written ${HOSTILE_TEXT}`,
    },
    notes: [...sim.notes, HOSTILE_TEXT],
    scenario: sim.scenario,
    asWritten: sim.asWritten,
    withFix: sim.withFix,
  };
}

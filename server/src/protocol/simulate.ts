/**
 * The `flushguard/simulate` request: shared by the language server, the VS Code client and the
 * simulation webview. Declared once here (docs/design/layers.md: typed protocols at every
 * boundary). The result is the CLI's `simulate --format json` object plus what a view needs.
 */
import type { Outcome, PresetInfo } from '../../../simulator/src/index';

export const SIMULATE_REQUEST = 'flushguard/simulate';
export const PRESETS_REQUEST = 'flushguard/presets';

/** 0-based LSP position. */
export interface WirePosition {
  line: number;
  character: number;
}

export interface SimulateParams {
  uri: string;
  /** Simulate the finding at or nearest to this 0-based line (the code lens, the cursor). */
  line?: number;
  /** Simulate the selected snippet (a function, or statements) instead of a finding of the file. */
  range?: { start: WirePosition; end: WirePosition };
  /** Preset id; the `flushguard.simulator.preset` setting, then arm1176-32k, when absent. */
  preset?: string;
}

export interface SimulationSource {
  file: string;
  /** 1-based line of the finding. */
  line: number;
  rule: string;
  /** The finding's message, for the view's title. */
  message: string;
}

export interface SimulationPayload {
  preset: string;
  presetInfo: PresetInfo;
  source: SimulationSource;
  /** Assumptions the scenario generator made, in words. */
  notes: string[];
  /** The generated scenario (.fgs text). */
  scenario: string;
  asWritten: Outcome;
  withFix: Outcome;
}

/**
 * What `workspace/executeCommand` `flushguard.simulate` answers (editors without the VS Code
 * view): the payload, the text trace, and the URI of the read-only trace document the server
 * asked the client to show (`window/showDocument`), when the client supports it.
 */
export interface SimulateCommandResult extends SimulationPayload {
  /** The trace of both runs as `flushguard simulate` prints it. */
  trace: string;
  /** The verdict in words, with the first bytes that differ. */
  verdict: string;
  document?: string;
}

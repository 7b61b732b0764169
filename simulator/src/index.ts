// Public API of the FlushGuard simulator. Everything is pure and deterministic; see
// docs/design/simulator.md.
export { listPresets, simulateFinding, type FindingSimulation } from './core/api';
export { SimulatorInputError } from './core/errors';
export { DEFAULT_ACCESS_BYTES } from './core/finding-text';
export { findingToScenario } from './core/finding-generator';
export {
  type FindingInput,
  type FindingRule,
  type FindingStep,
  type GeneratedScenario,
  type StepKind,
} from './core/finding';
export { parseScenario, type ParseError, type ParseResult } from './core/parser';
export { DEFAULT_PRESET_ID, getPreset, PRESETS, type Preset } from './core/presets';
export {
  describePreset,
  renderBytes,
  renderOutcomeText,
  renderRunText,
  type RenderableResult,
  type RenderOptions,
} from './core/render';
export {
  presetInfo,
  runScenario,
  runVariant,
  type Outcome,
  type PresetInfo,
  type RunErrorInfo,
  type RunResult,
} from './core/run';
export type { Scenario, ScenarioEvent } from './core/scenario';
export type { AssertionResult, LineAccess, Observer, Step } from './core/trace';

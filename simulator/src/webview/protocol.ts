// Messages between the extension host (client/src/simulationPanel.ts) and the simulation webview
// (main.ts), declared once as discriminated unions with guards. Everything arriving in the
// webview or the host is untrusted until a guard has accepted it.
import type { Outcome } from '../core/run';
import type { SimulationPayload } from '../../../server/src/protocol/simulate';

/** What the view renders: the `flushguard/simulate` result, declared once in the protocol. */
export type ViewPayload = SimulationPayload;

export interface PresetChoice {
  id: string;
  description: string;
}

/** The webview's own state (vscode.setState), restored by the panel serializer after a reload. */
export interface ViewState {
  payload: ViewPayload;
  presets: PresetChoice[];
  /** Row of the merged timeline. */
  position: number;
  /** URI of the document the steps' lines belong to, so a restored panel can still reveal them. */
  link?: string;
}

export type HostMessage =
  | {
      type: 'show';
      payload: ViewPayload;
      presets: PresetChoice[];
      position: number;
      link?: string;
    }
  | { type: 'busy'; preset: string }
  | { type: 'error'; message: string };

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; line: number }
  /** The timeline moved: `line` is the C line to highlight, `position` the row (kept by the host). */
  | { type: 'step'; line: number | null; position: number }
  | { type: 'preset'; preset: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

const isPresetId = (v: unknown): v is string =>
  typeof v === 'string' && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(v);

function isOutcome(v: unknown): v is Outcome {
  return (
    isObject(v) &&
    typeof v.corrupted === 'boolean' &&
    typeof v.observer === 'string' &&
    typeof v.expected === 'string' &&
    typeof v.observed === 'string' &&
    typeof v.firstBadOffset === 'number' &&
    Array.isArray(v.steps) &&
    v.steps.every((s) => isObject(s) && typeof s.index === 'number' && Array.isArray(s.accesses))
  );
}

export function isViewPayload(v: unknown): v is ViewPayload {
  if (!isObject(v) || !isObject(v.source) || !isObject(v.presetInfo)) return false;
  const s = v.source;
  return (
    typeof v.preset === 'string' &&
    typeof v.presetInfo.id === 'string' &&
    typeof v.presetInfo.sets === 'number' &&
    typeof v.presetInfo.ways === 'number' &&
    typeof s.file === 'string' &&
    typeof s.line === 'number' &&
    typeof s.rule === 'string' &&
    typeof s.message === 'string' &&
    Array.isArray(v.notes) &&
    v.notes.every((n) => typeof n === 'string') &&
    typeof v.scenario === 'string' &&
    isOutcome(v.asWritten) &&
    isOutcome(v.withFix)
  );
}

function isPresetChoices(v: unknown): v is PresetChoice[] {
  return (
    Array.isArray(v) &&
    v.every((p) => isObject(p) && isPresetId(p.id) && typeof p.description === 'string')
  );
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'show':
      return (
        isViewPayload(v.payload) &&
        isPresetChoices(v.presets) &&
        typeof v.position === 'number' &&
        (v.link === undefined || typeof v.link === 'string')
      );
    case 'busy':
      return typeof v.preset === 'string';
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

export function isViewMessage(v: unknown): v is ViewMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'reveal':
      return isLine(v.line);
    case 'step':
      return (
        (v.line === null || isLine(v.line)) &&
        typeof v.position === 'number' &&
        Number.isInteger(v.position) &&
        v.position >= 0
      );
    case 'preset':
      return isPresetId(v.preset);
    default:
      return false;
  }
}

export function isViewState(v: unknown): v is ViewState {
  return (
    isObject(v) &&
    isViewPayload(v.payload) &&
    isPresetChoices(v.presets) &&
    typeof v.position === 'number' &&
    (v.link === undefined || typeof v.link === 'string')
  );
}

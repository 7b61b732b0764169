// A run: one variant of a scenario executed on one preset, precomputed into an immutable list of
// steps (stepping back in a view is index - 1). runScenario returns both variants.
import { RunError, SimulatorInputError } from './errors';
import { Executor } from './execute';
import { geometryOf } from './geometry';
import { Machine } from './machine';
import { PhysicalMemory } from './memory';
import { AddressSpace } from './mmu';
import { DEFAULT_PRESET_ID, getPreset, type Preset } from './presets';
import { Prng } from './prng';
import { eventsFor, type PresetOverrides, type Scenario } from './scenario';
import type { AssertionResult, Observer, Step } from './trace';

export interface RunErrorInfo {
  line: number;
  column: number;
  message: string;
}

/** The verdict of one run, JSON-ready. expected/observed are compact hex of the deciding assertion. */
export interface Outcome {
  corrupted: boolean;
  observer: Observer;
  expected: string;
  observed: string;
  /** First differing byte of the deciding assertion, -1 if none. */
  firstBadOffset: number;
  /** Frozen: a view steps back with index - 1, it never re-simulates. */
  steps: readonly Step[];
  assertions: AssertionResult[];
  /** Events that could not run (page fault, unbound name); the run carries on without them. */
  errors: RunErrorInfo[];
}

export interface PresetInfo {
  id: string;
  description: string;
  source: string;
  cacheBytes: number;
  ways: number;
  sets: number;
  lineBytes: number;
  pageBytes: number;
  colours: number;
  aliasing: boolean;
  indexing: Preset['indexing'];
  tagging: Preset['tagging'];
  writePolicy: Preset['writePolicy'];
  writeAllocate: boolean;
  dmaCoherent: boolean;
  speculates: boolean;
}

export interface RunResult {
  preset: PresetInfo;
  seed: number;
  title?: string;
  asWritten: Outcome;
  withFix: Outcome;
}

export function presetInfo(p: Preset): PresetInfo {
  const g = geometryOf(p);
  return {
    id: p.id,
    description: p.description,
    source: p.source,
    cacheBytes: p.cacheBytes,
    ways: p.ways,
    sets: g.sets,
    lineBytes: p.lineBytes,
    pageBytes: p.pageBytes,
    colours: g.colours,
    aliasing: g.aliasing,
    indexing: p.indexing,
    tagging: p.tagging,
    writePolicy: p.writePolicy,
    writeAllocate: p.writeAllocate,
    dmaCoherent: p.dmaCoherent,
    speculates: p.speculates,
  };
}

/** A preset with size/ways/line overridden; refused with SimulatorInputError when absurd. */
export function resolvePreset(id: string, overrides?: PresetOverrides): Preset {
  const base = getPreset(id);
  if (!overrides || Object.keys(overrides).length === 0) return base;
  const p: Preset = { ...base, ...overrides };
  geometryOf(p);
  return p;
}

function verdict(
  assertions: AssertionResult[],
): Pick<Outcome, 'corrupted' | 'observer' | 'expected' | 'observed' | 'firstBadOffset'> {
  const deciding = assertions.find((a) => !a.ok) ?? assertions[assertions.length - 1];
  if (!deciding)
    return { corrupted: false, observer: 'cpu', expected: '', observed: '', firstBadOffset: -1 };
  return {
    corrupted: !deciding.ok,
    observer: deciding.observer,
    expected: deciding.expected,
    observed: deciding.observed,
    firstBadOffset: deciding.firstBadOffset,
  };
}

/**
 * Recorded accesses one run may hold (each is an object of the trace): the backstop behind the
 * parser's SCENARIO_LIMITS, for scenarios built in code (a tiny line size multiplies accesses).
 */
export const MAX_TRACE_ACCESSES = 400_000;

export function runVariant(s: Scenario, preset: Preset, withFix: boolean, seed: number): Outcome {
  const g = geometryOf(preset);
  const mmu = new AddressSpace(preset, g);
  const machine = new Machine(preset, g, new PhysicalMemory(), mmu);
  const exec = new Executor({ m: machine, mmu, p: preset, g }, new Prng(seed));
  const steps: Step[] = [];
  const errors: RunErrorInfo[] = [];
  let accesses = 0;
  for (const e of eventsFor(s, withFix)) {
    const step: Step = {
      index: steps.length,
      op: e.op,
      text: e.text,
      line: e.loc.line,
      variant: e.variant,
      accesses: [],
      notes: [],
    };
    if (e.cLine !== undefined) step.cLine = e.cLine;
    machine.attach(step);
    try {
      exec.exec(e, step);
    } catch (err) {
      if (!(err instanceof RunError)) throw err;
      step.error = err.message;
      errors.push({ line: e.loc.line, column: e.loc.column, message: err.message });
    }
    const first = step.accesses[0];
    if (first) {
      if (step.va === undefined && first.va !== '') step.va = first.va;
      step.pa = first.pa;
      step.colour = first.colour;
      step.set = first.set;
      step.way = first.way;
      step.hit = first.hit;
    }
    Object.freeze(step.accesses);
    steps.push(Object.freeze(step));
    accesses += step.accesses.length;
    if (accesses > MAX_TRACE_ACCESSES) {
      errors.push({
        line: e.loc.line,
        column: e.loc.column,
        message: `the trace passes ${MAX_TRACE_ACCESSES} accesses at this line: the run stops here`,
      });
      break;
    }
  }
  Object.freeze(steps);
  const assertions = steps.flatMap((st) => (st.check ? [st.check] : []));
  return { ...verdict(assertions), steps, assertions, errors };
}

/**
 * Run a scenario as written (without its `fix` steps) and with the fix. The preset is the
 * argument, else the scenario's `preset` header, else arm1176-32k.
 */
export function runScenario(scenario: Scenario, presetId?: string, seed = 1): RunResult {
  const id = presetId ?? scenario.preset ?? DEFAULT_PRESET_ID;
  if (!Number.isInteger(seed))
    throw new SimulatorInputError(`seed must be an integer, got ${seed}`);
  const overrides =
    presetId === undefined || presetId === scenario.preset ? scenario.overrides : undefined;
  const preset = resolvePreset(id, overrides);
  const r: RunResult = {
    preset: presetInfo(preset),
    seed,
    asWritten: runVariant(scenario, preset, false, seed),
    withFix: runVariant(scenario, preset, true, seed),
  };
  if (scenario.title !== undefined) r.title = scenario.title;
  return r;
}

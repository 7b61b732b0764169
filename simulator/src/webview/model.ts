// Pure view model of the simulation webview: the merged timeline of the two runs, and the cache,
// DRAM and alias state after any step, replayed from the frozen trace records. Nothing here
// simulates: every value comes from a Step or LineAccess the simulator recorded.
import type { Outcome, PresetInfo } from '../core/run';
import type { LineAccess, Observer, Step } from '../core/trace';

export type RunId = 'asWritten' | 'withFix';

/** Everything the view derives once per payload (view.ts `prepare`). */
export interface Prepared {
  rows: TimelineRow[];
  sets: number[];
  hiddenSets: number;
}

export type AliasKind = 'kernel' | 'user' | 'vmap' | 'other';

export interface Alias {
  name: string;
  kind: AliasKind;
  base: bigint;
  bytes: number;
}

export interface CacheLine {
  set: number;
  way: number;
  valid: boolean;
  dirty: boolean;
  pa: number;
  /** VA of the line as last recorded ('' when only a by-PA operation touched it). */
  va: string;
  colour: number;
  alias?: Alias;
  /** Every alias that reached this line since it was filled (one PA line, many VAs on PIPT). */
  names: string[];
  /** Line contents, when the trace recorded them. */
  data?: Uint8Array;
}

export interface MachineView {
  lines: Map<string, CacheLine>;
  /** DRAM bytes known from the trace, by PA; absent = not shown by any record so far. */
  dram: Map<number, number>;
  /** Cells touched by the last applied step. */
  touched: Set<string>;
}

export interface TimelineRow {
  /** Scenario line of the event. */
  line: number;
  text: string;
  cLine?: number;
  /** Index of the step in each run, absent when the event is not part of that run. */
  asWritten?: number;
  withFix?: number;
  variant: Step['variant'];
}

export const cellKey = (set: number, way: number): string => `${set}:${way}`;

const num = (hex: string): number => Number.parseInt(hex, 16);

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const byteHex = (b: number | undefined): string =>
  b === undefined ? '··' : b.toString(16).toUpperCase().padStart(2, '0');

/** "AA BB CC DD" for up to `n` bytes of compact hex starting at byte `from`. */
export function spaced(hex: string, from = 0, n = 4): string {
  const bytes = fromHex(hex).subarray(Math.max(0, from), Math.max(0, from) + n);
  return Array.from(bytes, (b) => byteHex(b)).join(' ');
}

/** Both runs' events in scenario order: shared events are one row. */
export function mergeTimeline(asWritten: Outcome, withFix: Outcome): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  const add = (s: Step, run: 'asWritten' | 'withFix'): void => {
    const key = `${s.line}:${s.variant}:${s.text}`;
    let row = rows.get(key);
    if (!row) {
      row = { line: s.line, text: s.text, variant: s.variant };
      if (s.cLine !== undefined) row.cLine = s.cLine;
      rows.set(key, row);
    }
    row[run] = s.index;
  };
  for (const s of asWritten.steps) add(s, 'asWritten');
  for (const s of withFix.steps) add(s, 'withFix');
  return [...rows.values()].sort(
    (a, b) => a.line - b.line || (a.asWritten ?? a.withFix ?? 0) - (b.asWritten ?? b.withFix ?? 0),
  );
}

/** The last step of a run at or before timeline row `row` (-1 = nothing has happened yet). */
export function stepAt(
  rows: readonly TimelineRow[],
  row: number,
  run: 'asWritten' | 'withFix',
): number {
  for (let r = Math.min(row, rows.length - 1); r >= 0; r--) {
    const i = rows[r]?.[run];
    if (i !== undefined) return i;
  }
  return -1;
}

const MAPPERS: Record<string, AliasKind> = {
  map_user: 'user',
  kmap: 'kernel',
  kmap_local: 'kernel',
  kmap_coherent: 'kernel',
  vmap: 'vmap',
  let: 'other',
};

/** The virtual aliases a run creates (kmap, map_user, vmap ... as NAME), in order. */
export function aliasesOf(steps: readonly Step[], p: PresetInfo): Alias[] {
  const out: Alias[] = [];
  for (const s of steps) {
    const kind = MAPPERS[s.op];
    if (kind === undefined || s.va === undefined) continue;
    const name = /\bas\s+([A-Za-z_]\w*)/.exec(s.text)?.[1] ?? s.va;
    // vmap takes page names before `at`/`as`: one page each.
    const pages =
      s.op === 'vmap'
        ? Math.max(
            1,
            s.text
              .replace(/\s(at|as)\s.*$/, '')
              .trim()
              .split(/\s+/).length - 1,
          )
        : 1;
    out.push({ name, kind, base: BigInt(s.va), bytes: pages * p.pageBytes });
  }
  return out;
}

export function aliasFor(aliases: readonly Alias[], va: string): Alias | undefined {
  if (va === '') return undefined;
  const v = BigInt(va);
  for (let i = aliases.length - 1; i >= 0; i--) {
    const a = aliases[i];
    if (a && v >= a.base && v < a.base + BigInt(a.bytes)) return a;
  }
  return undefined;
}

/** Page names and PAs declared by `page NAME pa=...` steps. */
function pagesOf(steps: readonly Step[]): Map<string, number> {
  const pages = new Map<string, number>();
  for (const s of steps) {
    const m = /^page\s+(\w+)\s+pa=(0x[0-9a-fA-F]+|\d+)/.exec(s.text);
    if (m?.[1] && m[2]) pages.set(m[1], Number(m[2]));
  }
  return pages;
}

/** PA operand of `dram`/`dev_write`: a number, or PAGE[+off]. */
function paOperand(text: string, pages: Map<string, number>): number | undefined {
  const m = /^(?:dram|dev_write)\s+(\w+)\s*(?:\+\s*(0x[0-9a-fA-F]+|\d+))?\s*=/.exec(text);
  if (!m?.[1]) return undefined;
  const base = /^(0x[0-9a-fA-F]+|\d+)$/.test(m[1]) ? Number(m[1]) : pages.get(m[1]);
  return base === undefined ? undefined : base + (m[2] ? Number(m[2]) : 0);
}

function writeDram(dram: Map<number, number>, pa: number, bytes: Uint8Array): void {
  bytes.forEach((b, i) => dram.set(pa + i, b));
}

/** Cache, DRAM and the cells touched, after step `upTo` (inclusive) of a run. */
export function replay(
  steps: readonly Step[],
  upTo: number,
  p: PresetInfo,
  aliases: readonly Alias[] = aliasesOf(steps, p),
): MachineView {
  const view: MachineView = { lines: new Map(), dram: new Map(), touched: new Set() };
  const pages = pagesOf(steps);
  for (let i = 0; i <= upTo && i < steps.length; i++) {
    const s = steps[i];
    if (!s) continue;
    view.touched = new Set();
    if ((s.op === 'dram' || s.op === 'dev_write') && s.bytes !== undefined) {
      const pa = paOperand(s.text, pages);
      if (pa !== undefined) writeDram(view.dram, pa, fromHex(s.bytes));
    }
    let stored = 0;
    for (const a of s.accesses) stored += applyAccess(view, a, s, stored, p, aliases);
  }
  return view;
}

/** Applies one recorded line access; returns the store bytes it consumed. */
function applyAccess(
  view: MachineView,
  a: LineAccess,
  s: Step,
  storedSoFar: number,
  p: PresetInfo,
  aliases: readonly Alias[],
): number {
  const pa = num(a.pa);
  const key = cellKey(a.set, a.way);
  const before = a.way >= 0 ? view.lines.get(key) : undefined;
  let consumed = 0;
  if (a.victim?.dirty && before?.data) writeDram(view.dram, num(a.victim.pa), before.data);
  if (a.writtenBack && before?.data && before.pa === pa) writeDram(view.dram, pa, before.data);
  if (a.writtenBack && a.data) writeDram(view.dram, pa, fromHex(a.data));
  if (a.op === 'store' && s.bytes !== undefined && a.va !== '') {
    const off = Number(BigInt(a.va) % BigInt(p.lineBytes));
    consumed = Math.min(p.lineBytes - off, (s.bytes.length >> 1) - storedSoFar);
    if (a.toDram) {
      const chunk = fromHex(s.bytes).subarray(storedSoFar, storedSoFar + consumed);
      writeDram(view.dram, pa + off, chunk);
    }
  }
  // A fill copies the line from DRAM: the recorded contents show DRAM at that moment.
  if (a.filled && a.data && a.op !== 'store') writeDram(view.dram, pa, fromHex(a.data));
  if (a.way < 0) return consumed;
  view.touched.add(key);
  const va = a.va !== '' ? a.va : before?.pa === pa ? before.va : '';
  const line: CacheLine = {
    set: a.set,
    way: a.way,
    valid: a.validAfter,
    dirty: a.dirtyAfter,
    pa,
    va,
    colour: a.va !== '' ? a.colour : (before?.colour ?? a.colour),
    names: [],
  };
  const alias = aliasFor(aliases, va);
  if (alias) line.alias = alias;
  const names = a.filled || !before || before.pa !== pa || !before.valid ? [] : [...before.names];
  const own = aliasFor(aliases, a.va)?.name;
  if (own !== undefined && !names.includes(own)) names.push(own);
  line.names = names;
  if (a.data) line.data = fromHex(a.data);
  else if (before?.data && before.pa === pa) line.data = before.data;
  view.lines.set(key, line);
  return consumed;
}

/** Every set either run touches, so the grid keeps its rows while stepping. */
export function touchedSets(...runs: Outcome[]): number[] {
  const sets = new Set<number>();
  for (const o of runs) for (const s of o.steps) for (const a of s.accesses) sets.add(a.set);
  return [...sets].sort((x, y) => x - y);
}

/** The colour a set belongs to: the set index bits above the page offset. */
export function colourOfSet(set: number, p: PresetInfo): number {
  const setsPerPage = Math.max(1, p.pageBytes / p.lineBytes);
  return p.colours > 1 ? Math.floor(set / setsPerPage) % p.colours : 0;
}

/** PA of the first byte the deciding assertion looked at (else the first page's). */
export function watchedPa(o: Outcome, p: PresetInfo): number | undefined {
  const deciding =
    o.steps.find((s) => s.check && !s.check.ok) ?? [...o.steps].reverse().find((s) => s.check);
  const a = deciding?.accesses[0];
  if (a && a.va !== '') return num(a.pa) + Number(BigInt(a.va) % BigInt(p.lineBytes));
  const pages = pagesOf(o.steps);
  const m = deciding
    ? /^expect_mem\s+(\w+)\s*(?:\+\s*(0x[0-9a-fA-F]+|\d+))?/.exec(deciding.text)
    : null;
  const base = m?.[1] ? pages.get(m[1]) : undefined;
  if (base !== undefined) return base + (m?.[2] ? Number(m[2]) : 0);
  return pages.values().next().value;
}

const OBSERVER: Record<Observer, string> = {
  user: 'user space reads',
  device: 'the device reads',
  cpu: 'the CPU reads',
  memory: 'memory holds',
};

/** One sentence: what the observer sees against what was written. */
export function verdictSentence(o: Outcome, preset: string): string {
  if (o.expected === '') return `No check in this run on ${preset}.`;
  const writer = o.observer === 'cpu' ? 'the device wrote' : 'the kernel wrote';
  if (!o.corrupted) {
    return `${capital(OBSERVER[o.observer])} ${spaced(o.observed, 0)} at offset 0, as ${writer}: no corruption on ${preset}.`;
  }
  const at = Math.max(0, o.firstBadOffset);
  return `${capital(OBSERVER[o.observer])} ${spaced(o.observed, at)} at offset ${at}; ${writer} ${spaced(o.expected, at)}.`;
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

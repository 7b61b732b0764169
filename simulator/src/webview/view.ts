// Builds the simulation view as a VNode tree from a payload and a timeline position. Pure.
import type { Outcome, PresetInfo } from '../core/run';
import type { Step } from '../core/trace';
import {
  aliasesOf,
  byteHex,
  cellKey,
  colourOfSet,
  fromHex,
  mergeTimeline,
  replay,
  stepAt,
  touchedSets,
  verdictSentence,
  watchedPa,
  type Alias,
  type MachineView,
  type TimelineRow,
} from './model';
import type { PresetChoice, ViewPayload } from './protocol';
import { h, type Child, type VNode } from './vnode';

export type RunId = 'asWritten' | 'withFix';
const RUNS: { id: RunId; title: string }[] = [
  { id: 'asWritten', title: 'As written' },
  { id: 'withFix', title: 'With the fix' },
];

/** Rows of the cache grid shown per run; the rest are summarised. */
export const MAX_GRID_SETS = 24;
/** Bytes of the watched region shown in the memory panel. */
export const WATCH_BYTES = 8;

/** First byte of the shown window: the row of WATCH_BYTES holding the first bad byte. */
export function windowStart(o: Outcome): number {
  return o.firstBadOffset > 0 ? o.firstBadOffset - (o.firstBadOffset % WATCH_BYTES) : 0;
}

export interface ViewInput {
  payload: ViewPayload;
  presets: PresetChoice[];
  position: number;
  playing: boolean;
  busy?: string;
  error?: string;
}

/** Everything derived once per payload. */
export interface Prepared {
  rows: TimelineRow[];
  sets: number[];
  hiddenSets: number;
}

export function prepare(p: ViewPayload): Prepared {
  const rows = mergeTimeline(p.asWritten, p.withFix);
  // Sets the CPU read or wrote come first; pure maintenance sweeps fill the remaining rows.
  const data = new Set<number>();
  for (const o of [p.asWritten, p.withFix])
    for (const s of o.steps)
      for (const a of s.accesses)
        if (a.op === 'load' || a.op === 'store' || a.filled || a.op.startsWith('snoop'))
          data.add(a.set);
  const all = touchedSets(p.asWritten, p.withFix);
  const ordered = [...data, ...all.filter((s) => !data.has(s))].slice(0, MAX_GRID_SETS);
  return { rows, sets: ordered.sort((a, b) => a - b), hiddenSets: all.length - ordered.length };
}

export function clampPosition(position: number, rows: readonly TimelineRow[]): number {
  return Math.max(0, Math.min(rows.length - 1, Math.trunc(position) || 0));
}

export function render(input: ViewInput, prep: Prepared = prepare(input.payload)): VNode {
  const { payload: p } = input;
  const pos = clampPosition(input.position, prep.rows);
  const row = prep.rows[pos];
  const file = p.source.file.split(/[\\/]/).pop() ?? p.source.file;
  return h(
    'div',
    { class: 'fg-root' },
    h(
      'header',
      {},
      h('h1', { id: 'fg-title' }, `Simulation: ${file}:${p.source.line}`),
      h('p', { class: 'fg-message', id: 'fg-message' }, p.source.message),
      h('p', { class: 'fg-rule' }, h('code', {}, p.source.rule)),
    ),
    toolbar(input, prep, pos),
    input.error !== undefined && h('p', { class: 'fg-error', role: 'alert' }, input.error),
    h(
      'div',
      { class: 'fg-runs' },
      RUNS.map((r) => runPanel(p, r.id, r.title, stepAt(prep.rows, pos, r.id), prep)),
    ),
    timeline(prep.rows, pos, row),
    p.notes.length > 0 &&
      h(
        'section',
        { class: 'fg-notes', 'aria-label': 'Assumptions' },
        h('h2', {}, 'Assumptions'),
        h(
          'ul',
          {},
          p.notes.map((n) => h('li', {}, n)),
        ),
      ),
  );
}

function toolbar(input: ViewInput, prep: Prepared, pos: number): VNode {
  const p = input.payload;
  const known = input.presets.some((c) => c.id === p.preset);
  const choices = known
    ? input.presets
    : [{ id: p.preset, description: p.presetInfo.description }, ...input.presets];
  return h(
    'div',
    { class: 'fg-toolbar', role: 'toolbar', 'aria-label': 'Simulation controls' },
    h('label', { for: 'fg-preset' }, 'CPU'),
    h(
      'select',
      {
        id: 'fg-preset',
        'aria-describedby': 'fg-preset-description',
        disabled: input.busy !== undefined,
      },
      choices.map((c) =>
        h('option', { value: c.id, selected: c.id === p.preset, title: c.description }, c.id),
      ),
    ),
    h(
      'span',
      { id: 'fg-preset-description', class: 'fg-preset-description' },
      input.busy !== undefined ? `Simulating on ${input.busy}…` : presetSummary(p.presetInfo),
    ),
    h(
      'span',
      { class: 'fg-buttons' },
      h(
        'button',
        {
          id: 'fg-first',
          'data-action': 'first',
          'aria-label': 'First step',
          title: 'First step (Home)',
        },
        '|◀',
      ),
      h(
        'button',
        { id: 'fg-back', 'data-action': 'back', 'aria-label': 'Step back', title: 'Step back (←)' },
        '◀',
      ),
      h(
        'button',
        {
          id: 'fg-play',
          'data-action': 'play',
          'aria-label': input.playing ? 'Pause' : 'Play',
          'aria-pressed': input.playing ? 'true' : 'false',
          title: 'Play / pause (Space)',
        },
        input.playing ? '❚❚' : '▶',
      ),
      h(
        'button',
        { id: 'fg-step', 'data-action': 'step', 'aria-label': 'Step forward', title: 'Step (→)' },
        '▶|',
      ),
      h(
        'span',
        { id: 'fg-position', class: 'fg-position', 'aria-live': 'polite' },
        `Step ${pos + 1} of ${prep.rows.length}`,
      ),
    ),
  );
}

function presetSummary(p: PresetInfo): string {
  const kib = (n: number): string => (n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);
  const colours = p.aliasing ? `${p.colours} colours (aliasing)` : 'no aliasing';
  return `${p.description} — ${kib(p.cacheBytes)} ${p.ways}-way ${p.indexing}, ${p.sets} sets, ${p.lineBytes} B lines, ${colours}`;
}

function runPanel(p: ViewPayload, run: RunId, title: string, step: number, prep: Prepared): VNode {
  const o = p[run];
  const aliases = aliasesOf(o.steps, p.presetInfo);
  const m = replay(o.steps, step, p.presetInfo, aliases);
  const current = step >= 0 ? o.steps[step] : undefined;
  return h(
    'section',
    { class: `fg-run fg-${run}`, 'aria-label': title, 'data-corrupted': String(o.corrupted) },
    h('h2', {}, title),
    h(
      'p',
      {
        id: `fg-verdict-${run}`,
        class: o.corrupted ? 'fg-verdict bad' : 'fg-verdict ok',
        'data-corrupted': String(o.corrupted),
        role: 'status',
      },
      h('strong', {}, o.corrupted ? 'Corrupted. ' : 'Correct. '),
      verdictSentence(o, p.preset),
    ),
    compare(o, run),
    h('h3', {}, 'Cache (sets × ways)'),
    grid(p.presetInfo, prep, m, run),
    legend(aliases),
    prep.hiddenSets > 0 &&
      h(
        'p',
        { class: 'fg-more' },
        `${prep.hiddenSets} more sets touched by cache maintenance are not shown.`,
      ),
    h('h3', {}, 'Physical memory and the aliases'),
    memory(o, p.presetInfo, m, current),
    h('h3', {}, 'This step'),
    stepDetails(current),
  );
}

/** Expected and observed bytes of the deciding check, the first differing byte marked. */
function compare(o: Outcome, run: RunId): VNode | false {
  if (o.expected === '') return false;
  const start = windowStart(o);
  const exp = fromHex(o.expected).subarray(start, start + WATCH_BYTES);
  const obs = fromHex(o.observed).subarray(start, start + WATCH_BYTES);
  const row = (label: string, bytes: Uint8Array, mark: boolean): VNode =>
    h(
      'tr',
      {},
      h('th', {}, label),
      Array.from(bytes, (b, i) => {
        const bad = mark && b !== exp[i];
        const first = mark && start + i === o.firstBadOffset;
        return h(
          'td',
          {
            class: `fg-byte${bad ? ' bad' : ''}${first ? ' first-bad' : ''}`,
            id: first ? `fg-first-bad-${run}` : undefined,
            'aria-label': first
              ? `first differing byte, offset ${start + i}: ${byteHex(b)}`
              : undefined,
          },
          byteHex(b),
        );
      }),
    );
  return h(
    'table',
    {
      class: 'fg-compare',
      'aria-label': `Bytes the ${o.observer === 'user' ? 'user mapping' : o.observer} expects and sees`,
    },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'offset'),
        Array.from(exp, (_, i) => h('th', {}, `+${start + i}`)),
      ),
    ),
    h('tbody', {}, row('expected', exp, false), row(`${o.observer} sees`, obs, true)),
  );
}

function grid(p: PresetInfo, prep: Prepared, m: MachineView, run: RunId): VNode {
  const ways = Array.from({ length: p.ways }, (_, w) => w);
  return h(
    'table',
    {
      class: 'fg-grid',
      id: `fg-grid-${run}`,
      'aria-label': `Cache sets and ways, ${run === 'asWritten' ? 'as written' : 'with the fix'}`,
    },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'set'),
        h('th', {}, 'colour'),
        ways.map((w) => h('th', {}, `way ${w}`)),
      ),
    ),
    h(
      'tbody',
      {},
      prep.sets.map((set) =>
        h(
          'tr',
          {},
          h('th', {}, String(set)),
          h('td', { class: `fg-colour c${colourOfSet(set, p) % 8}` }, String(colourOfSet(set, p))),
          ways.map((way) => cell(m, set, way)),
        ),
      ),
    ),
  );
}

function legend(aliases: readonly Alias[]): VNode {
  const seen = new Map<string, Alias>();
  for (const a of aliases) if (!seen.has(a.name)) seen.set(a.name, a);
  const kinds: Record<Alias['kind'], string> = {
    kernel: 'kernel alias',
    user: 'user mapping',
    vmap: 'vmap alias',
    other: 'address',
  };
  return h(
    'p',
    { class: 'fg-legend' },
    [...seen.values()].map((a) =>
      h(
        'span',
        { class: `fg-key alias-${a.kind}` },
        `${a.name}: ${kinds[a.kind]} ${a.base.toString(16).replace(/^/, '0x')}`,
      ),
    ),
    h('span', { class: 'fg-key' }, 'D: dirty'),
    h('span', { class: 'fg-key touched' }, 'outlined: this step'),
  );
}

function cell(m: MachineView, set: number, way: number): VNode {
  const key = cellKey(set, way);
  const l = m.lines.get(key);
  const touched = m.touched.has(key);
  if (!l || !l.valid)
    return h(
      'td',
      {
        class: `fg-cell empty${touched ? ' touched' : ''}`,
        'aria-label': `set ${set} way ${way}: invalid`,
      },
      '·',
    );
  const who = l.names.length > 0 ? l.names.join('+') : (l.alias?.name ?? 'phys');
  const label = `set ${set} way ${way}: ${l.alias ? `${l.alias.kind} alias ${l.alias.name}` : 'line'}, PA 0x${l.pa.toString(16)}, ${l.dirty ? 'dirty' : 'clean'}`;
  return h(
    'td',
    {
      class: `fg-cell valid alias-${l.alias?.kind ?? 'other'}${l.dirty ? ' dirty' : ''}${touched ? ' touched' : ''}`,
      'aria-label': label,
      title: label,
    },
    `${who}${l.dirty ? ' D' : ''}`,
  );
}

/** DRAM and every cached copy of the watched bytes, side by side. */
function memory(o: Outcome, p: PresetInfo, m: MachineView, current: Step | undefined): VNode {
  const base = watchedPa(o, p);
  if (base === undefined) return h('p', {}, 'No physical page in this run.');
  const start = windowStart(o);
  const pa = base + start;
  const expected = o.expected !== '' ? fromHex(o.expected).subarray(start) : undefined;
  const offs = Array.from({ length: WATCH_BYTES }, (_, i) => i);
  const bytesRow = (label: string, get: (i: number) => number | undefined, cls: string): VNode =>
    h(
      'tr',
      { class: cls },
      h('th', {}, label),
      offs.map((i) => {
        const b = get(i);
        const stale =
          expected !== undefined && b !== undefined && i < expected.length && b !== expected[i];
        return h('td', { class: `fg-byte${stale ? ' stale' : ''}` }, byteHex(b));
      }),
    );
  const rows: VNode[] = [bytesRow(`DRAM 0x${pa.toString(16)}`, (i) => m.dram.get(pa + i), 'dram')];
  const copies = [...m.lines.values()]
    .filter((l) => l.valid && l.data && pa >= l.pa && pa < l.pa + p.lineBytes)
    .sort((a, b) => a.set - b.set || a.way - b.way);
  for (const l of copies) {
    const at = pa - l.pa;
    const name =
      l.names.length > 1
        ? l.names.join('+')
        : l.alias
          ? `${l.alias.name} ${l.alias.kind}`
          : 'cache';
    rows.push(
      bytesRow(
        `${name} · set ${l.set}${l.dirty ? ' · dirty' : ''}`,
        (i) => (at + i < p.lineBytes ? l.data?.[at + i] : undefined),
        `alias-${l.alias?.kind ?? 'other'}`,
      ),
    );
  }
  if (current?.check) {
    const seen = fromHex(current.check.observed).subarray(start);
    rows.push(bytesRow(`${current.check.observer} reads`, (i) => seen[i], 'observer'));
  }
  return h(
    'table',
    { class: 'fg-memory', 'aria-label': 'Physical memory and cached copies of the watched bytes' },
    h('tbody', {}, rows),
  );
}

function stepDetails(s: Step | undefined): VNode {
  if (!s) return h('p', { class: 'fg-step-text' }, 'Before the first step.');
  const lines: Child[] = [h('code', {}, s.text)];
  const items = [...s.notes];
  if (s.va !== undefined)
    items.push(
      `VA ${s.va}${s.pa ? ` → PA ${s.pa}` : ''}${s.set !== undefined ? `, set ${s.set}` : ''}${s.colour !== undefined ? `, colour ${s.colour}` : ''}${s.hit !== undefined ? (s.hit ? ', hit' : ', miss') : ''}`,
    );
  for (const a of s.accesses.slice(0, 4)) {
    const what = [
      a.filled && 'filled from DRAM',
      a.writtenBack && 'written back',
      a.lostDirty && 'dropped while dirty: data lost',
      !a.lostDirty && a.dropped && 'dropped',
      a.toDram && 'written to DRAM',
      a.victim?.dirty && `evicted dirty ${a.victim.va}`,
    ].filter(Boolean);
    if (what.length > 0) items.push(`${a.op} set ${a.set}: ${what.join(', ')}`);
  }
  if (s.accesses.length > 4) items.push(`… ${s.accesses.length - 4} more lines`);
  if (s.error !== undefined) items.push(`error: ${s.error}`);
  if (s.check)
    items.push(
      s.check.ok ? 'check: as expected' : `check: mismatch at byte ${s.check.firstBadOffset}`,
    );
  return h(
    'div',
    { class: 'fg-step-text' },
    lines,
    h(
      'ul',
      {},
      items.map((t) => h('li', {}, t)),
    ),
  );
}

function timeline(
  rows: readonly TimelineRow[],
  pos: number,
  current: TimelineRow | undefined,
): VNode {
  return h(
    'section',
    { class: 'fg-timeline', 'aria-label': 'Timeline' },
    h('h2', {}, 'Timeline'),
    h(
      'ol',
      {
        id: 'fg-steps',
        role: 'listbox',
        'aria-label': 'Steps',
        'aria-activedescendant': `fg-row-${pos}`,
        tabindex: 0,
      },
      rows.map((r, i) => {
        const mark =
          r.variant === 'fix' ? 'fix only' : r.variant === 'bug' ? 'as written only' : '';
        return h(
          'li',
          {
            id: `fg-row-${i}`,
            role: 'option',
            class: `fg-row v-${r.variant}${r === current ? ' current' : ''}`,
            'aria-selected': r === current ? 'true' : 'false',
            'data-action': 'goto',
            'data-row': i,
            'data-line': r.cLine,
          },
          h('span', { class: 'fg-cline' }, r.cLine !== undefined ? `C:${r.cLine}` : ''),
          h(
            'span',
            { class: 'fg-mark', 'aria-label': mark || undefined },
            r.variant === 'fix' ? '+' : r.variant === 'bug' ? '−' : '',
          ),
          h('code', {}, r.text),
        );
      }),
    ),
  );
}

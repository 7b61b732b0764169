// Builds the simulation view as a VNode tree from a payload and a timeline position. Pure.
import type { PresetInfo } from '../core/run';
import {
  aliasesOf,
  mergeTimeline,
  replay,
  stepAt,
  touchedSets,
  verdictSentence,
  type Prepared,
  type RunId,
  type TimelineRow,
} from './model';
import type { PresetChoice, ViewPayload } from './protocol';
import { compare, grid, legend, memory, stepDetails } from './panels';
import { h, type VNode } from './vnode';

export type { Prepared, RunId } from './model';
const RUNS: { id: RunId; title: string }[] = [
  { id: 'asWritten', title: 'As written' },
  { id: 'withFix', title: 'With the fix' },
];

/** Rows of the cache grid shown per run; the rest are summarised. */
export const MAX_GRID_SETS = 24;

export interface ViewInput {
  payload: ViewPayload;
  presets: PresetChoice[];
  position: number;
  playing: boolean;
  busy?: string;
  error?: string;
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

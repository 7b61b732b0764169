// The parts of one run's panel: bytes compared, the cache grid and its legend, physical memory
// with every cached copy, and the current step. Pure VNode builders.
import type { Outcome, PresetInfo } from '../core/run';
import type { Step } from '../core/trace';
import {
  byteHex,
  cellKey,
  colourOfSet,
  fromHex,
  watchedPa,
  type Alias,
  type MachineView,
} from './model';
import { h, type Child, type VNode } from './vnode';
import type { Prepared, RunId } from './model';

/** Bytes of the watched region shown in the memory panel and the comparison. */
export const WATCH_BYTES = 8;

/** First byte of the shown window: the row of WATCH_BYTES holding the first bad byte. */
export function windowStart(o: Outcome): number {
  return o.firstBadOffset > 0 ? o.firstBadOffset - (o.firstBadOffset % WATCH_BYTES) : 0;
}

/** Expected and observed bytes of the deciding check, the first differing byte marked. */
export function compare(o: Outcome, run: RunId): VNode | false {
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

export function grid(p: PresetInfo, prep: Prepared, m: MachineView, run: RunId): VNode {
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

export function legend(aliases: readonly Alias[]): VNode {
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
export function memory(
  o: Outcome,
  p: PresetInfo,
  m: MachineView,
  current: Step | undefined,
): VNode {
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

export function stepDetails(s: Step | undefined): VNode {
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

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { rerunPayload, simulateScenarioText } from '../../client/src/webview/rerun';
import { listPresets } from '../../simulator/src/index';
import {
  aliasesOf,
  mergeTimeline,
  replay,
  spaced,
  stepAt,
  verdictSentence,
  watchedPa,
} from '../../simulator/src/webview/model';
import { clampPosition, prepare, render } from '../../simulator/src/webview/view';
import { h, mount, textOf, type VNode } from '../../simulator/src/webview/vnode';
import { HOSTILE, hostilePayload, scenarioPayload } from './payloads';

/** A DOM stand-in that records every call mount makes. */
class FakeElement {
  attrs = new Map<string, string>();
  children: (FakeElement | { text: string })[] = [];
  constructor(readonly tag: string) {}
  setAttribute(name: string, value: string): void {
    this.attrs.set(name, value);
  }
  appendChild(c: FakeElement | { text: string }): void {
    this.children.push(c);
  }
}
const fakeDoc = {
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => ({ text }),
};

function walk(e: FakeElement, visit: (e: FakeElement) => void): void {
  visit(e);
  for (const c of e.children) if (c instanceof FakeElement) walk(c, visit);
}

function texts(e: FakeElement): string[] {
  const out: string[] = [];
  walk(e, (el) => {
    for (const c of el.children) if (!(c instanceof FakeElement)) out.push(c.text);
  });
  return out;
}

const PRESETS = [
  { id: 'arm1176-32k', description: 'ARM1176' },
  { id: 'pipt-32k', description: 'control' },
];

function find(node: VNode, pred: (n: VNode) => boolean): VNode | undefined {
  if (pred(node)) return node;
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    const f = find(c, pred);
    if (f) return f;
  }
  return undefined;
}
const byId = (node: VNode, id: string): VNode | undefined => find(node, (n) => n.attrs.id === id);

test('hostile text from the user file is only ever text: no handler, no src, no markup', () => {
  const payload = hostilePayload();
  const prep = prepare(payload);
  for (let position = 0; position < prep.rows.length; position++) {
    const el = mount(
      fakeDoc,
      render({ payload, presets: PRESETS, position, playing: false }, prep),
    );
    const tags = new Set<string>();
    walk(el, (e) => {
      tags.add(e.tag);
      for (const name of e.attrs.keys()) assert.doesNotMatch(name, /^on|^src$|^href$|^style$/i);
    });
    assert.ok(!tags.has('script') && !tags.has('img') && !tags.has('svg'));
    const all = texts(el).join('\n');
    // Verbatim in text nodes (the DOM escapes them), never parsed.
    assert.ok(all.includes(HOSTILE[0] ?? ''), 'file name shown as text');
    assert.ok(all.includes(`page written ${HOSTILE.join(' ')}`), 'message shown as text');
  }
});

test('the vnode builder and mount refuse handler attributes and unknown tags', () => {
  assert.throws(() => h('div', { onclick: 'alert(1)' }), /not allowed/);
  assert.throws(() => h('img', { alt: 'x' }), /not allowed/);
  const forged: VNode = { tag: 'div', attrs: { onerror: 'alert(1)' }, children: [] };
  assert.throws(() => mount(fakeDoc, forged), /not allowed/);
});

test("as written the user reads stale bytes; with the fix the kernel's; verdict in one sentence", () => {
  const p = scenarioPayload();
  assert.equal(
    verdictSentence(p.asWritten, p.preset),
    'User space reads AA AA AA AA at offset 0; the kernel wrote 11 22 33 44.',
  );
  assert.match(
    verdictSentence(p.withFix, p.preset),
    /^User space reads 11 22 33 44 at offset 0, as the kernel wrote: no corruption/,
  );
  const view = render({ payload: p, presets: PRESETS, position: 999, playing: false });
  assert.equal(byId(view, 'fg-verdict-asWritten')?.attrs['data-corrupted'], 'true');
  assert.equal(byId(view, 'fg-verdict-withFix')?.attrs['data-corrupted'], 'false');
  const first = byId(view, 'fg-first-bad-asWritten');
  assert.equal(first && textOf(first), 'AA');
  assert.equal(byId(view, 'fg-first-bad-withFix'), undefined);
});

test('on the PIPT control preset neither run is corrupted', () => {
  const p = rerunPayload(scenarioPayload(), 'pipt-32k');
  assert.equal(p.preset, 'pipt-32k');
  assert.equal(p.asWritten.corrupted, false);
  const view = render({ payload: p, presets: PRESETS, position: 0, playing: false });
  assert.equal(byId(view, 'fg-verdict-asWritten')?.attrs['data-corrupted'], 'false');
  const select = byId(view, 'fg-preset');
  const chosen = select && find(select, (n) => n.tag === 'option' && 'selected' in n.attrs);
  assert.equal(chosen?.attrs.value, 'pipt-32k');
});

test('the timeline merges both runs; the fix step is in one run only', () => {
  const p = scenarioPayload();
  const rows = mergeTimeline(p.asWritten, p.withFix);
  const fix = rows.filter((r) => r.variant === 'fix');
  assert.equal(fix.length, 1);
  assert.match(fix[0]?.text ?? '', /^flush_dcache_page P/);
  assert.equal(fix[0]?.asWritten, undefined);
  assert.notEqual(fix[0]?.withFix, undefined);
  assert.equal(rows.length, p.withFix.steps.length);
  const at = rows.indexOf(fix[0]!);
  assert.equal(stepAt(rows, at, 'asWritten'), stepAt(rows, at - 1, 'asWritten'));
  assert.equal(stepAt(rows, -1, 'withFix'), -1);
  assert.equal(clampPosition(50, rows), rows.length - 1);
  // A scenario file's steps link to their own lines.
  assert.ok(rows.every((r) => r.cLine === r.line));
});

test('replay: the kernel alias is dirty with the new bytes while DRAM and the user alias hold the old', () => {
  const p = scenarioPayload();
  const steps = p.asWritten.steps;
  const store = steps.findIndex((s) => s.op === 'store');
  const m = replay(steps, store, p.presetInfo);
  const lines = [...m.lines.values()].filter((l) => l.valid);
  const k = lines.find((l) => l.alias?.name === 'K');
  const u = lines.find((l) => l.alias?.name === 'U');
  assert.equal(k?.alias?.kind, 'kernel');
  assert.equal(k?.dirty, true);
  assert.equal(k?.set, 0);
  assert.equal(u?.alias?.kind, 'user');
  assert.equal(u?.set, 128);
  assert.equal(u?.dirty, false);
  const pa = watchedPa(p.asWritten, p.presetInfo);
  assert.equal(pa, 0x10000);
  const dram = [0, 1, 2, 3].map((i) => m.dram.get(0x10000 + i));
  assert.deepEqual(dram, [0xaa, 0xaa, 0xaa, 0xaa]);
  assert.deepEqual([...(k?.data ?? new Uint8Array()).subarray(0, 4)], [0x11, 0x22, 0x33, 0x44]);
  assert.ok(m.touched.has('0:0'));
  // With the fix, flush_dcache_page writes K back: DRAM has the new bytes, the user line is gone.
  const f = p.withFix.steps;
  const flush = f.findIndex((s) => s.op === 'flush_dcache_page');
  const mf = replay(f, flush, p.presetInfo);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => mf.dram.get(0x10000 + i)),
    [0x11, 0x22, 0x33, 0x44],
  );
  assert.equal([...mf.lines.values()].filter((l) => l.valid && l.pa === 0x10000).length, 0);
});

test('the rendered grid, memory panel and step text follow the position', () => {
  const p = scenarioPayload();
  const rows = mergeTimeline(p.asWritten, p.withFix);
  const store = rows.findIndex((r) => r.text.startsWith('store K'));
  const view = render({ payload: p, presets: PRESETS, position: store, playing: false });
  const grid = byId(view, 'fg-grid-asWritten');
  assert.ok(grid);
  const dirtyK = find(
    grid,
    (n) => n.tag === 'td' && /alias-kernel dirty touched/.test(n.attrs.class ?? ''),
  );
  assert.equal(dirtyK && textOf(dirtyK), 'K D');
  assert.match(textOf(view), /DRAM 0x10000AAAAAAAA/);
  assert.equal(textOf(byId(view, 'fg-position')!), `Step ${store + 1} of ${rows.length}`);
  assert.equal(byId(view, `fg-row-${store}`)?.attrs['aria-selected'], 'true');
  assert.equal(spaced('00112233445566', 2, 3), '22 33 44');
});

test('on a PIPT cache one line serves both aliases, and the cell names both', () => {
  const p = rerunPayload(scenarioPayload(), 'pipt-32k');
  const steps = p.asWritten.steps;
  const m = replay(steps, steps.length - 1, p.presetInfo);
  const lines = [...m.lines.values()].filter((l) => l.valid && l.pa === 0x10000);
  assert.equal(lines.length, 1);
  assert.deepEqual([...(lines[0]?.names ?? [])].sort(), ['K', 'U']);
  assert.equal(lines[0]?.dirty, true);
});

test('every example scenario renders on every preset, its verdict agreeing with the run', () => {
  const dir = 'examples/scenarios';
  const presets = listPresets().map((p) => p.id);
  let corrupted = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.fgs'))) {
    for (const preset of presets) {
      const p = scenarioPayload(`${dir}/${f}`, preset);
      const view = render({ payload: p, presets: PRESETS, position: 1e9, playing: false });
      for (const run of ['asWritten', 'withFix'] as const) {
        const v = byId(view, `fg-verdict-${run}`);
        assert.ok(v, `${f} ${preset} ${run}: verdict shown`);
        assert.equal(v.attrs['data-corrupted'], String(p[run].corrupted), `${f} ${preset} ${run}`);
        if (p[run].corrupted) {
          assert.match(
            textOf(v),
            /(reads|holds) [0-9A-F ]+ at offset \d+; the (kernel|device) wrote/,
          );
          assert.ok(byId(view, `fg-first-bad-${run}`), `${f} ${preset}: first bad byte marked`);
        }
      }
      if (p.asWritten.corrupted) corrupted++;
    }
  }
  assert.ok(corrupted > 10, `some runs show corruption (${corrupted})`);
});

test('vmap aliases and the device as observer are named as such', () => {
  const p = scenarioPayload('examples/scenarios/s3-missing-flush-kernel-vmap-range.fgs');
  const aliases = aliasesOf(p.asWritten.steps, p.presetInfo);
  assert.deepEqual(
    aliases.map((a) => [a.name, a.kind]),
    [['V', 'vmap']],
  );
  assert.match(
    verdictSentence(p.asWritten, p.preset),
    /^The device reads 4F 4C 44 21 at offset 0; the kernel wrote 58 46 53 42\.$/,
  );
});

test('a scenario with an error is refused with its file, line and column', () => {
  assert.throws(
    () => simulateScenarioText({ file: 'bad.fgs', text: 'page P pa=0x1000 file\nfrobnicate P\n' }),
    /^Error: bad\.fgs:2:\d+: /,
  );
});

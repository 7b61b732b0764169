// The invariants of docs/design/hardware.md, as simulator invariants.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from './parser';
import { runScenario, type Outcome } from './run';
import type { Step } from './trace';

function run(text: string, preset?: string): { w: Outcome; f: Outcome } {
  const p = parseScenario(text);
  assert.deepEqual(p.errors, []);
  assert.ok(p.scenario);
  const r = runScenario(p.scenario, preset);
  return { w: r.asWritten, f: r.withFix };
}

const stepAt = (o: Outcome, text: string): Step => {
  const s = o.steps.find((x) => x.text === text);
  assert.ok(s, `no step '${text}'`);
  return s;
};

describe('by-VA maintenance reaches only the colour of the VA used', () => {
  it('flushing the kernel alias leaves the user-colour copy in place (arm1176-32k)', () => {
    const { w } = run(`
      page P pa=0x10000 anon
      map_user 0x40001000 P as U
      kmap P as K
      load U 4
      load K 4
      clean_inval K 0x1000
      load U 4`);
    const flush = stepAt(w, 'clean_inval K 0x1000');
    const touched = flush.accesses.filter((a) => a.hit);
    assert.equal(touched.length, 1);
    assert.equal(touched[0]?.set, 0);
    assert.ok(flush.accesses.every((a) => a.colour === 0 && a.set < 128));
    const last = w.steps[w.steps.length - 1];
    assert.equal(last?.hit, true, 'the user line (set 128) survived the kernel-alias flush');
    assert.equal(last?.set, 128);
  });
});

describe('one line or two', () => {
  const text = `
    page P pa=0x30000 anon
    kmap P as K
    vmap P at 0xF0030000 as V
    load V 4
    load K 4`;
  it('VIPT: two same-colour VAs of one PA are one line', () => {
    const { w } = run(text, 'arm1136-64k');
    const k = stepAt(w, 'load K 4');
    assert.equal(k.hit, true);
    assert.equal(k.way, 0);
  });
  it('VIVT: two same-colour VAs of one PA are two lines in one set', () => {
    const { w } = run(text, 'arm926-16k-vivt');
    const v = stepAt(w, 'load V 4');
    const k = stepAt(w, 'load K 4');
    assert.equal(k.hit, false);
    assert.equal(v.set, k.set);
    assert.notEqual(v.way, k.way);
  });
});

describe('write allocation', () => {
  it('no write-allocate: a store miss goes to DRAM and creates no line', () => {
    const { w } = run(
      `
      page P pa=0x10000 anon
      kmap P as K
      store K 11 22
      load K 2`,
      'arm1176-32k',
    );
    const st = stepAt(w, 'store K 11 22');
    assert.equal(st.accesses[0]?.toDram, true);
    assert.equal(st.accesses[0]?.way, -1);
    assert.equal(stepAt(w, 'load K 2').hit, false);
  });
  it('write-allocate: the store fills the line and dirties it, DRAM stays old', () => {
    const { w } = run(
      `
      page P pa=0x10000 anon
      kmap P as K
      store K 11 22
      expect_mem P = 00 00`,
      'mips-r4400pc-16k',
    );
    const st = stepAt(w, 'store K 11 22').accesses[0];
    assert.equal(st?.filled, true);
    assert.equal(st?.dirtyAfter, true);
    assert.equal(w.corrupted, false);
  });
});

describe('eviction writes back whole lines, so the last eviction wins', () => {
  it('a one-byte dirty line overwrites bytes a device wrote meanwhile (mips-r4400pc-16k)', () => {
    const { w } = run(
      `
      page P pa=0x20000 anon
      page R pa=0x24000 anon
      kmap P as K
      kmap R as E
      load K 1
      store K+1 AB
      dev_write P+8 "DEVICE!!"
      load E 1
      expect_mem P = 00 AB 00 00 00 00 00 00 00 00 00 00 00 00 00 00`,
      'mips-r4400pc-16k',
    );
    const ev = stepAt(w, 'load E 1').accesses[0];
    assert.equal(ev?.victim?.dirty, true);
    assert.equal(
      w.corrupted,
      false,
      'the device bytes at +8 were overwritten by the 32-byte write-back',
    );
  });
});

describe('whole-cache flushes at vmap time are shown, and the device view is not DRAM', () => {
  it('flush_cache_vmap records every valid line it flushes; DRAM changes after the device read', () => {
    const { w } = run(`
      page P pa=0x30000 anon
      dram P = "OLD!"
      kmap P as K
      load K 4
      vmap P as V
      load V 4
      store V "XFSB"
      dev_read P 4
      vunmap V
      expect_dev = "OLD!"
      expect_mem P = "XFSB"`);
    const vm = stepAt(w, 'vmap P as V');
    assert.equal(vm.accesses.length, 1);
    assert.equal(vm.accesses[0]?.op, 'clean_inval');
    assert.ok(vm.notes.some((n) => n.includes('whole-cache')));
    assert.equal(w.assertions.length, 2);
    assert.ok(w.assertions.every((a) => a.ok));
  });
});

describe('replacement', () => {
  it('fills the lowest invalid way first, then round-robin', () => {
    // Five lines of set 0 on a 4-way cache (arm1176-32k, way size 8 KiB).
    const pages = [0, 1, 2, 3, 4].map(
      (i) => `page Q${i} pa=${0x100000 + i * 0x2000} anon\nkmap Q${i} as A${i}`,
    );
    const { w } = run(
      `${pages.join('\n')}\nload A0 1\nload A1 1\nload A2 1\nload A3 1\nload A4 1\nload A0 1`,
    );
    const ways = [0, 1, 2, 3, 4].map((i) => stepAt(w, `load A${i} 1`).way);
    assert.deepEqual(ways, [0, 1, 2, 3, 0]);
    const again = w.steps[w.steps.length - 1];
    assert.equal(again?.hit, false, 'A0 was the round-robin victim');
    assert.equal(again?.way, 1);
  });
});

describe('coherent DMA (idealised snoop)', () => {
  it('the device reads dirty data from any colour and its writes drop every copy', () => {
    const { w } = run(
      `
      page P pa=0x100000 anon
      vmap P as V
      store V "XFSB"
      dev_read P 4
      expect_dev = "XFSB"
      load V 4
      dev_write P "NEW!"
      expect_load V = "NEW!"`,
      'pa8600-1m',
    );
    assert.equal(w.corrupted, false);
    assert.ok(
      stepAt(w, 'dev_read P 4').accesses.some((a) => a.op === 'snoop_read' && a.writtenBack),
    );
    assert.ok(
      stepAt(w, 'dev_write P "NEW!"').accesses.some((a) => a.op === 'snoop_write' && a.dropped),
    );
  });
});

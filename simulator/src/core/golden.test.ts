// Golden scenarios S1-S8 of docs/design/hardware.md: the exact bytes the spec gives, with and
// without the fix, checked on the example files that ship in examples/scenarios.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex, spacedHex } from './bytes';
import { parseScenario } from './parser';
import { runScenario, type Outcome, type RunResult } from './run';
import type { Step } from './trace';

const dir = new URL('../../../examples/scenarios/', import.meta.url);

function runFile(name: string, preset?: string): RunResult {
  const p = parseScenario(readFileSync(new URL(name, dir), 'utf8'));
  assert.deepEqual(p.errors, [], name);
  assert.ok(p.scenario);
  return runScenario(p.scenario, preset);
}

/** Observed bytes of the n-th assertion, spaced as the spec writes them. */
const seen = (o: Outcome, n = 0): string => spacedHex(fromHex(o.assertions[n]?.observed ?? ''));

const step = (o: Outcome, text: string): Step => {
  const s = o.steps.find((x) => x.text === text);
  assert.ok(s, `no step '${text}'`);
  return s;
};

describe('S1: missing flush_dcache_page (arm1176-32k)', () => {
  const r = runFile('s1-missing-flush-dcache-page.fgs');
  it('as written the user reads stale AA AA AA AA from set 128', () => {
    assert.equal(seen(r.asWritten), 'AA AA AA AA');
    const last = r.asWritten.steps[r.asWritten.steps.length - 1];
    assert.equal(last?.hit, true);
    assert.equal(last?.set, 128);
  });
  it('with the fix the user reads 11 22 33 44 from DRAM', () => {
    assert.equal(seen(r.withFix), '11 22 33 44');
    const fix = step(r.withFix, 'flush_dcache_page P');
    const k = fix.accesses.find((a) => a.set === 0);
    const u = fix.accesses.find((a) => a.set === 128);
    assert.equal(k?.writtenBack, true, 'clean+inv of K writes 11 22 33 44 back');
    assert.equal(u?.va, '0xffff5000', 'flush_pfn_alias works through 0xFFFF5000');
    assert.equal(u?.dropped, true);
  });
});

describe('S1b: no write-allocate (arm1176-32k)', () => {
  const r = runFile('s1b-no-write-allocate.fgs');
  it('the store goes to DRAM and the stale user line still wins', () => {
    assert.equal(step(r.asWritten, 'store K 11 22 33 44').accesses[0]?.toDram, true);
    assert.equal(seen(r.asWritten), 'AA AA AA AA');
    assert.equal(seen(r.withFix), '11 22 33 44');
  });
});

describe('S2: two dirty aliases, last eviction wins (mips-r4400pc-16k)', () => {
  it('buggy loses "USER"; fixed keeps both', () => {
    const r = runFile('s2-lost-write.fgs');
    assert.equal(seen(r.asWritten), '00 00 00 00 4B 45 52 4E');
    assert.equal(seen(r.withFix), '55 53 45 52 4B 45 52 4E');
    for (const load of ['load E1 4', 'load E2 4']) {
      assert.equal(
        step(r.asWritten, load).accesses[0]?.victim?.dirty,
        true,
        `${load} evicts a dirty line`,
      );
    }
    const anon = step(r.withFix, 'flush_anon_page P U');
    assert.equal(anon.accesses[0]?.colour, 1, 'kmap_coherent flushes at the user colour');
  });
  it('with the evictions swapped, buggy loses "KERN"', () => {
    const r = runFile('s2-lost-write-swapped.fgs');
    assert.equal(seen(r.asWritten), '55 53 45 52 00 00 00 00');
    assert.equal(seen(r.withFix), '55 53 45 52 4B 45 52 4E');
  });
});

describe('S3: write I/O without flush_kernel_vmap_range (arm1176-32k)', () => {
  const r = runFile('s3-missing-flush-kernel-vmap-range.fgs');
  it('the device reads OLD! as written and XFSB with the fix', () => {
    assert.equal(seen(r.asWritten), '4F 4C 44 21');
    assert.equal(seen(r.withFix), '58 46 53 42');
  });
  it('DMA maintenance touches only the linear alias (sets 0-127)', () => {
    const dma = step(r.asWritten, 'dma_map P 0 0x1000 to_device');
    assert.ok(dma.accesses.length > 0);
    assert.ok(dma.accesses.every((a) => a.set < 128 && !a.hit));
  });
  it('vunmap writes XFSB to DRAM afterwards, too late for the device', () => {
    assert.equal(seen(r.asWritten, 1), '58 46 53 42');
  });
});

describe('S4: read I/O, speculative refill, no invalidate_kernel_vmap_range (arm1176-32k)', () => {
  it('S4: OLD! as written, NEW! with the fix', () => {
    const r = runFile('s4-missing-invalidate-kernel-vmap-range.fgs');
    assert.equal(seen(r.asWritten), '4F 4C 44 21');
    assert.equal(seen(r.withFix), '4E 45 57 21');
    const spec = step(r.asWritten, 'speculate V').accesses[0];
    assert.equal(spec?.filled, true);
    assert.equal(spec?.set, 128);
  });
  it('S4b: the stale line from an earlier use has the same symptom and fix', () => {
    const r = runFile('s4b-stale-from-earlier-use.fgs');
    assert.equal(seen(r.asWritten), '4F 4C 44 21');
    assert.equal(seen(r.withFix), '4E 45 57 21');
  });
});

describe('S5: PG_arch_1 deferral (sh7750-16k)', () => {
  const r = runFile('s5-deferred-flush.fgs');
  it('buggy OLD., fixed DATA', () => {
    assert.equal(seen(r.asWritten), '4F 4C 44 2E');
    assert.equal(seen(r.withFix), '44 41 54 41');
  });
  it('the fix only clears the bit; the purge happens at fault time', () => {
    assert.equal(step(r.withFix, 'flush_dcache_page P').accesses.length, 0);
    assert.equal(step(r.asWritten, 'map_user 0x29553000 P as U').accesses.length, 0);
    const fault = step(r.withFix, 'map_user 0x29553000 P as U');
    assert.ok(fault.accesses.some((a) => a.set === 0 && a.writtenBack));
  });
});

describe('S6: VIVT, a same-colour alias still aliases (arm926-16k-vivt)', () => {
  const r = runFile('s6-vivt-same-colour.fgs');
  it('two copies of one PA in set 0, and the device reads OLD! without the fix', () => {
    const v = step(r.asWritten, 'load V 4');
    const k = step(r.asWritten, 'load K 4');
    assert.deepEqual([v.set, v.way, k.set, k.way], [0, 0, 0, 1]);
    assert.equal(seen(r.asWritten), '4F 4C 44 21');
    assert.equal(seen(r.withFix), '58 46 53 42');
  });
});

describe('S7: the wrong API', () => {
  it('destroys the write on SH-4 (ocbi)', () => {
    const r = runFile('s7-wrong-api-sh.fgs');
    assert.equal(seen(r.asWritten, 0), '4F 4C 44 21');
    assert.equal(seen(r.asWritten, 1), '4F 4C 44 21');
    assert.equal(
      step(r.asWritten, 'invalidate_kernel_vmap_range V 0x1000').accesses.some((a) => a.lostDirty),
      true,
    );
    assert.equal(seen(r.withFix, 0), '58 46 53 42');
    assert.equal(seen(r.withFix, 1), '58 46 53 42');
  });
  it('is harmless on ARM (clean+invalidate)', () => {
    const r = runFile('s7-wrong-api-arm.fgs');
    assert.equal(seen(r.asWritten, 0), '58 46 53 42');
    assert.equal(seen(r.asWritten, 1), '58 46 53 42');
  });
  it('destroys the write on PA-RISC too (pdc)', () => {
    const r = runFile('s7-wrong-api-sh.fgs', 'pa8600-1m');
    assert.equal(seen(r.asWritten, 0), '4F 4C 44 21');
    assert.equal(seen(r.withFix, 0), '58 46 53 42');
  });
});

describe('S8: write-through (ultrasparc-ii-16k)', () => {
  const r = runFile('s8-write-through.fgs');
  it('stale user read as written, correct with the fix; the store reaches DRAM in both', () => {
    assert.equal(seen(r.asWritten), 'AA AA AA AA');
    assert.equal(seen(r.withFix), '11 22 33 44');
    for (const o of [r.asWritten, r.withFix]) {
      assert.equal(step(o, 'store K 11 22 33 44').accesses[0]?.toDram, true);
    }
  });
});

// Kernel APIs as each preset implements them (docs/design/hardware.md, "Kernel APIs per architecture").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from './parser';
import { runScenario, type Outcome } from './run';
import type { Step } from './trace';

function run(text: string, preset: string): Outcome {
  const p = parseScenario(text);
  assert.deepEqual(p.errors, []);
  assert.ok(p.scenario);
  return runScenario(p.scenario, preset).asWritten;
}

const step = (o: Outcome, text: string): Step => {
  const s = o.steps.find((x) => x.text === text);
  assert.ok(s, `no step '${text}'`);
  return s;
};

describe('PG_arch_1 polarity and the deferred flush', () => {
  const text = `
    page P pa=0x10000 file index=1
    kmap P as K
    store K 11
    flush_dcache_page P
    map_user 0x40001000 P as U`;
  it('ARM clears PG_dcache_clean; MIPS and PA-RISC set PG_dcache_dirty', () => {
    assert.match(
      step(run(text, 'arm1176-32k'), 'flush_dcache_page P').notes.join(),
      /clear PG_dcache_clean/,
    );
    assert.match(
      step(run(text, 'mips-r4400pc-16k'), 'flush_dcache_page P').notes.join(),
      /set PG_dcache_dirty/,
    );
    assert.match(
      step(run(text, 'pa8600-1m'), 'flush_dcache_page P').notes.join(),
      /set PG_dcache_dirty/,
    );
    assert.match(
      step(run(text, 'xtensa-mmuhifi-c3'), 'flush_dcache_page P').notes.join(),
      /set PG_arch_1/,
    );
  });
  it('the fault-time flush then writes the kernel alias back (MIPS: only when the colours differ)', () => {
    const mips = step(run(text, 'mips-r4400pc-16k'), 'map_user 0x40001000 P as U');
    assert.ok(mips.accesses.some((a) => a.writtenBack && a.set === 0));
    const same = run(text.replace('0x40001000', '0x40000000'), 'mips-r4400pc-16k');
    assert.equal(step(same, 'map_user 0x40000000 P as U').accesses.length, 0);
  });
  it('the fault-time flush happens once: the bit is reset after it', () => {
    for (const id of ['arm1176-32k', 'sh7750-16k', 'mips-r4400pc-16k', 'pa8600-1m']) {
      const o = run(`${text}\nmap_user 0x40005000 P as U2`, id);
      const clean = /the kernel alias is clean, no flush at fault time/;
      assert.doesNotMatch(step(o, 'map_user 0x40001000 P as U').notes.join(), clean, id);
      assert.match(step(o, 'map_user 0x40005000 P as U2').notes.join(), clean, id);
    }
  });
  it('Xtensa flushes at the physical colour and at the user colour', () => {
    const x = step(run(text, 'xtensa-mmuhifi-c3'), 'map_user 0x40001000 P as U');
    assert.equal(x.notes.filter((n) => n.startsWith('update_mmu_cache')).length, 2);
  });
});

describe('flush_dcache_page reach', () => {
  const text = `
    page P pa=0x100000 file index=1
    map_user 0x40001000 P as U
    kmap P as K
    load U 4
    load K 4
    flush_dcache_page P`;
  const dropped = (o: Outcome): number[] =>
    step(o, 'flush_dcache_page P')
      .accesses.filter((a) => a.dropped)
      .map((a) => a.colour)
      .sort();
  it('ARM flushes the kernel alias and the page->index colour', () => {
    assert.deepEqual(dropped(run(text, 'arm1176-32k')), [0, 1]);
  });
  it('MIPS and SH flush only the kernel alias', () => {
    assert.deepEqual(dropped(run(text, 'mips-r4400pc-16k')), [0]);
    assert.deepEqual(dropped(run(text, 'sh7750-16k')), [0]);
  });
  it('PA-RISC walks the user mappings; SPARC64 invalidates by PA in every colour', () => {
    assert.deepEqual(dropped(run(text, 'pa8600-1m')), [0, 1]);
    // 8 KB pages: the other colour is 0x40002000.
    assert.deepEqual(
      dropped(run(text.replace('0x40001000', '0x40002000'), 'ultrasparc-ii-16k')),
      [0, 1],
    );
  });
  it('is a no-op on the non-aliasing control', () => {
    assert.deepEqual(dropped(run(text, 'pipt-32k')), []);
  });
});

describe('vmap range APIs', () => {
  const text = `
    page P pa=0x100000 anon
    vmap P as V
    store V "XFSB"
    invalidate_kernel_vmap_range V 0x1000
    expect_mem P = "XFSB"`;
  it('invalidate discards dirty data on SH-4 and PA-RISC, cleans it on ARM and MIPS, is empty on Xtensa', () => {
    assert.equal(run(text, 'sh7750-16k').corrupted, true);
    assert.equal(run(text, 'pa8600-1m').corrupted, true);
    assert.equal(run(text.replace('store', 'load V 4\nstore'), 'arm1176-32k').corrupted, false);
    assert.equal(run(text, 'mips-r4400pc-16k').corrupted, false);
    const x = run(text, 'xtensa-mmuhifi-c3');
    assert.equal(step(x, 'invalidate_kernel_vmap_range V 0x1000').accesses.length, 0);
    assert.equal(x.corrupted, true, 'still dirty in the cache, DRAM old');
  });
  it('PA-RISC flushes the whole cache from the threshold (dc_size) up, so a big invalidate keeps data', () => {
    const big = run(text.replace('V 0x1000', 'V 0x100000'), 'pa8600-1m');
    assert.equal(big.corrupted, false);
    assert.match(step(big, 'invalidate_kernel_vmap_range V 0x100000').notes.join(), /whole-cache/);
  });
});

describe('kmap family', () => {
  it('kmap_coherent picks the fixmap slot with the user colour (MIPS, SH)', () => {
    const o = run('page P pa=0x20000 anon\nkmap_coherent P 0x403000 as C', 'mips-r4400pc-16k');
    assert.match(step(o, 'kmap_coherent P 0x403000 as C').notes.join(), /colour 3/);
  });
  it('kmap_coherent falls back to kmap elsewhere', () => {
    const o = run('page P pa=0x20000 anon\nkmap_coherent P 0x403000 as C', 'arm1176-32k');
    assert.equal(step(o, 'kmap_coherent P 0x403000 as C').va, '0xc0020000');
  });
  it('highmem: refused on ARMv6 aliasing, colour-matched on Xtensa, fixmap on ARM926', () => {
    const text = 'page H pa=0x30001000 anon\nkmap H as K';
    const arm = run(text, 'arm1176-32k');
    assert.match(arm.errors[0]?.message ?? '', /no highmem/);
    const x = run('page H pa=0x08001000 anon\nkmap H as K', 'xtensa-mmuhifi-c3');
    assert.match(step(x, 'kmap H as K').notes.join(), /physical colour 1/);
    assert.equal(run(text, 'arm926-16k-vivt').errors.length, 0);
  });
  it('kunmap flushes the kernel alias on PA-RISC (ARCH_HAS_FLUSH_ON_KUNMAP)', () => {
    const o = run(
      'page P pa=0x100000 anon\nkmap P as K\nstore K 01\nkunmap K\nexpect_mem P = 01',
      'pa8600-1m',
    );
    assert.equal(o.corrupted, false);
  });
});

describe('streaming DMA maintains only the linear alias', () => {
  it('ARM cleans partial edge lines before invalidating; dev_to_cpu marks a whole page clean', () => {
    const o = run(
      `
      page P pa=0x30000 anon
      kmap P as K
      load K 4
      store K+40 01
      dma_map P 0 48 from_device
      dma_unmap P 0 0x1000 from_device`,
      'arm1176-32k',
    );
    const map = step(o, 'dma_map P 0 48 from_device');
    assert.deepEqual(
      map.accesses.map((a) => a.op),
      ['inval', 'clean_inval'],
    );
    assert.match(step(o, 'dma_unmap P 0 0x1000 from_device').notes.join(), /set PG_dcache_clean/);
  });
  it('coherent presets do no maintenance', () => {
    const o = run('page P pa=0x30000 anon\ndma_map P 0 64 to_device', 'ultrasparc-ii-16k');
    assert.equal(step(o, 'dma_map P 0 64 to_device').accesses.length, 0);
  });
});

describe('determinism', () => {
  it('speculate_any is reproducible from the seed and depends on it', () => {
    const text = 'page P pa=0x100000 anon\nvmap P as V\nspeculate_any 8';
    const p = parseScenario(text).scenario;
    assert.ok(p);
    const sets = (seed: number): number[] =>
      runScenario(p, 'pa8600-1m', seed).asWritten.steps[2]?.accesses.map((a) => a.set) ?? [];
    assert.deepEqual(sets(7), sets(7));
    assert.equal(sets(7).length, 8);
    assert.notDeepEqual(sets(7), sets(8));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from './parser';
import { SIGNATURES } from './scenario';

describe('parseScenario: the language', () => {
  it('parses prefixes, names, offsets, data forms and both comment styles', () => {
    const r = parseScenario(`# a comment
preset mips-r4400pc-16k   // another
title "demo # not a comment"
page P pa=0x20000 file index=3 mapped=false mapcount=0 arch1=1
dram P+4 = "AB" 4344*2 ff
map_user 0x401000 P as U
@17 fix flush_dcache_page P
@18 bug store U+8 "X"*3
dma_map P 0 4K bidirectional
expect_dev = 00 buggy 01`);
    assert.deepEqual(r.errors, []);
    const s = r.scenario;
    assert.ok(s);
    assert.equal(s.preset, 'mips-r4400pc-16k');
    assert.equal(s.title, 'demo # not a comment');
    const [page, dram, map, fix, bug, dma, exp] = s.events;
    assert.deepEqual(page?.page, {
      name: 'P',
      pa: 0x20000,
      kind: 'file',
      index: 3,
      mapped: false,
      mapcount: 0,
      arch1: true,
    });
    assert.deepEqual(dram?.pa, { page: 'P', value: 4n });
    assert.deepEqual([...(dram?.data ?? [])], [0x41, 0x42, 0x43, 0x44, 0x43, 0x44, 0xff]);
    assert.equal(map?.bind, 'U');
    assert.deepEqual([fix?.variant, fix?.cLine, fix?.text], ['fix', 17, 'flush_dcache_page P']);
    assert.deepEqual([bug?.variant, bug?.cLine], ['bug', 18]);
    assert.deepEqual(bug?.va, { name: 'U', value: 8n });
    assert.equal(bug?.data?.length, 3);
    assert.deepEqual([dma?.off, dma?.len, dma?.dir], [0, 4096, 'bidirectional']);
    assert.deepEqual([...(exp?.buggy ?? [])], [1]);
    assert.deepEqual(exp?.loc, { line: 10, column: 1 });
  });

  it('accepts every event of the vocabulary', () => {
    const lines: Record<string, string> = {
      title: 'title "t"',
      dram: 'dram 0x1000 = 00',
      let: 'let X = 0xC0001000',
      page: 'page Q pa=0x3000 anon',
      map_user: 'map_user 0x1000 P',
      unmap_user: 'unmap_user U',
      kmap: 'kmap P',
      kmap_local: 'kmap_local P as L',
      kunmap: 'kunmap K',
      kmap_coherent: 'kmap_coherent P U as C',
      kunmap_coherent: 'kunmap_coherent K',
      vmap: 'vmap P Q at 0xF0000000 as W',
      vunmap: 'vunmap V',
      load: 'load K 4',
      store: 'store K 01',
      speculate: 'speculate K',
      speculate_any: 'speculate_any 3',
      evict: 'evict K',
      touch: 'touch K',
      clean: 'clean K 32',
      inval: 'inval K 32',
      clean_inval: 'clean_inval K 32',
      clean_inval_all: 'clean_inval_all',
      inval_pa: 'inval_pa P 32',
      flush_dcache_page: 'flush_dcache_page P',
      flush_anon_page: 'flush_anon_page P U',
      flush_cache_page: 'flush_cache_page U',
      flush_cache_range: 'flush_cache_range U 64',
      copy_user_highpage: 'copy_user_highpage P Q U',
      clear_user_highpage: 'clear_user_highpage P U',
      copy_to_user_page: 'copy_to_user_page P U 01',
      flush_kernel_vmap_range: 'flush_kernel_vmap_range V 64',
      invalidate_kernel_vmap_range: 'invalidate_kernel_vmap_range V 64',
      dma_map: 'dma_map P 0 64 to_device',
      dma_unmap: 'dma_unmap P 0 64 DMA_FROM_DEVICE',
      dma_sync_for_cpu: 'dma_sync_for_cpu P 0 64 from_device',
      dma_sync_for_device: 'dma_sync_for_device P 0 64 to_device',
      dev_read: 'dev_read P 4',
      dev_write: 'dev_write 0x1000 01',
      bio_write: 'bio_write V 64',
      bio_read: 'bio_read V 01 02',
      note: 'note "n"',
      expect_load: 'expect_load K = 00',
      expect_mem: 'expect_mem 0x1000 = 00',
      expect_dev: 'expect_dev = 00',
    };
    assert.deepEqual(Object.keys(lines).sort(), Object.keys(SIGNATURES).sort());
    const head = 'page P pa=0x1000 file\nkmap P as K\nvmap P as V\nmap_user 0x40000000 P as U\n';
    const r = parseScenario(head + Object.values(lines).join('\n'));
    assert.deepEqual(r.errors, []);
  });
});

describe('parseScenario: errors', () => {
  it('reports every error, each with line:column and what was expected', () => {
    const r = parseScenario(`page P pa=0x1000 anon
load K 4
stor P 4
store 0x1000
dma_map P 0 16 sideways
kmap P as
page P pa=0x2000 anon
load 0x1000 4 extra`);
    assert.equal(r.scenario, undefined);
    const got = r.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
    assert.equal(got.length, 7);
    assert.match(got[0] ?? '', /^2:6 expected an address, found unknown name 'K'/);
    assert.match(got[1] ?? '', /^3:1 expected an event \(.*load.*\), found 'stor'/);
    assert.match(got[2] ?? '', /^4:13 expected data: hex bytes .*found end of line/);
    assert.match(got[3] ?? '', /^5:16 expected a DMA direction .*found 'sideways'/);
    assert.match(got[4] ?? '', /^6:10 expected a name after 'as', found end of line/);
    assert.match(got[5] ?? '', /^7:6 page 'P' is already declared/);
    assert.match(
      got[6] ?? '',
      /^8:15 expected end of line after the operands of 'load', found 'extra'/,
    );
  });

  it('hints when a page is used where an address is expected', () => {
    const r = parseScenario('page P pa=0x1000 anon\nload P 4');
    assert.match(r.errors[0]?.message ?? '', /P is a page: bind an address with 'kmap P as K'/);
  });

  it('reports lexical errors: bad characters and unterminated strings', () => {
    const r = parseScenario('note "open\nload $ 4');
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.column]),
      [
        [1, 6],
        [2, 6],
      ],
    );
  });

  it('refuses gigabyte transfers, data over 1 MiB and endless speculation', () => {
    const r = parseScenario(
      'load 0xC0000000 0x40000000\nstore 0xC0000000 00*20M\nload 0xC0000000 0\nspeculate_any 1000000000',
    );
    assert.equal(r.errors.length, 4);
    assert.match(r.errors[0]?.message ?? '', /exceeds the 1048576 byte \(1 MiB\) limit/);
    assert.match(r.errors[1]?.message ?? '', /1 MiB/);
    assert.match(r.errors[2]?.message ?? '', /at least 1 byte/);
    assert.match(r.errors[3]?.message ?? '', /count from 1 to 4096/);
  });

  it('refuses unknown presets (listing the valid ids) and absurd preset parameters', () => {
    const r = parseScenario('preset vax-780\n');
    assert.match(
      r.errors[0]?.message ?? '',
      /unknown preset 'vax-780'; valid presets: arm1176-32k, .*pipt-32k/,
    );
    const z = parseScenario('preset arm1176-32k size=0');
    assert.match(z.errors[0]?.message ?? '', /cache size must be a positive integer/);
    const odd = parseScenario('preset arm1176-32k size=24K');
    assert.match(odd.errors[0]?.message ?? '', /not a power of two/);
    const ok = parseScenario('preset arm1176-32k size=64K ways=4');
    assert.deepEqual(ok.scenario?.overrides, { cacheBytes: 65536, ways: 4 });
  });

  it('needs pa= and file|anon on a page', () => {
    const r = parseScenario('page P file\npage Q pa=0x1000');
    assert.match(r.errors[0]?.message ?? '', /expected 'pa=<physical address>'/);
    assert.match(r.errors[1]?.message ?? '', /expected 'file' or 'anon'/);
  });
});

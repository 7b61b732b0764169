// Executes one scenario event on the machine: resolves names, dispatches to the hardware
// (machine.ts) or to the preset's kernel-API expansion (kernel-page.ts, kernel-io.ts).
import { RunError } from './errors';
import { addrHex, firstDifference, toHex } from './bytes';
import type { Kernel } from './kernel-common';
import { rangeOp } from './kernel-common';
import * as io from './kernel-io';
import * as pg from './kernel-page';
import type { PageInfo } from './mmu';
import type { Prng } from './prng';
import type { AddrRef, PaRef, ScenarioEvent } from './scenario';
import type { AssertionResult, Step } from './trace';

export class Executor {
  private readonly names = new Map<string, bigint>();
  private readonly areas = new Map<bigint, number>();
  private lastDev: Uint8Array | undefined;

  constructor(
    private readonly k: Kernel,
    private readonly prng: Prng,
  ) {}

  private va(r: AddrRef | undefined): bigint {
    if (!r) throw new RunError('missing address operand');
    if (r.name === undefined) return r.value;
    const base = this.names.get(r.name);
    if (base === undefined) throw new RunError(`'${r.name}' is not bound in this run`);
    return base + r.value;
  }

  private pa(r: PaRef | undefined): number {
    if (!r) throw new RunError('missing physical address operand');
    return Number(r.value) + (r.page === undefined ? 0 : this.page(r.page).pa);
  }

  private page(name: string | undefined): PageInfo {
    if (name === undefined) throw new RunError('missing page operand');
    return this.k.mmu.page(name);
  }

  private need<T>(v: T | undefined, what: string): T {
    if (v === undefined) throw new RunError(`missing ${what}`);
    return v;
  }

  private bind(e: ScenarioEvent, va: bigint, step: Step): void {
    if (e.bind !== undefined) this.names.set(e.bind, va);
    step.va = addrHex(va);
  }

  /** Run one event, filling `step`; throws RunError for events that cannot run. */
  exec(e: ScenarioEvent, step: Step): void {
    const k = this.k;
    const pages = e.pages ?? [];
    switch (e.op) {
      case 'title':
      case 'note':
        if (e.note !== undefined) step.notes.push(e.note);
        return;
      case 'page': {
        const d = this.need(e.page, 'page declaration');
        k.mmu.addPage({ ...d });
        return;
      }
      case 'dram': {
        const data = this.need(e.data, 'data');
        k.m.dram.write(this.pa(e.pa), data, 0, data.length);
        step.bytes = toHex(data);
        return;
      }
      case 'let':
        return this.bind(e, this.va(e.va), step);
      case 'map_user': {
        const u = this.va(e.va);
        const p = this.page(pages[0]);
        pg.lazyFlushAtFault(k, p, u);
        k.mmu.map(u - (u % BigInt(k.g.pageBytes)), p.pa, 'user');
        p.mapcount++;
        if (p.kind === 'file') p.mapped = true;
        return this.bind(e, u, step);
      }
      case 'unmap_user': {
        const u = this.va(e.va);
        const p = k.mmu.pageAt(k.mmu.translate(u).pa);
        pg.flushUserPage(k, p, u);
        k.mmu.unmap(u);
        if (p) {
          p.mapcount = Math.max(0, p.mapcount - 1);
          if (p.kind === 'file' && k.mmu.mappingsOf(p.pa, 'user').length === 0) p.mapped = false;
        }
        return;
      }
      case 'kmap':
      case 'kmap_local':
        return this.bind(e, io.kmap(k, this.page(pages[0]), e.op), step);
      case 'kunmap':
        return io.kunmap(k, this.va(e.va));
      case 'kmap_coherent':
        return this.bind(e, io.kmapCoherent(k, this.page(pages[0]), this.va(e.va)), step);
      case 'kunmap_coherent':
        return io.kunmapCoherent(k, this.va(e.va));
      case 'vmap': {
        const want = e.at ? this.va(e.at) : undefined;
        return this.bind(
          e,
          io.vmap(
            k,
            pages.map((n) => this.page(n)),
            want,
            this.areas,
          ),
          step,
        );
      }
      case 'vunmap':
        return io.vunmap(k, this.va(e.va), this.areas);
      case 'load':
      case 'touch': {
        const va = this.va(e.va);
        const bytes = this.load(va, e.op === 'touch' ? 1 : this.need(e.len, 'length'));
        if (e.op === 'load') step.bytes = toHex(bytes);
        return;
      }
      case 'store': {
        const data = this.need(e.data, 'data');
        this.store(this.va(e.va), data);
        step.bytes = toHex(data);
        return;
      }
      case 'speculate': {
        const va = this.va(e.va);
        k.m.speculate(va, k.mmu.translate(va).pa);
        return;
      }
      case 'speculate_any':
        return this.speculateAny(e.count ?? 1);
      case 'evict': {
        const va = this.va(e.va);
        k.m.evict(va, k.mmu.translate(va).pa);
        return;
      }
      case 'clean':
      case 'inval':
      case 'clean_inval':
        return rangeOp(k, e.op, this.va(e.va), this.need(e.len, 'length'));
      case 'clean_inval_all':
        return k.m.maintainAll('clean_inval');
      case 'inval_pa':
        return k.m.maintainPa('inval', this.pa(e.pa), this.need(e.len, 'length'));
      case 'flush_dcache_page':
        return pg.flushDcachePage(k, this.page(pages[0]));
      case 'flush_anon_page':
        return pg.flushAnonPage(k, this.page(pages[0]), this.va(e.va));
      case 'flush_cache_page': {
        const u = this.va(e.va);
        return pg.flushUserPage(k, k.mmu.pageAt(k.mmu.translate(u).pa), u);
      }
      case 'flush_cache_range':
        return pg.flushUserRange(k, this.va(e.va), this.need(e.len, 'length'));
      case 'copy_user_highpage':
        return pg.copyUserHighpage(k, this.page(pages[0]), this.page(pages[1]), this.va(e.va));
      case 'clear_user_highpage':
        return pg.clearUserHighpage(k, this.page(pages[0]), this.va(e.va));
      case 'copy_to_user_page':
        return pg.copyToUserPage(k, this.page(pages[0]), this.va(e.va), this.need(e.data, 'data'));
      case 'flush_kernel_vmap_range':
        return io.flushKernelVmapRange(k, this.va(e.va), this.need(e.len, 'length'));
      case 'invalidate_kernel_vmap_range':
        return io.invalidateKernelVmapRange(k, this.va(e.va), this.need(e.len, 'length'));
      case 'dma_map':
      case 'dma_unmap':
      case 'dma_sync_for_cpu':
      case 'dma_sync_for_device':
        return io.dmaPage(
          k,
          e.op,
          this.page(pages[0]),
          e.off ?? 0,
          this.need(e.len, 'length'),
          this.need(e.dir, 'direction'),
        );
      case 'dev_read': {
        const len = this.need(e.len, 'length');
        const out = new Uint8Array(len);
        k.m.devRead(this.pa(e.pa), out, len);
        this.lastDev = out;
        step.bytes = toHex(out);
        return;
      }
      case 'dev_write': {
        const data = this.need(e.data, 'data');
        k.m.devWrite(this.pa(e.pa), data);
        step.bytes = toHex(data);
        return;
      }
      case 'bio_write':
        return this.bioWrite(this.va(e.va), this.need(e.len, 'length'), step);
      case 'bio_read':
        return this.bioRead(this.va(e.va), this.need(e.data, 'data'), step);
      case 'expect_load':
      case 'expect_mem':
      case 'expect_dev':
        step.check = this.check(e);
        step.bytes = step.check.observed;
        return;
    }
  }

  private load(va: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.k.m.forEachLine(va, len, (lineVa, pa, done, n) => this.k.m.load(lineVa, pa, out, done, n));
    return out;
  }

  private store(va: bigint, data: Uint8Array): void {
    this.k.m.forEachLine(va, data.length, (lineVa, pa, done, n) =>
      this.k.m.store(lineVa, pa, data, done, n),
    );
  }

  private speculateAny(count: number): void {
    const live = this.k.mmu.liveMappings();
    if (live.length === 0)
      throw new RunError('speculate_any: no live mapping to speculate through');
    for (let i = 0; i < count; i++) {
      const m = live[this.prng.below(live.length)];
      if (!m) continue;
      const off = this.prng.below(this.k.g.pageBytes / this.k.g.lineBytes) * this.k.g.lineBytes;
      this.k.m.speculate(m.va + BigInt(off), m.pa + off);
    }
  }

  /** submit_bio(WRITE): dma_map TO_DEVICE on every page's linear alias, then the device reads. */
  private bioWrite(va: bigint, len: number, step: Step): void {
    const parts = io.chunks(this.k, va, len);
    for (const c of parts) io.dmaPa(this.k, 'dma_map', c.pa, c.len, 'to_device');
    const out = new Uint8Array(len);
    for (const c of parts) {
      const buf = new Uint8Array(c.len);
      this.k.m.devRead(c.pa, buf, c.len);
      out.set(buf, c.off);
    }
    this.lastDev = out;
    step.bytes = toHex(out);
  }

  /** submit_bio(READ) + bio_endio: map FROM_DEVICE, the device writes, unmap FROM_DEVICE. */
  private bioRead(va: bigint, data: Uint8Array, step: Step): void {
    const parts = io.chunks(this.k, va, data.length);
    for (const c of parts) io.dmaPa(this.k, 'dma_map', c.pa, c.len, 'from_device');
    for (const c of parts) this.k.m.devWrite(c.pa, data.subarray(c.off, c.off + c.len));
    for (const c of parts) io.dmaPa(this.k, 'dma_unmap', c.pa, c.len, 'from_device');
    step.bytes = toHex(data);
  }

  private check(e: ScenarioEvent): AssertionResult {
    const expected = this.need(e.data, 'expected bytes');
    let observed: Uint8Array;
    let observer: AssertionResult['observer'];
    if (e.op === 'expect_load') {
      const va = this.va(e.va);
      observer = this.k.mmu.translate(va).kind === 'user' ? 'user' : 'cpu';
      observed = this.load(va, expected.length);
    } else if (e.op === 'expect_mem') {
      observer = 'memory';
      observed = this.k.m.dram.bytes(this.pa(e.pa), expected.length);
    } else {
      observer = 'device';
      if (!this.lastDev)
        throw new RunError(
          'expect_dev: the device has not read anything yet (dev_read / bio_write)',
        );
      observed = this.lastDev;
    }
    const bad = firstDifference(expected, observed);
    const r: AssertionResult = {
      kind:
        e.op === 'expect_load'
          ? 'expect_load'
          : e.op === 'expect_mem'
            ? 'expect_mem'
            : 'expect_dev',
      observer,
      line: e.loc.line,
      expected: toHex(expected),
      observed: toHex(observed),
      ok: bad === -1,
      firstBadOffset: bad,
    };
    if (e.cLine !== undefined) r.cLine = e.cLine;
    if (e.buggy) r.buggy = toHex(e.buggy);
    return r;
  }
}

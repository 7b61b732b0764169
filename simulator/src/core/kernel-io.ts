// Mapping and I/O APIs per architecture (docs/design/hardware.md, "Kernel APIs per architecture"): kmap family, vmap/vunmap with
// flush_cache_vmap, the two vmap-range APIs, and streaming DMA that maintains only the linear
// alias (arch/arm/mm/dma-mapping.c dma_cache_maint_page and its equivalents).
import { RunError } from './errors';
import { at, colour, describeOp, pageOp, rangeOp, type Kernel } from './kernel-common';
import type { PageInfo } from './mmu';
import type { MaintOp } from './presets';
import type { DmaDir } from './scenario';

/** kmap / kmap_local: lowmem pages return their linear address on every preset. */
export function kmap(k: Kernel, page: PageInfo, api: string): bigint {
  const lin = k.mmu.linear(page.pa);
  if (lin !== undefined) {
    k.m.note(`${api}(${page.name}): lowmem page, returns the linear address ${at(lin)}`);
    return lin;
  }
  if (k.p.highmem === 'refused') {
    throw new RunError(
      `${page.name} is above lowmem, and ${k.p.id} has no highmem (docs/design/hardware.md, Aliasing CPUs)`,
    );
  }
  const c = k.p.highmem === 'colour-matched' ? colour(k, BigInt(page.pa)) : 0;
  const slot = k.mmu.fixmapSlot(c);
  k.mmu.map(slot, page.pa, 'kmap');
  k.m.note(
    k.p.highmem === 'colour-matched'
      ? `${api}(${page.name}): fixmap slot ${at(slot)} of the page's physical colour ${c} (get_pkmap_color)`
      : `${api}(${page.name}): highmem, fixmap slot ${at(slot)}`,
  );
  return slot;
}

export function kunmap(k: Kernel, va: bigint): void {
  const pa = k.mmu.translate(va).pa;
  const base = va - (va % BigInt(k.g.pageBytes));
  const pageBase = pa - (pa % k.g.pageBytes);
  if (k.p.arch === 'parisc') {
    // ARCH_HAS_FLUSH_ON_KUNMAP: kunmap/kunmap_local call flush_kernel_dcache_page_addr.
    k.m.note(`kunmap_flush_on_unmap: clean+invalidate ${at(base)}`);
    pageOp(k, 'clean_inval', base, pageBase);
  }
  if (!k.mmu.isMapped(base)) return;
  if (k.p.arch === 'arm-v5-vivt') {
    // arch_kmap_local_pre_unmap: a VIVT cache must not keep lines of a dying mapping.
    k.m.note(`VIVT kunmap: clean+invalidate ${at(base)}`);
    pageOp(k, 'clean_inval', base, pageBase);
  }
  k.mmu.unmap(base);
}

export function kmapCoherent(k: Kernel, page: PageInfo, u: bigint): bigint {
  if (!k.p.kmapCoherent) {
    k.m.note(`kmap_coherent exists only on MIPS and SH; ${k.p.id} uses kmap`);
    return kmap(k, page, 'kmap');
  }
  const c = colour(k, u);
  const slot = k.mmu.fixmapSlot(c);
  k.mmu.map(slot, page.pa, 'coherent');
  k.m.note(`kmap_coherent: FIX_CMAP slot ${at(slot)} with the user colour ${c}`);
  return slot;
}

export function kunmapCoherent(k: Kernel, va: bigint): void {
  const base = va - (va % BigInt(k.g.pageBytes));
  if (k.p.arch === 'sh4') {
    // arch/sh/mm/kmap.c kunmap_coherent: __flush_purge_region before dropping the entry.
    k.m.note(`kunmap_coherent: purge ${at(base)}`);
    pageOp(k, 'clean_inval', base, k.mmu.translate(base).pa);
  }
  if (k.mmu.isMapped(base)) k.mmu.unmap(base);
}

function flushCacheVmap(k: Kernel, api: string): void {
  if (!k.p.vmapFlushesAll) return k.m.note(`${api}: no-op on ${k.p.id}`);
  k.m.note(`${api}: whole-cache clean+invalidate (this can hide bugs in later steps)`);
  k.m.maintainAll('clean_inval');
}

export function vmap(
  k: Kernel,
  pages: PageInfo[],
  want: bigint | undefined,
  areas: Map<bigint, number>,
): bigint {
  const va = want ?? k.mmu.allocVmap(pages.length);
  pages.forEach((p, i) => k.mmu.map(va + BigInt(i * k.g.pageBytes), p.pa, 'vmap'));
  areas.set(va, pages.length);
  k.m.note(`vmap: ${pages.length} page(s) at ${at(va)}, colour ${colour(k, va)}`);
  flushCacheVmap(k, 'flush_cache_vmap');
  return va;
}

export function vunmap(k: Kernel, va: bigint, areas: Map<bigint, number>): void {
  const n = areas.get(va);
  if (n === undefined) throw new RunError(`no vmap area starts at ${at(va)}`);
  flushCacheVmap(k, 'flush_cache_vunmap');
  for (let i = 0; i < n; i++) k.mmu.unmap(va + BigInt(i * k.g.pageBytes));
  areas.delete(va);
}

function vmapRangeOp(k: Kernel, api: string, op: MaintOp, va: bigint, len: number): void {
  const whole = k.p.vmapRange.wholeCacheFrom;
  if (op !== 'none' && whole !== undefined && len >= whole) {
    k.m.note(`${api}: ${len} bytes reach the whole-cache threshold: clean+invalidate everything`);
    return k.m.maintainAll('clean_inval');
  }
  k.m.note(
    `${api} on ${k.p.id}: ${describeOp(op)}${op === 'none' ? ' (generic empty inline)' : ' by VA'}`,
  );
  rangeOp(k, op, va, len);
}

export function flushKernelVmapRange(k: Kernel, va: bigint, len: number): void {
  vmapRangeOp(k, 'flush_kernel_vmap_range', k.p.vmapRange.flush, va, len);
}

export function invalidateKernelVmapRange(k: Kernel, va: bigint, len: number): void {
  vmapRangeOp(k, 'invalidate_kernel_vmap_range', k.p.vmapRange.invalidate, va, len);
}

/** Maintain [pa, pa+len) through its kernel (linear or kmap) alias only. */
function dmaMaint(k: Kernel, op: MaintOp, pa: number, len: number, api: string): void {
  if (op === 'none') return k.m.note(`${api}: no cache maintenance on ${k.p.id}`);
  const pageBase = pa - (pa % k.g.pageBytes);
  const alias = k.mmu.linear(pageBase) ?? k.mmu.mappingsOf(pageBase, 'kmap')[0];
  if (alias === undefined)
    return k.m.note(`${api}: no kernel alias of ${at(BigInt(pa))}: nothing maintained`);
  const va = alias + BigInt(pa - pageBase);
  k.m.note(`${api}: ${describeOp(op)} the kernel alias ${at(va)}..+${len} only`);
  if (op !== 'inval' || !k.p.dma.cleanPartialEdges) return rangeOp(k, op, va, len);
  const line = BigInt(k.g.lineBytes);
  k.m.forEachLine(va, len, (lineVa, linePa, _done, n) => {
    const partial = n < k.g.lineBytes || lineVa % line !== 0n;
    k.m.maintain(partial ? 'clean_inval' : 'inval', lineVa, linePa, true);
  });
}

export type DmaCall = 'dma_map' | 'dma_unmap' | 'dma_sync_for_cpu' | 'dma_sync_for_device';

/** Streaming DMA on a PA range: map/sync_for_device prepare for the device, unmap/sync_for_cpu finish. */
export function dmaPa(k: Kernel, call: DmaCall, pa: number, len: number, dir: DmaDir): void {
  if (k.p.dmaCoherent) return k.m.note(`${call}: ${k.p.id} DMA is coherent, no maintenance`);
  const d = k.p.dma;
  if (call === 'dma_map' || call === 'dma_sync_for_device') {
    const op =
      dir === 'to_device' ? d.toDevice : dir === 'from_device' ? d.fromDevice : d.bidirectional;
    return dmaMaint(k, op, pa, len, `${call}(${dir})`);
  }
  if (dir === 'to_device') return k.m.note(`${call}(to_device): nothing to do`);
  dmaMaint(k, d.forCpu, pa, len, `${call}(${dir})`);
  const page = k.mmu.pageAt(pa);
  if ((k.p.arch === 'arm-v6' || k.p.arch === 'arm-v5-vivt') && page && len >= k.g.pageBytes) {
    // __dma_page_dev_to_cpu marks whole pages received by DMA as clean.
    page.arch1 = true;
    k.m.note(`__dma_page_dev_to_cpu: set PG_dcache_clean on ${page.name}`);
  }
}

export function dmaPage(
  k: Kernel,
  call: DmaCall,
  page: PageInfo,
  off: number,
  len: number,
  dir: DmaDir,
): void {
  dmaPa(k, call, page.pa + off, len, dir);
}

/** The physical chunks (one per page) behind a VA range, for bio_* composites. */
export function chunks(
  k: Kernel,
  va: bigint,
  len: number,
): { pa: number; len: number; off: number }[] {
  const out: { pa: number; len: number; off: number }[] = [];
  let done = 0;
  while (done < len) {
    const a = va + BigInt(done);
    const inPage = Number(a % BigInt(k.g.pageBytes));
    const n = Math.min(len - done, k.g.pageBytes - inPage);
    out.push({ pa: k.mmu.translate(a).pa, len: n, off: done });
    done += n;
  }
  return out;
}

// Page-cache maintenance APIs as each architecture implements them in Linux 6.1
// (docs/design/hardware.md, "Kernel APIs per architecture"): flush_dcache_page with its PG_arch_1 deferral, the lazy flush at fault
// time, flush_anon_page, flush_cache_page and the colour-aware user-page copies.
import {
  at,
  bitName,
  colour,
  isDeferred,
  isFile,
  kaddr,
  markDeferred,
  markFlushed,
  pageOp,
  pagesDoAlias,
  rangeOp,
  readVia,
  writeVia,
  type Kernel,
} from './kernel-common';
import type { PageInfo } from './mmu';

/** A kernel address for the page: lowmem linear address, else an existing kmap (kmap_high_get). */
function kernelAlias(k: Kernel, page: PageInfo): bigint | undefined {
  return k.mmu.linear(page.pa) ?? k.mmu.mappingsOf(page.pa, 'kmap')[0];
}

/** ARM __flush_dcache_page (arch/arm/mm/flush.c): kernel alias, then flush_pfn_alias at page->index. */
function armFlushPage(k: Kernel, page: PageInfo, mapping: boolean): void {
  const kva = kernelAlias(k, page);
  if (kva !== undefined) {
    k.m.note(`__cpuc_flush_dcache_area(${at(kva)}): clean+invalidate the kernel alias`);
    pageOp(k, 'clean_inval', kva, page.pa);
  }
  if (mapping && k.p.arch === 'arm-v6' && k.g.aliasing) {
    const c = colour(k, BigInt(page.index * k.g.pageBytes));
    const alias = k.mmu.tempAlias(c);
    k.m.note(`flush_pfn_alias(index ${page.index}): clean+invalidate ${at(alias)} (colour ${c})`);
    pageOp(k, 'clean_inval', alias, page.pa);
  }
}

/** Clean+invalidate the page at a colour through the preset's temporary alias window. */
function flushAtColour(k: Kernel, page: PageInfo, c: number, why: string): void {
  const alias = k.mmu.tempAlias(c);
  k.m.note(`${why}: clean+invalidate ${at(alias)} (colour ${c})`);
  pageOp(k, 'clean_inval', alias, page.pa);
}

function flushKernel(k: Kernel, page: PageInfo, why: string): void {
  const kva = kaddr(k, page);
  k.m.note(`${why}: clean+invalidate kernel alias ${at(kva)}`);
  pageOp(k, 'clean_inval', kva, page.pa);
}

/** SPARC64 __flush_dcache_page (arch/sparc/mm/ultra.S): invalidate every line tagged with the PA. */
function sparcFlushPage(k: Kernel, page: PageInfo): void {
  k.m.note(
    '__flush_dcache_page: invalidate every D-cache line whose tag matches the PA (all colours)',
  );
  k.m.maintainPa('inval', page.pa, k.g.pageBytes);
}

export function flushDcachePage(k: Kernel, page: PageInfo): void {
  const mapping = isFile(page);
  const arch = k.p.arch;
  if (arch === 'generic' || !k.g.aliasing) {
    // include/asm-generic/cacheflush.h; ARM's VIPT non-aliasing case only clears PG_dcache_clean.
    if (k.p.arch1Polarity === 'clean') page.arch1 = false;
    k.m.note('non-aliasing cache: flush_dcache_page has no cache work to do');
    return;
  }
  if (arch === 'arm-v6' || arch === 'arm-v5-vivt') {
    if (mapping && page.mapcount === 0) return markDeferred(k, page);
    armFlushPage(k, page, mapping);
    if (mapping && arch === 'arm-v5-vivt') {
      // __flush_dcache_aliases: every shared user mapping in the current mm.
      for (const u of k.mmu.mappingsOf(page.pa, 'user'))
        flushUserPage(k, page, u, '__flush_dcache_aliases');
    }
    markFlushed(k, page);
    return;
  }
  // MIPS, SH (UP), Xtensa, PA-RISC, SPARC64 defer while no user mapping of the file exists.
  if (mapping && !page.mapped) return markDeferred(k, page);
  switch (arch) {
    case 'mips-r4k':
      return flushKernel(k, page, 'flush_data_cache_page (Hit_Writeback_Inv_D)');
    case 'sh4':
      return flushKernel(k, page, 'flush_cache_one at the kernel colour (ocbp)');
    case 'xtensa': {
      const pc = colour(k, BigInt(page.pa));
      const ic = colour(k, BigInt(page.index * k.g.pageBytes));
      if (pc === ic && !mapping) {
        k.m.note('anon page whose index colour equals its physical colour: nothing to do');
        return;
      }
      flushAtColour(k, page, pc, '__flush_invalidate_dcache_page_alias at the physical colour');
      if (pc !== ic)
        flushAtColour(
          k,
          page,
          ic,
          '__flush_invalidate_dcache_page_alias at the page->index colour',
        );
      return;
    }
    case 'parisc': {
      flushKernel(k, page, 'flush_kernel_dcache_page_addr (fdc)');
      if (!mapping) return;
      const seen = new Set<number>();
      for (const u of k.mmu.mappingsOf(page.pa, 'user')) {
        const c = colour(k, u);
        if (seen.has(c)) continue;
        seen.add(c);
        flushAtColour(k, page, c, `__flush_cache_page for user mapping ${at(u)} (i_mmap walk)`);
      }
      return;
    }
    case 'sparc64':
      return sparcFlushPage(k, page);
  }
}

/** set_pte_at / update_mmu_cache when a user PTE for `page` at `u` is installed. */
export function lazyFlushAtFault(k: Kernel, page: PageInfo, u: bigint): void {
  const arch = k.p.arch;
  if (arch === 'generic' || !k.g.aliasing) return;
  if (!isDeferred(k, page)) {
    const state = k.p.arch1Polarity === 'clean' ? 'set' : 'clear';
    k.m.note(`${bitName(k)} is ${state}: the kernel alias is clean, no flush at fault time`);
    return;
  }
  markFlushed(k, page);
  switch (arch) {
    case 'arm-v6':
    case 'arm-v5-vivt':
      k.m.note(
        `${arch === 'arm-v6' ? '__sync_icache_dcache' : 'update_mmu_cache'}: test_and_set_bit(PG_dcache_clean) was 0`,
      );
      return armFlushPage(k, page, isFile(page));
    case 'mips-r4k':
      if (pagesDoAlias(k, kaddr(k, page), u))
        return flushKernel(k, page, '__update_cache: pages_do_alias');
      k.m.note('__update_cache: same colour as the kernel alias, nothing to flush');
      return;
    case 'sh4':
      return flushKernel(k, page, '__update_cache: __flush_purge_region');
    case 'xtensa':
      flushAtColour(k, page, colour(k, BigInt(page.pa)), 'update_mmu_cache at the physical colour');
      return flushAtColour(k, page, colour(k, u), 'update_mmu_cache at the user colour');
    case 'parisc':
      if (isFile(page)) flushKernel(k, page, '__update_cache: flush_kernel_dcache_page_addr');
      return;
    case 'sparc64':
      return sparcFlushPage(k, page);
  }
}

/** flush_cache_page(vma, uaddr, pfn): the user alias, where the architecture implements it. */
export function flushUserPage(
  k: Kernel,
  page: PageInfo | undefined,
  u: bigint,
  why = 'flush_cache_page',
): void {
  if (!k.p.flushCachePage || !k.g.aliasing) {
    k.m.note(`${why}: no-op on ${k.p.id}`);
    return;
  }
  const base = u - (u % BigInt(k.g.pageBytes));
  const pa = page?.pa ?? k.mmu.translate(base).pa;
  k.m.note(`${why}: clean+invalidate user page ${at(base)}`);
  pageOp(k, 'clean_inval', base, pa);
}

export function flushUserRange(k: Kernel, u: bigint, len: number): void {
  if (!k.p.flushCachePage || !k.g.aliasing) {
    k.m.note(`flush_cache_range: no-op on ${k.p.id}`);
    return;
  }
  rangeOp(k, 'clean_inval', u, len);
}

/** flush_anon_page (get_user_pages): make the user's writes visible through the kernel alias. */
export function flushAnonPage(k: Kernel, page: PageInfo, u: bigint): void {
  if (page.kind !== 'anon')
    return k.m.note('flush_anon_page: not an anonymous page, nothing to do');
  switch (k.p.arch) {
    case 'arm-v6':
      if (k.g.aliasing) flushAtColour(k, page, colour(k, u), 'flush_pfn_alias(vmaddr)');
      return flushKernel(k, page, '__flush_anon_page');
    case 'arm-v5-vivt':
      flushUserPage(k, page, u);
      return flushKernel(k, page, '__flush_anon_page');
    case 'mips-r4k':
    case 'sh4': {
      const kva = kaddr(k, page);
      if (!pagesDoAlias(k, kva, u)) return k.m.note('pages_do_alias is false: nothing to do');
      const clean = !isDeferred(k, page);
      if (page.mapcount > 0 && clean) {
        const slot = k.mmu.fixmapSlot(colour(k, u));
        k.m.note(
          `kmap_coherent at ${at(slot)} (colour ${colour(k, u)}) + ${k.p.arch === 'sh4' ? 'kunmap_coherent purge' : 'Hit_Writeback_Inv_D'}`,
        );
        return pageOp(k, 'clean_inval', slot, page.pa);
      }
      return flushKernel(k, page, '__flush_anon_page');
    }
    case 'parisc':
      return flushAtColour(k, page, colour(k, u), 'flush_dcache_page_asm(phys, vmaddr)');
    case 'xtensa':
    case 'sparc64':
    case 'generic':
      return k.m.note(`flush_anon_page: generic no-op on ${k.p.id} (include/linux/highmem.h)`);
  }
}

/** Write `data` into a user-visible page the way the preset's colour-aware helpers do. */
function userPageWrite(
  k: Kernel,
  page: PageInfo,
  u: bigint,
  off: number,
  data: Uint8Array,
  api: string,
): void {
  const arch = k.p.arch;
  const uc = colour(k, u);
  if (!k.g.aliasing || arch === 'generic')
    return writeVia(k, kaddr(k, page) + BigInt(off), page.pa + off, data);
  if (arch === 'arm-v6' || arch === 'xtensa' || arch === 'sparc64') {
    // copypage-v6.c discard_old_kernel_data; xtensa/sparc64 write through a user-colour alias.
    if (arch === 'arm-v6') pageOp(k, 'inval', kaddr(k, page), page.pa);
    const alias = k.mmu.tempAlias(uc);
    k.m.note(`${api}: write through ${at(alias)} at the user colour ${uc}`);
    return writeVia(k, alias + BigInt(off), page.pa + off, data);
  }
  const kva = kaddr(k, page);
  writeVia(k, kva + BigInt(off), page.pa + off, data);
  if (arch === 'parisc')
    return flushKernel(k, page, `${api}: kunmap_local flushes (ARCH_HAS_FLUSH_ON_KUNMAP)`);
  if (arch === 'arm-v5-vivt') return flushKernel(k, page, `${api}: clean the kernel copy`);
  if (pagesDoAlias(k, kva, u)) flushKernel(k, page, `${api}: pages_do_alias`);
}

export function clearUserHighpage(k: Kernel, page: PageInfo, u: bigint): void {
  userPageWrite(k, page, u, 0, new Uint8Array(k.g.pageBytes), 'clear_user_highpage');
}

export function copyUserHighpage(k: Kernel, to: PageInfo, from: PageInfo, u: bigint): void {
  const arch = k.p.arch;
  let src: Uint8Array;
  if (arch === 'arm-v6' || arch === 'xtensa' || arch === 'sparc64') {
    if (arch === 'arm-v6' && isDeferred(k, from)) lazyFlushAtFault(k, from, u);
    src = readVia(k, k.mmu.tempAlias(colour(k, u)), from.pa, k.g.pageBytes);
  } else if ((arch === 'mips-r4k' || arch === 'sh4') && from.mapcount > 0 && !isDeferred(k, from)) {
    src = readVia(k, k.mmu.fixmapSlot(colour(k, u)), from.pa, k.g.pageBytes);
  } else {
    if (arch === 'parisc' || arch === 'arm-v5-vivt') flushUserPage(k, from, u);
    src = readVia(k, kaddr(k, from), from.pa, k.g.pageBytes);
  }
  userPageWrite(k, to, u, 0, src, 'copy_user_highpage');
}

/** copy_to_user_page (ptrace writes into another process's page). */
export function copyToUserPage(k: Kernel, page: PageInfo, u: bigint, data: Uint8Array): void {
  const off = Number(u % BigInt(k.g.pageBytes));
  const kva = kaddr(k, page) + BigInt(off);
  const arch = k.p.arch;
  if ((arch === 'mips-r4k' || arch === 'sh4') && k.g.aliasing) {
    if (page.mapcount > 0 && !isDeferred(k, page)) {
      const slot = k.mmu.fixmapSlot(colour(k, u));
      k.m.note(`copy_to_user_page: write through kmap_coherent ${at(slot)}`);
      writeVia(k, slot + BigInt(off), page.pa + off, data);
      if (arch === 'sh4') pageOp(k, 'clean_inval', slot, page.pa);
      return;
    }
    writeVia(k, kva, page.pa + off, data);
    return markDeferred(k, page);
  }
  if (arch === 'parisc' || arch === 'sparc64' || (arch === 'xtensa' && pagesDoAlias(k, kva, u))) {
    flushUserPage(k, page, u);
  }
  writeVia(k, kva, page.pa + off, data);
  if (!k.g.aliasing) return;
  if (arch === 'arm-v6')
    flushAtColour(k, page, colour(k, u), 'flush_ptrace_access: flush_pfn_alias(uaddr)');
  else if (
    arch === 'arm-v5-vivt' ||
    arch === 'parisc' ||
    (arch === 'xtensa' && pagesDoAlias(k, kva, u))
  ) {
    rangeOp(k, 'clean_inval', kva, data.length);
  } else if (arch === 'sparc64') k.m.maintainPa('inval', page.pa + off, data.length);
}

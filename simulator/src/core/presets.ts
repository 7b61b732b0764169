// Cache presets: geometry and per-architecture kernel behaviour, as data. Every preset cites the
// table row of docs/design/hardware.md ("Presets") it implements and the Linux 6.1 files behind its choices.
import { SimulatorInputError } from './errors';

export type Indexing = 'VIPT' | 'VIVT' | 'PIPT';
export type Tagging = 'physical' | 'virtual';
export type WritePolicy = 'write-back' | 'write-through';
/** clean = write back, keep; inval = drop (dirty data lost); clean_inval = both; none = no-op. */
export type MaintOp = 'clean' | 'inval' | 'clean_inval' | 'none';
/** Selects the kernel-API expansion in kernel-page.ts / kernel-io.ts. */
export type ArchFamily =
  'arm-v6' | 'arm-v5-vivt' | 'mips-r4k' | 'sh4' | 'xtensa' | 'parisc' | 'sparc64' | 'generic';

export interface DmaOps {
  toDevice: MaintOp;
  fromDevice: MaintOp;
  bidirectional: MaintOp;
  /** dma_unmap / dma_sync_for_cpu of a FROM_DEVICE or BIDIRECTIONAL buffer. */
  forCpu: MaintOp;
  /** ARMv6 v6_dma_inv_range cleans partially covered edge lines before invalidating. */
  cleanPartialEdges: boolean;
}

export interface Layout {
  /** Kernel linear map: K = pageOffset + PA for PA < linearBytes (lowmem). */
  pageOffset: bigint;
  linearBytes: number;
  vmallocStart: bigint;
  /** Base of the kmap/fixmap slots (highmem kmap, kmap_coherent); aligned to the way size. */
  fixmapBase: bigint;
  /** Temporary alias window used for colour-targeted flushes (ARM FLUSH_ALIAS_START etc.). */
  tempAliasBase: bigint;
}

export interface Preset {
  id: string;
  description: string;
  /** Where the numbers and behaviour come from. */
  source: string;
  arch: ArchFamily;
  cacheBytes: number;
  ways: number;
  lineBytes: number;
  pageBytes: number;
  indexing: Indexing;
  tagging: Tagging;
  writePolicy: WritePolicy;
  writeAllocate: boolean;
  dmaCoherent: boolean;
  /** Hardware may fill lines through any live mapping (only the `speculate` events act on it). */
  speculates: boolean;
  /** PG_arch_1 set means "clean" (ARM, SH) or "dirty" (MIPS, PA-RISC, Xtensa, SPARC64): cachetlb.rst. */
  arch1Polarity: 'clean' | 'dirty';
  /** What kmap of a highmem page returns; 'refused' = no highmem on this preset. */
  highmem: 'refused' | 'fixmap' | 'colour-matched';
  kmapCoherent: boolean;
  vmapRange: { flush: MaintOp; invalidate: MaintOp; wholeCacheFrom?: number };
  /** flush_cache_vmap / flush_cache_vunmap flush the whole cache (mm/vmalloc.c callers). */
  vmapFlushesAll: boolean;
  /** flush_cache_page / flush_cache_range reach the user colour (no-op on SPARC64 and non-aliasing). */
  flushCachePage: boolean;
  dma: DmaOps;
  layout: Layout;
}

const ARM_LAYOUT: Layout = {
  pageOffset: 0xc0000000n,
  linearBytes: 0x30000000,
  // VMALLOC_START follows high_memory (arch/arm/include/asm/pgtable.h); 0xF0000000 matches S3.
  vmallocStart: 0xf0000000n,
  fixmapBase: 0xffc80000n, // FIXADDR_START, arch/arm/include/asm/fixmap.h
  tempAliasBase: 0xffff4000n, // FLUSH_ALIAS_START, arch/arm/mm/mm.h
};

// arch/arm/include/asm/cacheflush.h: both vmap APIs are __cpuc_flush_dcache_area when aliasing.
const ARM_VMAP = { flush: 'clean_inval', invalidate: 'clean_inval' } as const;

// arch/arm/mm/cache-v6.S v6_dma_map_area / v6_dma_unmap_area (no RWFO).
const ARM_V6_DMA: DmaOps = {
  toDevice: 'clean',
  fromDevice: 'inval',
  bidirectional: 'clean',
  forCpu: 'inval',
  cleanPartialEdges: true,
};

/** Coherent DMA: no streaming-DMA cache maintenance at all. */
const NO_DMA_OPS: DmaOps = {
  toDevice: 'none',
  fromDevice: 'none',
  bidirectional: 'none',
  forCpu: 'none',
  cleanPartialEdges: false,
};

/**
 * Streaming DMA that cleans before the device reads and invalidates after it writes, with
 * nothing more when the CPU takes the buffer back and no clean of partial edge lines (MIPS R4K
 * dma_sync_virt_for_device, SH-4 arch_sync_dma_for_device).
 */
const CLEAN_THEN_INVAL_DMA: DmaOps = {
  toDevice: 'clean',
  fromDevice: 'inval',
  bidirectional: 'clean_inval',
  forCpu: 'none',
  cleanPartialEdges: false,
};

const KB = 1024;

const ARM1176: Preset = {
  id: 'arm1176-32k',
  description: 'ARM1176JZF-S, 32 KB 4-way VIPT, 2 colours, no write-allocate',
  source:
    'docs/design/hardware.md#presets; ARM1176JZF-S TRM DDI 0301H table 6-3; arch/arm/mm/flush.c, cache-v6.S',
  arch: 'arm-v6',
  cacheBytes: 32 * KB,
  ways: 4,
  lineBytes: 32,
  pageBytes: 4 * KB,
  indexing: 'VIPT',
  tagging: 'physical',
  writePolicy: 'write-back',
  writeAllocate: false,
  dmaCoherent: false,
  speculates: false,
  arch1Polarity: 'clean',
  highmem: 'refused', // arch/arm/mm/mmu.c drops highmem when cache_is_vipt_aliasing()
  kmapCoherent: false,
  vmapRange: ARM_VMAP,
  vmapFlushesAll: true,
  flushCachePage: true,
  dma: ARM_V6_DMA,
  layout: ARM_LAYOUT,
};

export const PRESETS: readonly Preset[] = [
  ARM1176,
  {
    ...ARM1176,
    id: 'arm1136-64k',
    description: 'ARM1136 at the ARMv6 maximum, 64 KB 4-way VIPT, 4 colours (SHMLBA 16 KB)',
    source: 'docs/design/hardware.md#presets; arch/arm/mm/flush.c, arch/arm/include/asm/shmparam.h',
    cacheBytes: 64 * KB,
  },
  {
    id: 'arm926-16k-vivt',
    description: 'ARM926EJ-S, 16 KB 4-way VIVT: every distinct VA is its own cache identity',
    source:
      'docs/design/hardware.md#presets; arch/arm/mm/flush.c (cache_is_vivt), arch/arm/mm/proc-arm926.S',
    arch: 'arm-v5-vivt',
    cacheBytes: 16 * KB,
    ways: 4,
    lineBytes: 32,
    pageBytes: 4 * KB,
    indexing: 'VIVT',
    tagging: 'virtual',
    writePolicy: 'write-back',
    writeAllocate: false,
    dmaCoherent: false,
    speculates: false,
    arch1Polarity: 'clean',
    highmem: 'fixmap',
    kmapCoherent: false,
    vmapRange: ARM_VMAP,
    vmapFlushesAll: true,
    flushCachePage: true,
    // proc-arm926.S arm926_dma_map_area; arm926_dma_unmap_area is a plain return.
    dma: {
      toDevice: 'clean',
      fromDevice: 'inval',
      bidirectional: 'clean_inval',
      forCpu: 'none',
      cleanPartialEdges: true,
    },
    layout: ARM_LAYOUT,
  },
  {
    id: 'mips-r4400pc-16k',
    description: 'MIPS R4400PC, 16 KB direct-mapped VIPT, 4 colours, write-allocate, kmap_coherent',
    source:
      'docs/design/hardware.md#presets; arch/mips/mm/cache.c, c-r4k.c, init.c, dma-noncoherent.c',
    arch: 'mips-r4k',
    cacheBytes: 16 * KB,
    ways: 1,
    lineBytes: 32,
    pageBytes: 4 * KB,
    indexing: 'VIPT',
    tagging: 'physical',
    writePolicy: 'write-back',
    writeAllocate: true,
    dmaCoherent: false,
    speculates: false,
    arch1Polarity: 'dirty',
    highmem: 'refused', // arch/mips/mm/init.c: "This processor doesn't support highmem"
    kmapCoherent: true,
    // r4k_flush_kernel_vmap_range: Hit_Writeback_Inv_D, whole-cache index op from dcache size up.
    vmapRange: { flush: 'clean_inval', invalidate: 'clean_inval', wholeCacheFrom: 16 * KB },
    vmapFlushesAll: true,
    flushCachePage: true,
    // dma_sync_virt_for_device; no post-DMA flush (cpu_needs_post_dma_flush) on R4400.
    dma: CLEAN_THEN_INVAL_DMA,
    layout: {
      pageOffset: 0x80000000n,
      linearBytes: 0x20000000, // KSEG0
      vmallocStart: 0xc0000000n, // KSEG2, arch/mips/include/asm/pgtable-32.h
      fixmapBase: 0xfffc0000n, // below FIXADDR_TOP; FIX_CMAP slot picked by colour (fixmap.h)
      tempAliasBase: 0xfffc0000n,
    },
  },
  {
    id: 'sh7750-16k',
    description: 'SuperH SH7750, 16 KB direct-mapped VIPT, 4 colours, copy-back, ocbi invalidate',
    source:
      'docs/design/hardware.md#presets; arch/sh/kernel/cpu/sh4/probe.c, arch/sh/mm/cache-sh4.c, cache.c, kmap.c',
    arch: 'sh4',
    cacheBytes: 16 * KB,
    ways: 1,
    lineBytes: 32,
    pageBytes: 4 * KB,
    indexing: 'VIPT',
    tagging: 'physical',
    writePolicy: 'write-back',
    writeAllocate: true,
    dmaCoherent: false,
    speculates: false,
    arch1Polarity: 'clean',
    highmem: 'refused',
    kmapCoherent: true,
    // arch/sh/include/asm/cacheflush.h: __flush_wback_region (ocbwb) / __flush_invalidate_region (ocbi)
    vmapRange: { flush: 'clean', invalidate: 'inval' },
    vmapFlushesAll: true,
    flushCachePage: true,
    // arch/sh/kernel/dma-coherent.c arch_sync_dma_for_device; nothing for the CPU side.
    dma: CLEAN_THEN_INVAL_DMA,
    layout: {
      pageOffset: 0x80000000n,
      linearBytes: 0x20000000, // P1
      vmallocStart: 0xc0000000n, // P3
      fixmapBase: 0xdff00000n, // below FIXADDR_TOP = P4SEG - PAGE_SIZE (arch/sh/include/asm/fixmap.h)
      tempAliasBase: 0xdff00000n,
    },
  },
  {
    id: 'xtensa-mmuhifi-c3',
    description: 'Xtensa test_mmuhifi_c3, 16 KB 2-way VIPT, 2 colours; vmap APIs are no-ops',
    source:
      'docs/design/hardware.md#presets; arch/xtensa/variants/test_mmuhifi_c3/include/variant/core.h, arch/xtensa/mm/cache.c, highmem.c',
    arch: 'xtensa',
    cacheBytes: 16 * KB,
    ways: 2,
    lineBytes: 32,
    pageBytes: 4 * KB,
    indexing: 'VIPT',
    tagging: 'physical',
    writePolicy: 'write-back',
    writeAllocate: true,
    dmaCoherent: false,
    speculates: false,
    arch1Polarity: 'dirty',
    highmem: 'colour-matched', // get_pkmap_color / kmap_local_map_idx
    kmapCoherent: false,
    // not ARCH_IMPLEMENTS_FLUSH_KERNEL_VMAP_RANGE: generic empty inlines (include/linux/highmem.h)
    vmapRange: { flush: 'none', invalidate: 'none' },
    vmapFlushesAll: true,
    flushCachePage: true,
    // arch/xtensa/kernel/pci-dma.c arch_sync_dma_for_device / arch_sync_dma_for_cpu
    dma: {
      toDevice: 'clean',
      fromDevice: 'none',
      bidirectional: 'clean',
      forCpu: 'inval',
      cleanPartialEdges: false,
    },
    layout: {
      pageOffset: 0xd0000000n,
      linearBytes: 0x08000000, // XCHAL_KSEG_CACHED_VADDR, KSEG_SIZE
      vmallocStart: 0xc0000000n, // arch/xtensa/include/asm/pgtable.h
      fixmapBase: 0xcff00000n, // FIXADDR_START is PMD aligned "to handle cache aliasing"
      tempAliasBase: 0xc8000000n, // TLBTEMP_BASE_1 = VMALLOC_START + 0x08000000
    },
  },
  {
    id: 'pa8600-1m',
    description: 'PA-RISC PA-8600, 1 MB 4-way VIPT, 64 colours, I/O coherent, pdc invalidate',
    source:
      'docs/design/hardware.md#presets; 7-cpu.com PA-8600; arch/parisc/kernel/cache.c, include/asm/cacheflush.h',
    arch: 'parisc',
    cacheBytes: 1024 * KB,
    ways: 4,
    lineBytes: 64,
    pageBytes: 4 * KB,
    indexing: 'VIPT',
    tagging: 'physical',
    writePolicy: 'write-back',
    writeAllocate: true,
    // "The CPU is entitled to speculate any page with a TLB mapping" (cache.c flush_dcache_page)
    dmaCoherent: true,
    speculates: true,
    arch1Polarity: 'dirty',
    highmem: 'refused',
    kmapCoherent: false,
    // fdc / pdc; from parisc_cache_flush_threshold (= dc_size on UP) the whole cache is flushed.
    vmapRange: { flush: 'clean_inval', invalidate: 'inval', wholeCacheFrom: 1024 * KB },
    vmapFlushesAll: true,
    flushCachePage: true,
    dma: NO_DMA_OPS,
    layout: {
      pageOffset: 0x40000000n,
      linearBytes: 0x40000000, // __PAGE_OFFSET_DEFAULT (64-bit), asm/page.h
      vmallocStart: 0x80000000n, // parisc_vmalloc_start is set at boot; any way-aligned base
      fixmapBase: 0x3f000000n,
      tempAliasBase: 0x3f800000n, // TMPALIAS_MAP_START = __PAGE_OFFSET - 8 MB (asm/fixmap.h)
    },
  },
  {
    id: 'ultrasparc-ii-16k',
    description: 'UltraSPARC-II, 16 KB direct-mapped VIPT, 8 KB pages, 2 colours, write-through',
    source:
      "docs/design/hardware.md#presets; UltraSPARC User's Manual 1.3.8/3.1.1.2; arch/sparc/mm/init_64.c, ultra.S",
    arch: 'sparc64',
    cacheBytes: 16 * KB,
    ways: 1,
    lineBytes: 32,
    pageBytes: 8 * KB,
    indexing: 'VIPT',
    tagging: 'physical',
    writePolicy: 'write-through',
    writeAllocate: false,
    dmaCoherent: true,
    speculates: false,
    arch1Polarity: 'dirty',
    highmem: 'refused',
    kmapCoherent: false,
    vmapRange: { flush: 'none', invalidate: 'none' },
    vmapFlushesAll: false, // arch/sparc/include/asm/cacheflush_64.h: empty flush_cache_vmap
    flushCachePage: false,
    dma: NO_DMA_OPS,
    layout: {
      pageOffset: 0xfffff80000000000n,
      linearBytes: 0x40000000,
      vmallocStart: 0x100000000n, // VMALLOC_START, arch/sparc/include/asm/pgtable_64.h
      fixmapBase: 0xfffff70000000000n,
      tempAliasBase: 0xfffff70000000000n,
    },
  },
  {
    id: 'pipt-32k',
    description:
      'Control: 32 KB 4-way PIPT (or non-aliasing VIPT); every scenario passes without the fix',
    source:
      'docs/design/hardware.md#presets; include/asm-generic/cacheflush.h, include/linux/highmem.h',
    arch: 'generic',
    cacheBytes: 32 * KB,
    ways: 4,
    lineBytes: 64,
    pageBytes: 4 * KB,
    indexing: 'PIPT',
    tagging: 'physical',
    writePolicy: 'write-back',
    writeAllocate: true,
    dmaCoherent: false,
    speculates: false,
    arch1Polarity: 'clean',
    highmem: 'fixmap',
    kmapCoherent: false,
    vmapRange: { flush: 'none', invalidate: 'none' },
    vmapFlushesAll: false,
    flushCachePage: false,
    dma: {
      toDevice: 'clean',
      fromDevice: 'inval',
      bidirectional: 'clean_inval',
      forCpu: 'inval',
      cleanPartialEdges: true,
    },
    layout: ARM_LAYOUT,
  },
];

export const DEFAULT_PRESET_ID = 'arm1176-32k';

export function presetIds(): string[] {
  return PRESETS.map((p) => p.id);
}

export function getPreset(id: string): Preset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) {
    throw new SimulatorInputError(
      `unknown preset '${id}'; valid presets: ${presetIds().join(', ')}`,
    );
  }
  return p;
}

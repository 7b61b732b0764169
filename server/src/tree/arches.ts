/**
 * The architectures (directories under arch/) whose CPUs can have an aliasing data cache, so
 * code built for them can corrupt data when cache maintenance is missing.
 *
 * Linux 6.12 names them itself: the architectures that `select ARCH_HAS_CPU_CACHE_ALIASING`
 * (arch/{arm,csky,m68k,mips,nios2,parisc,sh,sparc,xtensa}/Kconfig, each defining
 * `cpu_dcache_is_aliasing()` in its asm/cachetype.h; include/linux/cacheinfo.h makes it false
 * everywhere else). ARC is kept as well: Linux 6.1 still offers aliasing VIPT data caches there
 * (arch/arc/Kconfig:232 `ARC_CACHE_VIPT_ALIASING` in 6.1), and counting an architecture that no
 * longer aliases only marks fewer findings as contract-only, never hides one. sparc covers both
 * SPARC64 and the sun4m VAC (arch/sparc/include/asm/cachetype.h).
 */
export const ALIASING_ARCHES: readonly string[] = [
  'arc',
  'arm',
  'csky',
  'm68k',
  'mips',
  'nios2',
  'parisc',
  'sh',
  'sparc',
  'xtensa',
];

// Cache geometry and the indexing strategy: which address bits pick the set, and which colour a
// VA has. Kept apart from the cache so the aliasing condition is visible and tested on its own.
import { SimulatorInputError } from './errors';
import type { Preset } from './presets';

/**
 * A VIPT lookup, arm1176-32k (32 B lines, 256 sets, 4 KB pages):
 *
 *   VA  31 ............ 13 | 12 | 11 ........ 5 | 4 ... 0
 *                          |<----- set ------->| offset
 *                          colour              |
 *   PA  31 ................... 12 | 11 ....... 5 | 4 ... 0
 *       <------- tag (PA line) ---------------->
 *
 * Set bits above the page offset (here bit 12) come from the VA but are not fixed by the PA:
 * that is the colour. Two VAs of one PA with different colours land in different sets.
 */
export interface Geometry {
  readonly indexing: Preset['indexing'];
  readonly sets: number;
  readonly ways: number;
  readonly lineBytes: number;
  readonly pageBytes: number;
  readonly offsetBits: number;
  readonly setBits: number;
  readonly pageShift: number;
  /** way size / page size, at least 1; VIVT aliases even with one colour. */
  readonly colours: number;
  readonly setsPerPage: number;
  readonly aliasing: boolean;
}

export const LIMITS = {
  maxCacheBytes: 16 * 1024 * 1024,
  maxWays: 64,
  /** Each line touched is a recorded transaction, so transfers stay at 1 MiB. */
  maxTransferBytes: 1024 * 1024,
  maxSpeculations: 4096,
  maxPhysAddr: 2 ** 40,
} as const;

const isPow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export function geometryOf(p: Preset): Geometry {
  const bad = (why: string): never => {
    throw new SimulatorInputError(`preset '${p.id}': ${why}`);
  };
  if (!Number.isInteger(p.cacheBytes) || p.cacheBytes <= 0)
    bad('cache size must be a positive integer');
  if (p.cacheBytes > LIMITS.maxCacheBytes) bad(`cache size ${p.cacheBytes} exceeds 16 MiB`);
  if (!Number.isInteger(p.ways) || p.ways < 1 || p.ways > LIMITS.maxWays) bad('ways must be 1..64');
  if (!isPow2(p.lineBytes) || p.lineBytes < 4 || p.lineBytes > 1024)
    bad('line size must be a power of two between 4 and 1024');
  if (!isPow2(p.pageBytes) || p.pageBytes < 1024 || p.pageBytes > 65536)
    bad('page size must be a power of two between 1 KiB and 64 KiB');
  if (p.lineBytes > p.pageBytes) bad('line size cannot exceed the page size');
  const sets = p.cacheBytes / (p.ways * p.lineBytes);
  if (!isPow2(sets)) bad(`size / (ways * line) = ${sets} sets, which is not a power of two`);
  const offsetBits = Math.log2(p.lineBytes);
  const setBits = Math.log2(sets);
  const pageShift = Math.log2(p.pageBytes);
  const wayBytes = sets * p.lineBytes;
  const colours = p.indexing === 'PIPT' ? 1 : Math.max(1, wayBytes / p.pageBytes);
  return {
    indexing: p.indexing,
    sets,
    ways: p.ways,
    lineBytes: p.lineBytes,
    pageBytes: p.pageBytes,
    offsetBits,
    setBits,
    pageShift,
    colours,
    setsPerPage: Math.min(sets, p.pageBytes / p.lineBytes),
    aliasing: p.indexing === 'VIVT' || colours > 1,
  };
}

/** Low 32 bits of an address as a number: enough for set and colour (caches are at most 16 MiB). */
export function low32(a: bigint): number {
  return Number(a & 0xffffffffn);
}

export function setOf(g: Geometry, indexAddr: number): number {
  return (indexAddr >>> g.offsetBits) & (g.sets - 1);
}

export function colourOf(g: Geometry, va: bigint): number {
  return (low32(va) >>> g.pageShift) & (g.colours - 1);
}

/**
 * The set that holds a PA line when it was filled through a VA of colour `colour`: the set bits
 * below the page offset come from the PA, the colour bits above it from the VA. Looping over the
 * colours visits every set a PA can occupy (SPARC64 by-PA invalidation, coherent snoops).
 */
export function candidateSet(g: Geometry, pa: number, colour: number): number {
  if (g.indexing === 'PIPT') return setOf(g, pa);
  return (setOf(g, pa) & (g.setsPerPage - 1)) + colour * g.setsPerPage;
}

// Page metadata and page tables: the kernel linear map, user PTEs, vmap, kmap/fixmap and the
// temporary alias windows the architectures use for colour-targeted flushes.
import { RunError } from './errors';
import { addrHex } from './bytes';
import type { Geometry } from './geometry';
import type { Preset } from './presets';

/** struct page state the cache rules read (docs/design/hardware.md, "State"). */
export interface PageInfo {
  name: string;
  pa: number;
  kind: 'file' | 'anon';
  /** page->index: the file offset in pages; its colour is where ARM and Xtensa flush the user alias. */
  index: number;
  /** mapping_mapped(): the file has some user mapping. */
  mapped: boolean;
  mapcount: number;
  /** PG_arch_1, read per preset polarity (Preset.arch1Polarity). */
  arch1: boolean;
}

export type MappingKind = 'user' | 'vmap' | 'kmap' | 'coherent' | 'temp';

export interface Mapping {
  va: bigint;
  pa: number;
  kind: MappingKind;
}

export interface Translation {
  pa: number;
  kind: MappingKind | 'linear';
}

export class AddressSpace {
  readonly pages = new Map<string, PageInfo>();
  private readonly byPa = new Map<number, PageInfo>();
  private readonly maps = new Map<bigint, Mapping>();
  private vmapCursor: bigint;
  private readonly pageMask: bigint;

  constructor(
    readonly preset: Preset,
    readonly g: Geometry,
  ) {
    this.pageMask = BigInt(g.pageBytes - 1);
    // vmalloc leaves a guard page after each area; the first area starts one page in (S3: 0xF0001000).
    this.vmapCursor = preset.layout.vmallocStart + BigInt(g.pageBytes);
  }

  addPage(p: PageInfo): void {
    if (p.pa % this.g.pageBytes !== 0) {
      throw new RunError(`page ${p.name}: PA ${addrHex(p.pa)} is not page aligned`);
    }
    this.pages.set(p.name, p);
    this.byPa.set(p.pa, p);
  }

  page(name: string): PageInfo {
    const p = this.pages.get(name);
    if (!p) throw new RunError(`unknown page '${name}'`);
    return p;
  }

  pageAt(pa: number): PageInfo | undefined {
    return this.byPa.get(pa - (pa % this.g.pageBytes));
  }

  /** Linear-map (lowmem) address of a PA, or undefined for highmem. */
  linear(pa: number): bigint | undefined {
    const l = this.preset.layout;
    return pa < l.linearBytes ? l.pageOffset + BigInt(pa) : undefined;
  }

  kernelAddress(p: PageInfo): bigint {
    const k = this.linear(p.pa);
    if (k === undefined) throw new RunError(`page ${p.name} is highmem: it has no linear address`);
    return k;
  }

  translate(va: bigint): Translation {
    const m = this.maps.get(va & ~this.pageMask);
    if (m) return { pa: m.pa + Number(va & this.pageMask), kind: m.kind };
    const l = this.preset.layout;
    if (va >= l.pageOffset && va < l.pageOffset + BigInt(l.linearBytes)) {
      return { pa: Number(va - l.pageOffset), kind: 'linear' };
    }
    throw new RunError(`no mapping for VA ${addrHex(va)} (page fault)`);
  }

  map(va: bigint, pa: number, kind: MappingKind): void {
    if ((va & this.pageMask) !== 0n) throw new RunError(`VA ${addrHex(va)} is not page aligned`);
    this.maps.set(va, { va, pa, kind });
  }

  unmap(va: bigint): Mapping {
    const base = va & ~this.pageMask;
    const m = this.maps.get(base);
    if (!m) throw new RunError(`nothing is mapped at ${addrHex(va)}`);
    this.maps.delete(base);
    return m;
  }

  /** VAs of this kind currently mapping a physical page (user: the i_mmap walk of flush_dcache_page). */
  mappingsOf(pa: number, kind: MappingKind): bigint[] {
    const out: bigint[] = [];
    for (const m of this.maps.values()) if (m.kind === kind && m.pa === pa) out.push(m.va);
    return out;
  }

  isMapped(va: bigint): boolean {
    return this.maps.has(va & ~this.pageMask);
  }

  /** Every cacheable mapping, for seeded speculation: explicit PTEs plus declared lowmem pages. */
  liveMappings(): Mapping[] {
    const out = [...this.maps.values()].filter((m) => m.kind !== 'temp');
    for (const p of this.pages.values()) {
      const k = this.linear(p.pa);
      if (k !== undefined) out.push({ va: k, pa: p.pa, kind: 'kmap' });
    }
    return out;
  }

  allocVmap(pages: number): bigint {
    const va = this.vmapCursor;
    this.vmapCursor += BigInt((pages + 1) * this.g.pageBytes);
    return va;
  }

  /**
   * The first free fixmap slot whose colour is `colour` (kmap_coherent's FIX_CMAP slots and
   * Xtensa's kmap_local_map_idx both pick the slot by colour; plain fixmap kmaps pass colour 0).
   */
  fixmapSlot(colour: number): bigint {
    const stride = BigInt(this.g.colours * this.g.pageBytes);
    let va = this.preset.layout.fixmapBase + BigInt(colour * this.g.pageBytes);
    while (this.maps.has(va)) va += stride;
    return va;
  }

  /** The temporary alias at `colour` (FLUSH_ALIAS_START, TLBTEMP_BASE_1, TMPALIAS_MAP_START). */
  tempAlias(colour: number): bigint {
    return this.preset.layout.tempAliasBase + BigInt(colour * this.g.pageBytes);
  }
}

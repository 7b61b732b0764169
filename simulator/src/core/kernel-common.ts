// Building blocks the kernel-API expansions share: page- and range-granular maintenance by VA,
// the PG_arch_1 bit read per preset polarity, and copies through a chosen alias.
import { addrHex } from './bytes';
import { colourOf, type Geometry } from './geometry';
import type { Machine } from './machine';
import type { AddressSpace, PageInfo } from './mmu';
import type { MaintOp, Preset } from './presets';

export interface Kernel {
  m: Machine;
  mmu: AddressSpace;
  p: Preset;
  g: Geometry;
}

/** Clean/invalidate one page through `va` (which maps `pa`); lines not cached are not recorded. */
export function pageOp(k: Kernel, op: MaintOp, va: bigint, pa: number): void {
  if (op === 'none') return;
  for (let off = 0; off < k.g.pageBytes; off += k.g.lineBytes) {
    k.m.maintain(op, va + BigInt(off), pa + off, false);
  }
}

/** Clean/invalidate a VA range the scenario named; by-VA misses are recorded so the trace shows them. */
export function rangeOp(k: Kernel, op: MaintOp, va: bigint, len: number): void {
  if (op === 'none') return;
  k.m.forEachLine(va, len, (lineVa, pa) => k.m.maintain(op, lineVa, pa, true));
}

/** The kernel's linear alias of a page (page_address), the address flushes without kmap use. */
export function kaddr(k: Kernel, page: PageInfo): bigint {
  return k.mmu.kernelAddress(page);
}

export function colour(k: Kernel, va: bigint | number): number {
  return colourOf(k.g, BigInt(va));
}

/** MIPS/SH pages_do_alias: the two addresses differ in their colour bits. */
export function pagesDoAlias(k: Kernel, a: bigint, b: bigint): boolean {
  return k.g.aliasing && colour(k, a) !== colour(k, b);
}

export function isFile(page: PageInfo): boolean {
  return page.kind === 'file';
}

/** Name of PG_arch_1 on this preset, for notes. */
export function bitName(k: Kernel): string {
  if (k.p.arch === 'xtensa') return 'PG_arch_1';
  return k.p.arch1Polarity === 'clean' ? 'PG_dcache_clean' : 'PG_dcache_dirty';
}

/** flush_dcache_page's deferral: mark the page as having dirty kernel lines, flush at fault time. */
export function markDeferred(k: Kernel, page: PageInfo): void {
  page.arch1 = k.p.arch1Polarity === 'dirty';
  k.m.note(
    `${k.p.arch1Polarity === 'dirty' ? 'set' : 'clear'} ${bitName(k)} on ${page.name}: flush deferred to the next user fault`,
  );
}

export function isDeferred(k: Kernel, page: PageInfo): boolean {
  return k.p.arch1Polarity === 'dirty' ? page.arch1 : !page.arch1;
}

/** Mark clean again: test_and_set of PG_dcache_clean, or clear of PG_dcache_dirty. */
export function markFlushed(k: Kernel, page: PageInfo): void {
  page.arch1 = k.p.arch1Polarity === 'clean';
}

/** CPU stores of `data` into a page through `va`, line by line (memcpy in the kernel). */
export function writeVia(k: Kernel, va: bigint, pa: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const a = va + BigInt(done);
    const inLine = Number(a % BigInt(k.g.lineBytes));
    const n = Math.min(data.length - done, k.g.lineBytes - inLine);
    k.m.store(a, pa + done, data, done, n);
    done += n;
  }
}

export function readVia(k: Kernel, va: bigint, pa: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const a = va + BigInt(done);
    const inLine = Number(a % BigInt(k.g.lineBytes));
    const n = Math.min(len - done, k.g.lineBytes - inLine);
    k.m.load(a, pa + done, out, done, n);
    done += n;
  }
  return out;
}

export function describeOp(op: MaintOp): string {
  return {
    clean: 'clean',
    inval: 'invalidate (discard)',
    clean_inval: 'clean+invalidate',
    none: 'no-op',
  }[op];
}

export function at(va: bigint): string {
  return addrHex(va);
}

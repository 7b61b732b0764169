// Data-carrying set-associative cache storage in typed arrays: no object per line, so a 1 MiB
// PA-8600 cache is five flat arrays. Policy (what a load or a flush does) lives in machine.ts.
import type { Geometry } from './geometry';

export class CacheArray {
  readonly valid: Uint8Array;
  readonly dirty: Uint8Array;
  /** PA of the line base: the tag of a physically tagged cache and the write-back address of any. */
  readonly paLine: Float64Array;
  /** VA line the line was filled through: the tag of a VIVT cache, the colour shown for any. */
  readonly vaLine: BigUint64Array;
  readonly data: Uint8Array;
  /** Next round-robin victim per set (docs/design/hardware.md, access rule 11: lowest invalid way first). */
  private readonly next: Uint16Array;

  constructor(
    readonly g: Geometry,
    readonly virtualTags: boolean,
  ) {
    const n = g.sets * g.ways;
    this.valid = new Uint8Array(n);
    this.dirty = new Uint8Array(n);
    this.paLine = new Float64Array(n);
    this.vaLine = new BigUint64Array(n);
    this.data = new Uint8Array(n * g.lineBytes);
    this.next = new Uint16Array(g.sets);
  }

  index(set: number, way: number): number {
    return set * this.g.ways + way;
  }

  /** Way holding the line in this set, or -1. Hardware never looks in other sets (rule 2.2.1). */
  find(set: number, paLine: number, vaLine: bigint): number {
    const base = set * this.g.ways;
    for (let w = 0; w < this.g.ways; w++) {
      const i = base + w;
      if (this.valid[i] !== 1) continue;
      if (this.virtualTags ? this.vaLine[i] === vaLine : this.paLine[i] === paLine) return w;
    }
    return -1;
  }

  victimWay(set: number): number {
    const base = set * this.g.ways;
    for (let w = 0; w < this.g.ways; w++) if (this.valid[base + w] !== 1) return w;
    const w = this.next[set] ?? 0;
    this.next[set] = (w + 1) % this.g.ways;
    return w;
  }

  line(i: number): Uint8Array {
    const at = i * this.g.lineBytes;
    return this.data.subarray(at, at + this.g.lineBytes);
  }
}

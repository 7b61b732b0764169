// The hardware: cache + DRAM + page tables, and the access rules of docs/design/hardware.md ("Access rules"). Each
// method handles one cache line and appends a LineAccess to the current step; callers split
// ranges with forEachLine. Nothing here knows about kernel APIs.
import { addrHex, toHex } from './bytes';
import { CacheArray } from './cache';
import { candidateSet, colourOf, low32, setOf, type Geometry } from './geometry';
import type { PhysicalMemory } from './memory';
import type { AddressSpace } from './mmu';
import type { MaintOp, Preset } from './presets';
import type { LineAccess, LineOp } from './trace';

export interface Sink {
  accesses: LineAccess[];
  notes: string[];
}

export class Machine {
  readonly cache: CacheArray;
  private sink: Sink = { accesses: [], notes: [] };
  private readonly lineMask: bigint;

  constructor(
    readonly preset: Preset,
    readonly g: Geometry,
    readonly dram: PhysicalMemory,
    readonly mmu: AddressSpace,
  ) {
    this.cache = new CacheArray(g, preset.tagging === 'virtual');
    this.lineMask = BigInt(g.lineBytes - 1);
  }

  attach(sink: Sink): void {
    this.sink = sink;
  }

  note(text: string): void {
    this.sink.notes.push(text);
  }

  /** Split [va, va+len) at page and line boundaries, translating each page once. */
  forEachLine(
    va: bigint,
    len: number,
    fn: (lineVa: bigint, pa: number, done: number, n: number) => void,
  ): void {
    let done = 0;
    let pageBase = -1n;
    let pagePa = 0;
    const pageMask = BigInt(this.g.pageBytes - 1);
    while (done < len) {
      const a = va + BigInt(done);
      if ((a & ~pageMask) !== pageBase) {
        pageBase = a & ~pageMask;
        pagePa = this.mmu.translate(pageBase).pa;
      }
      const inLine = Number(a & this.lineMask);
      const n = Math.min(len - done, this.g.lineBytes - inLine);
      fn(a, pagePa + Number(a & pageMask), done, n);
      done += n;
    }
  }

  private setFor(va: bigint, pa: number): number {
    return setOf(this.g, this.g.indexing === 'PIPT' ? pa : low32(va));
  }

  private lookup(
    va: bigint,
    pa: number,
  ): { set: number; way: number; paLine: number; vaLine: bigint } {
    const paLine = pa - (pa % this.g.lineBytes);
    const vaLine = va & ~this.lineMask;
    const set = this.setFor(va, pa);
    return { set, way: this.cache.find(set, paLine, vaLine), paLine, vaLine };
  }

  private record(
    op: LineOp,
    va: bigint | undefined,
    pa: number,
    set: number,
    way: number,
    extra: Partial<LineAccess>,
  ): LineAccess {
    const c = this.cache;
    const i = way >= 0 ? c.index(set, way) : -1;
    const valid = i >= 0 && c.valid[i] === 1;
    const a: LineAccess = {
      op,
      va: va === undefined ? '' : addrHex(va),
      pa: addrHex(pa - (pa % this.g.lineBytes)),
      colour:
        va === undefined
          ? i >= 0
            ? colourOf(this.g, c.vaLine[i] ?? 0n)
            : 0
          : colourOf(this.g, va),
      set,
      way,
      hit: false,
      filled: false,
      writtenBack: false,
      dropped: false,
      lostDirty: false,
      toDram: false,
      validAfter: valid,
      dirtyAfter: valid && c.dirty[i] === 1,
      ...extra,
    };
    if (valid) a.data = toHex(c.line(i));
    this.sink.accesses.push(a);
    return a;
  }

  private writeBack(i: number): void {
    this.dram.write(this.cache.paLine[i] ?? 0, this.cache.line(i), 0, this.g.lineBytes);
    this.cache.dirty[i] = 0;
  }

  /** Allocate a way for the line (evicting, with a whole-line write-back if dirty) and fill it. */
  private fill(
    set: number,
    paLine: number,
    vaLine: bigint,
  ): { way: number; victim?: LineAccess['victim'] } {
    const c = this.cache;
    const way = c.victimWay(set);
    const i = c.index(set, way);
    let victim: LineAccess['victim'];
    if (c.valid[i] === 1) {
      const dirty = c.dirty[i] === 1;
      const vVa = c.vaLine[i] ?? 0n;
      victim = {
        va: addrHex(vVa),
        pa: addrHex(c.paLine[i] ?? 0),
        colour: colourOf(this.g, vVa),
        dirty,
      };
      if (dirty) this.writeBack(i);
    }
    this.dram.read(paLine, c.data, i * this.g.lineBytes, this.g.lineBytes);
    c.valid[i] = 1;
    c.dirty[i] = 0;
    c.paLine[i] = paLine;
    c.vaLine[i] = vaLine;
    return victim ? { way, victim } : { way };
  }

  /** CPU load of n bytes within one line; misses fill from DRAM, never from another alias (2.2.2). */
  load(
    va: bigint,
    pa: number,
    out: Uint8Array,
    outOff: number,
    n: number,
    op: LineOp = 'load',
  ): void {
    const l = this.lookup(va, pa);
    let way = l.way;
    const extra: Partial<LineAccess> = { hit: way >= 0 };
    if (way < 0) {
      const f = this.fill(l.set, l.paLine, l.vaLine);
      way = f.way;
      extra.filled = true;
      if (f.victim) extra.victim = f.victim;
    }
    const at = this.cache.index(l.set, way) * this.g.lineBytes + (pa - l.paLine);
    out.set(this.cache.data.subarray(at, at + n), outOff);
    this.record(op, va, pa, l.set, way, extra);
  }

  /** CPU store (2.2.3 and 2.2.4): write-allocate or not, write-back or write-through. */
  store(va: bigint, pa: number, src: Uint8Array, srcOff: number, n: number): void {
    const l = this.lookup(va, pa);
    const c = this.cache;
    let way = l.way;
    const extra: Partial<LineAccess> = { hit: way >= 0 };
    if (way < 0 && this.preset.writeAllocate) {
      const f = this.fill(l.set, l.paLine, l.vaLine);
      way = f.way;
      extra.filled = true;
      if (f.victim) extra.victim = f.victim;
    }
    const bytes = src.subarray(srcOff, srcOff + n);
    if (way >= 0) {
      const i = c.index(l.set, way);
      c.data.set(bytes, i * this.g.lineBytes + (pa - l.paLine));
      if (this.preset.writePolicy === 'write-back') c.dirty[i] = 1;
    }
    if (way < 0 || this.preset.writePolicy === 'write-through') {
      this.dram.write(pa, src, srcOff, n);
      extra.toDram = true;
    }
    this.record('store', va, pa, l.set, way, extra);
  }

  /** Hardware fill with no architectural effect (2.2.9). */
  speculate(va: bigint, pa: number): void {
    const l = this.lookup(va, pa);
    if (l.way >= 0) {
      this.record('speculate', va, pa, l.set, l.way, { hit: true });
      return;
    }
    const f = this.fill(l.set, l.paLine, l.vaLine);
    this.record(
      'speculate',
      va,
      pa,
      l.set,
      f.way,
      f.victim ? { filled: true, victim: f.victim } : { filled: true },
    );
  }

  /** Maintenance by VA on one line: only the line this VA's set and tag find (2.2.6). */
  maintain(op: MaintOp, va: bigint, pa: number, recordMiss = true): void {
    if (op === 'none') return;
    const l = this.lookup(va, pa);
    if (l.way < 0) {
      if (recordMiss) this.record(op, va, pa, l.set, -1, {});
      return;
    }
    this.maintainAt(op, op, va, l.set, l.way);
  }

  /** Explicit replacement of the line a VA finds: write back if dirty, then drop. */
  evict(va: bigint, pa: number): void {
    const l = this.lookup(va, pa);
    if (l.way < 0) this.record('evict', va, pa, l.set, -1, {});
    else this.maintainAt('clean_inval', 'evict', va, l.set, l.way);
  }

  private maintainAt(
    op: Exclude<MaintOp, 'none'>,
    label: LineOp,
    va: bigint | undefined,
    set: number,
    way: number,
  ): void {
    const c = this.cache;
    const i = c.index(set, way);
    const dirty = c.dirty[i] === 1;
    const pa = c.paLine[i] ?? 0;
    const extra: Partial<LineAccess> = { hit: true };
    if (dirty && op !== 'inval') {
      this.writeBack(i);
      extra.writtenBack = true;
    }
    if (op !== 'clean') {
      c.valid[i] = 0;
      c.dirty[i] = 0;
      extra.dropped = true;
      extra.lostDirty = dirty && op === 'inval';
    }
    this.record(label, va, pa, set, way, extra);
  }

  /** Set/way maintenance over the whole cache ("all" ops); records only the valid lines. */
  maintainAll(op: MaintOp): void {
    if (op === 'none') return;
    const c = this.cache;
    for (let set = 0; set < this.g.sets; set++) {
      for (let way = 0; way < this.g.ways; way++) {
        if (c.valid[c.index(set, way)] === 1) this.maintainAt(op, op, undefined, set, way);
      }
    }
  }

  /** Every cached copy of a PA line, in every colour (SPARC64 tag walk, coherent snoops). */
  copiesOf(pa: number): { set: number; way: number }[] {
    const paLine = pa - (pa % this.g.lineBytes);
    const c = this.cache;
    const out: { set: number; way: number }[] = [];
    for (let colour = 0; colour < this.g.colours; colour++) {
      const set = candidateSet(this.g, paLine, colour);
      for (let way = 0; way < this.g.ways; way++) {
        const i = c.index(set, way);
        if (c.valid[i] === 1 && c.paLine[i] === paLine) out.push({ set, way });
      }
    }
    return out;
  }

  /** Maintenance by PA: reaches every colour (SPARC64 __flush_dcache_page, SH address array). */
  maintainPa(op: MaintOp, pa: number, len: number): void {
    for (let a = pa - (pa % this.g.lineBytes); a < pa + len; a += this.g.lineBytes) {
      for (const { set, way } of this.copiesOf(a)) {
        if (op !== 'none') this.maintainAt(op, op, undefined, set, way);
      }
    }
  }

  /** Device reads memory. Non-coherent: DRAM only. Coherent (idealised): dirty copies are written back first. */
  devRead(pa: number, out: Uint8Array, len: number): void {
    if (this.preset.dmaCoherent) {
      for (let a = pa - (pa % this.g.lineBytes); a < pa + len; a += this.g.lineBytes) {
        for (const { set, way } of this.copiesOf(a)) {
          if (this.cache.dirty[this.cache.index(set, way)] === 1)
            this.maintainAt('clean', 'snoop_read', undefined, set, way);
        }
      }
    }
    this.dram.read(pa, out, 0, len);
  }

  /** Device writes memory. Coherent (idealised): every copy is dropped, partial dirty lines written back first. */
  devWrite(pa: number, src: Uint8Array): void {
    if (this.preset.dmaCoherent) {
      const end = pa + src.length;
      for (let a = pa - (pa % this.g.lineBytes); a < end; a += this.g.lineBytes) {
        const whole = a >= pa && a + this.g.lineBytes <= end;
        for (const { set, way } of this.copiesOf(a))
          this.maintainAt(whole ? 'inval' : 'clean_inval', 'snoop_write', undefined, set, way);
      }
    }
    this.dram.write(pa, src, 0, src.length);
  }
}

// The finding generator: walks the C path in order and writes the scenario, inserting the missing
// call as a `fix` step (or a `bug`/`fix` pair where the code used the wrong call or range) and
// appending the observer the bug hurts.
import type { FindingInput, FindingStep, GeneratedScenario } from './finding';
import {
  DEFAULT_ACCESS_BYTES,
  Emitter,
  familyOf,
  hex,
  MAX_FINDING_BYTES,
  pattern,
  presetNotes,
  sanitizeLine,
  sanitizeSize,
  type Family,
} from './finding-text';
import type { Geometry } from './geometry';
import type { Preset } from './presets';
import { DEFAULT_PRESET_ID, getPreset } from './presets';
import { geometryOf } from './geometry';

/** Physical page used for the buffer: colour 0 on every preset, lowmem everywhere. */
const BUFFER_PA = 0x00100000;
/** Path steps simulated at most (see the constructor). */
const MAX_STEPS = 2_000;
const USER_VMA = 0x40000000n;

export class Generator {
  private readonly out = new Emitter();
  private readonly notes: string[] = [];
  private readonly steps: FindingStep[];
  private readonly family: Family;
  private readonly mismatch: boolean;
  private readonly len: number;
  /** Pages mapped (the buffer, and for a moved address the range after it). */
  private readonly pages: number;
  /** Pages of the buffer itself: the ones that go to I/O. */
  private readonly bufferPages: number;
  /** Range a mismatched flush/invalidate covers (the bug variant), smaller than len. */
  private readonly shortRange: number;
  /** What the loop moved before the mismatched call, when the finding says. */
  private readonly moved: 'address' | 'length' | undefined;
  /** The call the fix inserted, once it has been (notes after it describe the fixed run). */
  private fixCall: string | undefined;
  private readonly totalWrites: number;
  private readonly fixLine: number | undefined;
  private live: 'K' | 'V' | undefined;
  private writes = 0;
  private written = false;
  /** Written data has been flushed since the last write (flush_dcache_page / flush_kernel_vmap_range). */
  private flushed = false;
  private submitted = false;
  private completed = false;
  /** invalidate_kernel_vmap_range ran since the read I/O completed. */
  private invalidated = false;
  private observed = false;

  constructor(
    private readonly f: FindingInput,
    private readonly p: Preset,
    private readonly g: Geometry,
  ) {
    const steps = Array.isArray(f.steps)
      ? f.steps.filter((s) => typeof s === 'object' && s !== null)
      : [];
    // Each step is a few scenario events at most, and the scenario language refuses more than
    // 10,000 (parser.ts): a path longer than MAX_STEPS keeps its start (origin, map, first
    // writes) and its end (the unmap and return the fix goes before).
    this.steps =
      steps.length > MAX_STEPS
        ? [...steps.slice(0, MAX_STEPS / 2), ...steps.slice(-MAX_STEPS / 2)]
        : steps;
    if (steps.length > MAX_STEPS)
      this.notes.push(
        `path of ${steps.length} steps: its first and last ${MAX_STEPS / 2} are simulated`,
      );
    this.family = familyOf(f, this.steps);
    this.mismatch = f.rule === 'vmap-range-mismatch';
    this.fixLine = sanitizeLine(f.line);
    this.totalWrites = this.steps.filter((s) => s.kind === 'write').length;
    const moving = ['write', 'read', 'submit-write', 'submit-read'];
    const sized = this.steps.find(
      (s) => moving.includes(s.kind) && sanitizeSize(s.size) !== undefined,
    );
    let len = sanitizeSize(sized?.size) ?? (this.mismatch ? 4 * g.lineBytes : DEFAULT_ACCESS_BYTES);
    if (sized === undefined) this.notes.push(`access size unknown: ${len} bytes assumed`);
    const cap = this.onPage ? g.pageBytes : MAX_FINDING_BYTES;
    if (len > cap) {
      this.notes.push(
        `access of ${len} bytes capped at ${cap} (${this.onPage ? 'one kmap page' : 'simulator limit'})`,
      );
      len = cap;
    }
    this.len = len;
    const rangeStep = this.steps.find(
      (s) => s.kind === 'flush-vmap' || s.kind === 'invalidate-vmap',
    )?.moved;
    this.moved = this.mismatch && !this.onPage ? rangeStep : undefined;
    this.bufferPages = this.onPage ? 1 : Math.ceil(len / g.pageBytes);
    // A moved address points just past the buffer: map that range too, so the call has lines to
    // act on (in the kernel it is the rest of the vmalloc area, another object or a guard page).
    this.pages = this.moved === 'address' ? Math.ceil((2 * len) / g.pageBytes) : this.bufferPages;
    if (this.moved === 'address') {
      this.notes.push(
        `the loop left the address ${len} bytes on, at the end of the buffer: the call covers the ${len} bytes after it`,
      );
    } else if (this.moved === 'length') {
      this.notes.push('the loop counted the length down to 0: the call covers nothing');
    }
    const ranged = this.steps.find(
      (s) =>
        (s.kind === 'flush-vmap' || s.kind === 'invalidate-vmap') &&
        sanitizeSize(s.size) !== undefined,
    );
    const r = sanitizeSize(ranged?.size);
    this.shortRange = r !== undefined && r < len ? r : Math.min(g.lineBytes, len);
    if (this.mismatch && this.moved === undefined && this.shortRange >= len) {
      this.notes.push('the buffer fits in the flushed range: a range mismatch cannot show');
    }
  }

  /** Both page-cache families work on one page reached through kmap. */
  private get onPage(): boolean {
    return this.family === 'dcache' || this.family === 'dcache-read';
  }

  private get pageNames(): string[] {
    return Array.from({ length: this.pages }, (_, i) => `P${i}`);
  }

  private get bufferPageNames(): string[] {
    return this.pageNames.slice(0, this.bufferPages);
  }

  /** Emits the `fix` step and remembers it, so later notes can speak of the fixed run. */
  private fix(text: string, c: number | undefined, comment: string): void {
    this.out.emit(text, { c, variant: 'fix', comment });
    this.fixCall = text.split(' ')[0];
  }

  /**
   * The mismatched call as written (`bug`) and with the range the I/O used (`fix`). A moved
   * address covers the bytes after the buffer; a length counted down to 0 covers nothing.
   */
  private mismatchPair(api: string, m: 'K' | 'V', c: number | undefined, note: string): void {
    if (this.moved === 'address') {
      this.out.emit(`${api} ${m}+${this.len} ${this.len}`, { c, variant: 'bug', comment: note });
    } else if (this.moved === 'length') {
      this.out.emit(`note "${api}(${m}, 0): the length counted down to 0, nothing is covered"`, {
        c,
        variant: 'bug',
        comment: note,
      });
    } else {
      this.out.emit(`${api} ${m} ${this.shortRange}`, { c, variant: 'bug', comment: note });
    }
    this.fix(`${api} ${m} ${this.len}`, c, 'cover the buffer that went to I/O');
  }

  run(): GeneratedScenario {
    this.header();
    for (const s of this.steps) this.step(s);
    this.finish();
    return { preset: this.p.id, text: this.out.lines.join('\n') + '\n', notes: this.notes };
  }

  private header(): void {
    // Input text goes into a comment and a string literal: keep it on one line, without quotes.
    const clean = (x: unknown): string => String(x).replace(/["\\\r\n]+/g, ' ');
    const where = clean(`${this.f.file ?? '<input>'}:${this.fixLine ?? '?'}`);
    const rule = clean(this.f.rule);
    const o = this.out;
    o.lines.push(`# Generated by FlushGuard from ${rule} at ${where}.`);
    o.lines.push(
      '# Expectations state the correct bytes; the run without the fix steps shows the bug.',
    );
    o.emit(`preset ${this.p.id}`);
    o.emit(`title "${rule} at ${where}"`);
    const arch1 = this.p.arch1Polarity === 'clean' ? 1 : 0;
    if (this.onPage) {
      o.emit(`page P0 pa=${hex(BUFFER_PA)} file index=1 arch1=${arch1}`, {
        comment: 'a page-cache page',
      });
    } else {
      this.pageNames.forEach((n, i) =>
        o.emit(`page ${n} pa=${hex(BUFFER_PA + i * this.g.pageBytes)} anon`),
      );
    }
    this.pageNames.forEach((n) => o.emit(`dram ${n} = ${pattern('OLD!', this.g.pageBytes)}`));
    if (this.onPage) {
      const u = USER_VMA + BigInt(this.g.pageBytes);
      o.emit(`map_user ${hex(u)} P0 as U`, {
        comment: `user space has the file mmap'd (colour ${this.colour(u)})`,
      });
      if (this.family === 'dcache-read') this.userStore();
      else if (this.p.writePolicy === 'write-through') {
        o.emit(`load U ${this.len}`, {
          comment: 'write-through: the bug shows as a stale user line',
        });
      }
    }
    this.notes.push(...presetNotes(this.p, this.g, this.family, this.steps));
  }

  /** The reading side's premise: the user's store sits in a dirty line of the user's colour. */
  private userStore(): void {
    const o = this.out;
    if (this.p.writePolicy === 'write-through') {
      o.emit('kmap P0 as K', { comment: 'write-through: the kernel alias holds an older line' });
      o.emit(`load K ${this.len}`);
      this.live = 'K';
    }
    if (!this.p.writeAllocate) {
      o.emit(`load U ${this.len}`, {
        comment: 'the line is cached (read-modify-write): no write-allocate here',
      });
    }
    o.emit(`store U ${pattern('NEW!', this.len)}`, {
      comment: 'user space stores through its shared writable mapping',
    });
  }

  /** The kernel reads the page through its own alias: it must see the user's bytes. */
  private kernelRead(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    if (!this.flushed) {
      this.out.emit('flush_dcache_page P0', {
        c: this.fixLine ?? c,
        variant: 'fix',
        comment: 'the missing call',
      });
      this.flushed = true;
    }
    this.out.emit(`expect_load ${m} = ${pattern('NEW!', this.len)}`, {
      c,
      comment: `${note} (the kernel reads what user space stored)`,
    });
    this.observed = true;
  }

  private colour(va: bigint): number {
    return Number((va >> BigInt(this.g.pageShift)) % BigInt(this.g.colours));
  }

  private vmapLine(): string {
    return `vmap ${this.pageNames.join(' ')} at ${hex(this.p.layout.vmallocStart + BigInt(this.g.pageBytes))} as V`;
  }

  /** Make sure a mapping to access the buffer through is live, creating one at line c if not. */
  private ensureMapping(c: number | undefined): 'K' | 'V' {
    if (this.live) return this.live;
    const why = 'no live mapping before this access: one is assumed';
    if (this.onPage) this.out.emit('kmap P0 as K', { c, comment: why });
    else this.out.emit(this.vmapLine(), { c, comment: why });
    this.live = this.onPage ? 'K' : 'V';
    return this.live;
  }

  private step(s: FindingStep): void {
    const c = sanitizeLine(s.line);
    const o = this.out;
    const note = typeof s.note === 'string' ? s.note : '';
    switch (s.kind) {
      case 'map':
        if (!this.onPage)
          return o.emit('note "map step: the buffer is reached through vmap"', {
            c,
            comment: note,
          });
        o.emit('kmap P0 as K', { c, comment: note });
        this.live = 'K';
        return;
      case 'vmap':
        if (this.onPage)
          return o.emit('note "vmap step: the page is reached through kmap"', { c, comment: note });
        o.emit(this.vmapLine(), { c, comment: note });
        this.live = 'V';
        return;
      case 'write':
        return this.write(c, note, true);
      case 'read':
        if (this.family === 'dcache-read' && !this.observed) return this.kernelRead(c, note);
        return this.read(c, note);
      case 'flush':
        o.emit('flush_dcache_page P0', { c, comment: note });
        if (this.family === 'dcache-read' || (this.family === 'dcache' && this.written))
          this.flushed = true;
        return;
      case 'unmap':
        if (this.live === 'K') o.emit('kunmap K', { c, comment: note });
        else if (this.live === 'V') o.emit('vunmap V', { c, comment: note });
        else o.emit('note "unmap: nothing is mapped"', { c, comment: note });
        this.live = undefined;
        return;
      case 'flush-vmap':
        return this.flushVmap(c, note, s.size);
      case 'invalidate-vmap':
        return this.invalidateVmap(c, note, s.size);
      // I/O steps of the other direction (or of a kmap finding) stay in the trace as notes.
      case 'submit-write':
        if (this.family === 'vmap-write' || this.family === 'wrong-invalidate')
          return this.submitWrite(c, note);
        return this.noteStep(s, c, note);
      case 'submit-read':
        if (this.family === 'vmap-read') return this.submitRead(c, note);
        return this.noteStep(s, c, note);
      case 'complete':
        if (this.family === 'vmap-read') return this.complete(c, note);
        return this.noteStep(s, c, note);
      case 'branch':
      case 'call':
      case 'origin':
      case 'publish':
      case 'return':
      default:
        return this.noteStep(s, c, note);
    }
  }

  /**
   * Path steps without a cache action become notes. A return after the fix was inserted states
   * the bug ("with page not flushed"): it stays in the run as written, and the run with the fix
   * says what holds there instead.
   */
  private noteStep(s: FindingStep, c: number | undefined, note: string): void {
    const text = (t: string): string => `note "${t.replace(/["\\\r\n]/g, '')}"`;
    if (s.kind !== 'return' || this.fixCall === undefined) {
      // An origin step's note already starts with its kind ("origin: folio from ...").
      const kind = `${String(s.kind)}: `;
      this.out.emit(text(note.startsWith(kind) ? note : kind + note), { c });
      return;
    }
    this.out.emit(text(`return: ${note}`), { c, variant: 'bug' });
    this.out.emit(text(`return: returns after ${this.fixCall}(), which the fix added`), {
      c,
      variant: 'fix',
    });
  }

  private write(c: number | undefined, note: string, fromCode: boolean): void {
    const m = this.ensureMapping(c);
    if (!this.p.writeAllocate) {
      this.out.emit(`load ${m} ${this.len}`, {
        c,
        comment: 'the line is cached (read-modify-write): no write-allocate here',
      });
    }
    this.out.emit(`store ${m} ${pattern('NEW!', this.len)}`, { c, comment: note });
    this.written = true;
    this.flushed = false;
    if (fromCode) this.writes++;
    if (this.family === 'dcache' && (!fromCode || this.writes === this.totalWrites)) {
      this.fix('flush_dcache_page P0', this.fixLine ?? c, 'the missing call');
      this.flushed = true;
    }
  }

  private read(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    if (this.family === 'vmap-read' && this.completed && !this.observed) {
      this.insertInvalidateFix(c);
      this.out.emit(`expect_load ${m} = ${pattern('NEW!', this.len)}`, {
        c,
        comment: `${note} (the CPU reads the I/O data)`,
      });
      this.observed = true;
      return;
    }
    this.out.emit(`load ${m} ${this.len}`, { c, comment: note });
  }

  /** A flush/invalidate range from the C code, kept inside the mapped buffer. */
  private range(size: number | undefined): number {
    const given = sanitizeSize(size);
    return given === undefined ? this.len : Math.min(given, this.pages * this.g.pageBytes);
  }

  private flushVmap(c: number | undefined, note: string, size: number | undefined): void {
    const m = this.ensureMapping(c);
    if (this.mismatch && this.family !== 'vmap-read' && !this.submitted) {
      if (!this.written) this.write(c, 'assumed: the buffer is filled before the flush', false);
      this.mismatchPair('flush_kernel_vmap_range', m, c, note);
      this.flushed = true;
      return;
    }
    this.out.emit(`flush_kernel_vmap_range ${m} ${this.range(size)}`, { c, comment: note });
    if (this.written) this.flushed = true;
  }

  private invalidateVmap(c: number | undefined, note: string, size: number | undefined): void {
    const m = this.ensureMapping(c);
    const len = this.range(size);
    if (this.family !== 'vmap-read' && this.written && !this.submitted && !this.flushed) {
      this.out.emit(`invalidate_kernel_vmap_range ${m} ${len}`, {
        c,
        variant: 'bug',
        comment: note,
      });
      this.fix(
        `flush_kernel_vmap_range ${m} ${this.len}`,
        this.fixLine ?? c,
        'flush, not invalidate, before write I/O',
      );
      this.flushed = true;
      return;
    }
    if (this.family === 'vmap-read' && this.mismatch && this.completed) {
      this.mismatchPair('invalidate_kernel_vmap_range', m, c, note);
      this.invalidated = true;
      return;
    }
    this.out.emit(`invalidate_kernel_vmap_range ${m} ${len}`, { c, comment: note });
    if (this.completed) this.invalidated = true;
  }

  private submitWrite(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    if (!this.written) this.write(c, 'assumed: the buffer is filled before write I/O', false);
    if (!this.flushed) {
      this.fix(`flush_kernel_vmap_range ${m} ${this.len}`, this.fixLine ?? c, 'the missing call');
      this.flushed = true;
    }
    this.out.emit(`bio_write ${m} ${this.len}`, {
      c,
      comment: `${note} (dma_map TO_DEVICE, then the device reads)`.trim(),
    });
    this.submitted = true;
  }

  private chunkLen(i: number): number {
    return Math.min(this.g.pageBytes, this.len - i * this.g.pageBytes);
  }

  private submitRead(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    this.bufferPageNames.forEach((n, i) => {
      this.out.emit(`dma_map ${n} 0 ${this.chunkLen(i)} from_device`, {
        c,
        comment: i === 0 ? note : '',
      });
    });
    // A line of the buffer is refilled through the vmap alias while the DMA runs (cachetlb.rst);
    // for a short invalidate it is the first line the invalidate leaves out.
    const line = this.g.lineBytes;
    const off =
      this.mismatch && this.moved === undefined ? Math.ceil(this.shortRange / line) * line : 0;
    const target = off > 0 && off < this.len ? `${m}+${off}` : m;
    this.out.emit(`speculate ${target}`, {
      comment: 'the CPU may refill a line through the vmap alias during the DMA',
    });
    this.submitted = true;
  }

  private complete(c: number | undefined, note: string): void {
    if (!this.submitted) this.submitRead(c, 'assumed: read I/O was submitted');
    this.bufferPageNames.forEach((n, i) => {
      this.out.emit(`dev_write ${n} ${pattern('NEW!', this.chunkLen(i))}`, {
        c,
        comment: i === 0 ? 'the device writes DRAM' : '',
      });
      this.out.emit(`dma_unmap ${n} 0 ${this.chunkLen(i)} from_device`, {
        c,
        comment: i === 0 ? note : '',
      });
    });
    this.completed = true;
    this.invalidated = false;
  }

  private insertInvalidateFix(c: number | undefined): void {
    if (this.invalidated) return;
    this.fix(`invalidate_kernel_vmap_range V ${this.len}`, this.fixLine ?? c, 'the missing call');
    this.invalidated = true;
  }

  private finish(): void {
    const o = this.out;
    if (this.family === 'dcache-read') {
      if (!this.observed) this.kernelRead(this.fixLine, 'assumed: the kernel reads the page');
    } else if (this.family === 'dcache') {
      if (!this.written) this.write(this.fixLine, 'assumed: the kernel writes the page', false);
      o.emit(`expect_load U = ${pattern('NEW!', this.len)}`, {
        comment: 'observer: user space reads the page through its mapping',
      });
    } else if (this.family === 'vmap-read') {
      if (!this.completed) this.complete(this.fixLine, 'assumed: the read I/O completes');
      if (!this.observed) {
        const m = this.ensureMapping(this.fixLine);
        this.insertInvalidateFix(this.fixLine);
        o.emit(`expect_load ${m} = ${pattern('NEW!', this.len)}`, {
          comment: 'observer: the CPU reads the buffer after read I/O',
        });
      }
    } else {
      if (!this.submitted) this.submitWrite(this.fixLine, 'assumed: write I/O is submitted');
      o.emit(`expect_dev = ${pattern('NEW!', this.len)}`, {
        comment: 'observer: the device reads the buffer (DMA read)',
      });
    }
  }
}

/** Turn a finding into a scenario for one preset. Never throws on odd findings. */
export function findingToScenario(
  f: FindingInput,
  presetId: string = DEFAULT_PRESET_ID,
): GeneratedScenario {
  const p = getPreset(presetId);
  return new Generator(f, p, geometryOf(p)).run();
}

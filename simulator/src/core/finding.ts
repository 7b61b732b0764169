// From code to scenario: turns the path of an engine finding into a .fgs scenario whose `fix`
// (and `bug`) steps make the pair "as written" / "with the fix". Addresses are chosen so the
// aliases collide on the preset; every step keeps the C line it came from (`@line`).
import { geometryOf, type Geometry } from './geometry';
import { DEFAULT_PRESET_ID, getPreset, type Preset } from './presets';

export type StepKind =
  | 'map'
  | 'write'
  | 'read'
  | 'flush'
  | 'unmap'
  | 'branch'
  | 'publish'
  | 'return'
  | 'vmap'
  | 'flush-vmap'
  | 'invalidate-vmap'
  | 'submit-write'
  | 'submit-read'
  | 'complete'
  | 'call';

export interface FindingStep {
  line: number;
  kind: StepKind;
  note: string;
  /** Bytes written/read (or flushed, for flush-vmap/invalidate-vmap) when known. */
  size?: number;
}

export type FindingRule =
  | 'missing-flush-dcache-page'
  | 'missing-flush-kernel-vmap-range'
  | 'missing-invalidate-kernel-vmap-range'
  | 'invalidate-before-write-io'
  | 'vmap-range-mismatch';

export interface FindingInput {
  // `string & {}` keeps the known ids as editor suggestions while accepting any rule id.
  rule: FindingRule | (string & {});
  file?: string;
  line: number;
  steps: FindingStep[];
}

/** Bytes a write or read is assumed to move when the C code does not say. */
export const DEFAULT_ACCESS_BYTES = 16;
/** Largest buffer a generated scenario models (a kmap'd page is further capped at one page). */
export const MAX_FINDING_BYTES = 1024 * 1024;
/** Physical page used for the buffer: colour 0 on every preset, lowmem everywhere. */
const BUFFER_PA = 0x00100000;
const USER_VMA = 0x40000000n;

type Family = 'dcache' | 'vmap-write' | 'vmap-read' | 'wrong-invalidate';

export interface GeneratedScenario {
  preset: string;
  /** The scenario text (.fgs); its `fix`/`bug` steps give the two variants. */
  text: string;
  /** What the generator assumed or adjusted, in words. */
  notes: string[];
}

const hex = (n: bigint | number): string => '0x' + n.toString(16);

function sanitizeLine(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function sanitizeSize(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/** `"OLD!"*4 "OL"`: n bytes of a 4-byte ASCII pattern, in scenario syntax. */
function pattern(word: string, n: number): string {
  const q = Math.floor(n / word.length);
  const r = n % word.length;
  const parts: string[] = [];
  if (q > 0) parts.push(q > 1 ? `"${word}"*${q}` : `"${word}"`);
  if (r > 0) parts.push(`"${word.slice(0, r)}"`);
  return parts.join(' ');
}

function familyOf(f: FindingInput, kinds: Set<string>): Family {
  const order = f.steps.map((s) => s.kind);
  switch (f.rule) {
    case 'missing-flush-dcache-page':
      return 'dcache';
    case 'missing-flush-kernel-vmap-range':
      return 'vmap-write';
    case 'missing-invalidate-kernel-vmap-range':
      return 'vmap-read';
    case 'invalidate-before-write-io':
      return 'wrong-invalidate';
    case 'vmap-range-mismatch':
    default: {
      // Unknown rules and range mismatches: infer the direction from the path.
      const inv = order.indexOf('invalidate-vmap');
      const sw = order.indexOf('submit-write');
      if (inv >= 0 && sw > inv) return 'wrong-invalidate';
      if (kinds.has('submit-read') || kinds.has('complete')) return 'vmap-read';
      if (kinds.has('submit-write') || kinds.has('vmap') || kinds.has('flush-vmap')) return 'vmap-write';
      return 'dcache';
    }
  }
}

class Emitter {
  readonly lines: string[] = [];

  emit(text: string, o: { c?: number | undefined; variant?: 'fix' | 'bug'; comment?: string } = {}): void {
    const prefix = (o.c !== undefined ? `@${o.c} ` : '') + (o.variant ? `${o.variant} ` : '');
    const body = prefix + text;
    const comment = o.comment ? o.comment.replace(/[\r\n]+/g, ' ').trim() : '';
    this.lines.push(comment ? `${body.padEnd(44)} # ${comment}` : body);
  }
}

/** Turn a finding into a scenario for one preset. Never throws on odd findings. */
export function findingToScenario(f: FindingInput, presetId: string = DEFAULT_PRESET_ID): GeneratedScenario {
  const p = getPreset(presetId);
  return new Generator(f, p, geometryOf(p)).run();
}

class Generator {
  private readonly out = new Emitter();
  private readonly notes: string[] = [];
  private readonly steps: FindingStep[];
  private readonly family: Family;
  private readonly mismatch: boolean;
  private readonly len: number;
  private readonly pages: number;
  /** Range a mismatched flush/invalidate covers (the bug variant), smaller than len. */
  private readonly shortRange: number;
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
    this.steps = Array.isArray(f.steps) ? f.steps.filter((s) => typeof s === 'object' && s !== null) : [];
    const kinds = new Set<string>(this.steps.map((s) => String(s.kind)));
    this.family = familyOf(f, kinds);
    this.mismatch = f.rule === 'vmap-range-mismatch';
    this.fixLine = sanitizeLine(f.line);
    this.totalWrites = this.steps.filter((s) => s.kind === 'write').length;
    const moving = ['write', 'read', 'submit-write', 'submit-read'];
    const sized = this.steps.find((s) => moving.includes(s.kind) && sanitizeSize(s.size) !== undefined);
    let len = sanitizeSize(sized?.size) ?? (this.mismatch ? 4 * g.lineBytes : DEFAULT_ACCESS_BYTES);
    if (sized === undefined) this.notes.push(`access size unknown: ${len} bytes assumed`);
    const cap = this.family === 'dcache' ? g.pageBytes : MAX_FINDING_BYTES;
    if (len > cap) {
      this.notes.push(`access of ${len} bytes capped at ${cap} (${this.family === 'dcache' ? 'one kmap page' : 'simulator limit'})`);
      len = cap;
    }
    this.len = len;
    this.pages = this.family === 'dcache' ? 1 : Math.ceil(len / g.pageBytes);
    const ranged = this.steps.find((s) => (s.kind === 'flush-vmap' || s.kind === 'invalidate-vmap') && sanitizeSize(s.size) !== undefined);
    const r = sanitizeSize(ranged?.size);
    this.shortRange = r !== undefined && r < len ? r : Math.min(g.lineBytes, len);
    if (this.mismatch && this.shortRange >= len) {
      this.notes.push('the buffer fits in the flushed range: a range mismatch cannot show');
    }
  }

  private get pageNames(): string[] {
    return Array.from({ length: this.pages }, (_, i) => `P${i}`);
  }

  run(): GeneratedScenario {
    this.header();
    for (const s of this.steps) this.step(s);
    this.finish();
    return { preset: this.p.id, text: this.out.lines.join('\n') + '\n', notes: this.notes };
  }

  private header(): void {
    const where = `${this.f.file ?? '<input>'}:${this.fixLine ?? '?'}`;
    const o = this.out;
    o.lines.push(`# Generated by FlushGuard from ${String(this.f.rule)} at ${where}.`);
    o.lines.push('# Expectations state the correct bytes; the run without the fix steps shows the bug.');
    o.emit(`preset ${this.p.id}`);
    o.emit(`title "${`${String(this.f.rule)} at ${where}`.replace(/["\\\r\n]/g, '')}"`);
    const clean = this.p.arch1Polarity === 'clean' ? 1 : 0;
    if (this.family === 'dcache') {
      o.emit(`page P0 pa=${hex(BUFFER_PA)} file index=1 arch1=${clean}`, { comment: 'a page-cache page' });
    } else {
      this.pageNames.forEach((n, i) => o.emit(`page ${n} pa=${hex(BUFFER_PA + i * this.g.pageBytes)} anon`));
    }
    this.pageNames.forEach((n) => o.emit(`dram ${n} = ${pattern('OLD!', this.g.pageBytes)}`));
    if (this.family === 'dcache') {
      const u = USER_VMA + BigInt(this.g.pageBytes);
      o.emit(`map_user ${hex(u)} P0 as U`, { comment: `user space has the file mmap'd (colour ${this.colour(u)})` });
      if (this.p.writePolicy === 'write-through') {
        o.emit(`load U ${this.len}`, { comment: 'write-through: the bug shows as a stale user line' });
      }
    }
    this.presetNotes();
  }

  /** Why a preset may not show the bug, or may not be cured by the fix. */
  private presetNotes(): void {
    const id = this.p.id;
    const n = this.notes;
    if (!this.g.aliasing) n.push(`${id} does not alias: no corruption is expected either way`);
    if (this.family === 'dcache') {
      if (this.p.arch === 'parisc' && this.steps.some((s) => s.kind === 'unmap')) {
        n.push('on PA-RISC kunmap flushes the kernel alias (ARCH_HAS_FLUSH_ON_KUNMAP), which hides this bug');
      }
      return;
    }
    if (this.p.dmaCoherent) n.push(`${id} DMA is coherent: the device snoops the cache, so I/O does not go stale here`);
    if (this.g.aliasing && this.p.vmapRange.flush === 'none') {
      n.push(`the vmap-range APIs are empty on ${id} (include/linux/highmem.h): the fix cannot help here`);
    }
    if (this.family === 'wrong-invalidate' && this.p.vmapRange.invalidate === 'clean_inval') {
      n.push(`invalidate_kernel_vmap_range is clean+invalidate on ${id}: harmless here, data loss on SH-4 and PA-RISC`);
    }
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
    if (this.family === 'dcache') this.out.emit('kmap P0 as K', { c, comment: why });
    else this.out.emit(this.vmapLine(), { c, comment: why });
    this.live = this.family === 'dcache' ? 'K' : 'V';
    return this.live;
  }

  private step(s: FindingStep): void {
    const c = sanitizeLine(s.line);
    const o = this.out;
    const note = typeof s.note === 'string' ? s.note : '';
    switch (s.kind) {
      case 'map':
        if (this.family !== 'dcache') return o.emit('note "map step: the buffer is reached through vmap"', { c, comment: note });
        o.emit('kmap P0 as K', { c, comment: note });
        this.live = 'K';
        return;
      case 'vmap':
        if (this.family === 'dcache') return o.emit('note "vmap step: the page is reached through kmap"', { c, comment: note });
        o.emit(this.vmapLine(), { c, comment: note });
        this.live = 'V';
        return;
      case 'write':
        return this.write(c, note, true);
      case 'read':
        return this.read(c, note);
      case 'flush':
        o.emit('flush_dcache_page P0', { c, comment: note });
        if (this.family === 'dcache' && this.written) this.flushed = true;
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
      case 'submit-write':
        return this.submitWrite(c, note);
      case 'submit-read':
        return this.submitRead(c, note);
      case 'complete':
        return this.complete(c, note);
      case 'branch':
      case 'call':
      case 'publish':
      case 'return':
      default:
        o.emit(`note "${`${String(s.kind)}: ${note}`.replace(/["\\\r\n]/g, '')}"`, { c });
    }
  }

  private write(c: number | undefined, note: string, fromCode: boolean): void {
    const m = this.ensureMapping(c);
    if (!this.p.writeAllocate) {
      this.out.emit(`load ${m} ${this.len}`, { c, comment: 'the line is cached (read-modify-write): no write-allocate here' });
    }
    this.out.emit(`store ${m} ${pattern('NEW!', this.len)}`, { c, comment: note });
    this.written = true;
    this.flushed = false;
    if (fromCode) this.writes++;
    if (this.family === 'dcache' && (!fromCode || this.writes === this.totalWrites)) {
      this.out.emit('flush_dcache_page P0', { c: this.fixLine ?? c, variant: 'fix', comment: 'the missing call' });
      this.flushed = true;
    }
  }

  private read(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    if (this.family === 'vmap-read' && this.completed && !this.observed) {
      this.insertInvalidateFix(c);
      this.out.emit(`expect_load ${m} = ${pattern('NEW!', this.len)}`, { c, comment: `${note} (the CPU reads the I/O data)` });
      this.observed = true;
      return;
    }
    this.out.emit(`load ${m} ${this.len}`, { c, comment: note });
  }

  private flushVmap(c: number | undefined, note: string, size: number | undefined): void {
    const m = this.ensureMapping(c);
    if (this.mismatch && this.family !== 'vmap-read' && this.written && !this.submitted) {
      this.out.emit(`flush_kernel_vmap_range ${m} ${this.shortRange}`, { c, variant: 'bug', comment: note });
      this.out.emit(`flush_kernel_vmap_range ${m} ${this.len}`, { c, variant: 'fix', comment: 'cover the whole buffer' });
      this.flushed = true;
      return;
    }
    this.out.emit(`flush_kernel_vmap_range ${m} ${sanitizeSize(size) ?? this.len}`, { c, comment: note });
    if (this.written) this.flushed = true;
  }

  private invalidateVmap(c: number | undefined, note: string, size: number | undefined): void {
    const m = this.ensureMapping(c);
    const len = sanitizeSize(size) ?? this.len;
    if (this.family !== 'vmap-read' && this.written && !this.submitted && !this.flushed) {
      this.out.emit(`invalidate_kernel_vmap_range ${m} ${len}`, { c, variant: 'bug', comment: note });
      this.out.emit(`flush_kernel_vmap_range ${m} ${this.len}`, { c: this.fixLine ?? c, variant: 'fix', comment: 'flush, not invalidate, before write I/O' });
      this.flushed = true;
      return;
    }
    if (this.family === 'vmap-read' && this.mismatch && this.completed) {
      this.out.emit(`invalidate_kernel_vmap_range ${m} ${this.shortRange}`, { c, variant: 'bug', comment: note });
      this.out.emit(`invalidate_kernel_vmap_range ${m} ${this.len}`, { c, variant: 'fix', comment: 'cover the whole buffer' });
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
      this.out.emit(`flush_kernel_vmap_range ${m} ${this.len}`, { c: this.fixLine ?? c, variant: 'fix', comment: 'the missing call' });
      this.flushed = true;
    }
    this.out.emit(`bio_write ${m} ${this.len}`, { c, comment: `${note} (dma_map TO_DEVICE, then the device reads)`.trim() });
    this.submitted = true;
  }

  private chunkLen(i: number): number {
    return Math.min(this.g.pageBytes, this.len - i * this.g.pageBytes);
  }

  private submitRead(c: number | undefined, note: string): void {
    const m = this.ensureMapping(c);
    this.pageNames.forEach((n, i) => {
      this.out.emit(`dma_map ${n} 0 ${this.chunkLen(i)} from_device`, { c, comment: i === 0 ? note : '' });
    });
    // A line of the buffer is refilled through the vmap alias while the DMA runs (cachetlb.rst);
    // for a short invalidate it is the first line the invalidate leaves out.
    const line = this.g.lineBytes;
    const off = this.mismatch ? Math.ceil(this.shortRange / line) * line : 0;
    const target = off > 0 && off < this.len ? `${m}+${off}` : m;
    this.out.emit(`speculate ${target}`, { comment: 'the CPU may refill a line through the vmap alias during the DMA' });
    this.submitted = true;
  }

  private complete(c: number | undefined, note: string): void {
    if (!this.submitted) this.submitRead(c, 'assumed: read I/O was submitted');
    this.pageNames.forEach((n, i) => {
      this.out.emit(`dev_write ${n} ${pattern('NEW!', this.chunkLen(i))}`, { c, comment: i === 0 ? 'the device writes DRAM' : '' });
      this.out.emit(`dma_unmap ${n} 0 ${this.chunkLen(i)} from_device`, { c, comment: i === 0 ? note : '' });
    });
    this.completed = true;
    this.invalidated = false;
  }

  private insertInvalidateFix(c: number | undefined): void {
    if (this.invalidated) return;
    this.out.emit(`invalidate_kernel_vmap_range V ${this.len}`, { c: this.fixLine ?? c, variant: 'fix', comment: 'the missing call' });
    this.invalidated = true;
  }

  private finish(): void {
    const o = this.out;
    if (this.family === 'dcache') {
      if (!this.written) this.write(this.fixLine, 'assumed: the kernel writes the page', false);
      o.emit(`expect_load U = ${pattern('NEW!', this.len)}`, { comment: 'observer: user space reads the page through its mapping' });
    } else if (this.family === 'vmap-read') {
      if (!this.completed) this.complete(this.fixLine, 'assumed: the read I/O completes');
      if (!this.observed) {
        const m = this.ensureMapping(this.fixLine);
        this.insertInvalidateFix(this.fixLine);
        o.emit(`expect_load ${m} = ${pattern('NEW!', this.len)}`, { comment: 'observer: the CPU reads the buffer after read I/O' });
      }
    } else {
      if (!this.submitted) this.submitWrite(this.fixLine, 'assumed: write I/O is submitted');
      o.emit(`expect_dev = ${pattern('NEW!', this.len)}`, { comment: 'observer: the device reads the buffer (DMA read)' });
    }
  }
}

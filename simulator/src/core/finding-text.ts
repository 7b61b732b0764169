// Text helpers of the finding generator: sizes and lines sanitised, data patterns and scenario
// lines in .fgs syntax, and the bug family a finding belongs to.
import type { FindingInput, FindingStep } from './finding';
import type { Geometry } from './geometry';
import type { Preset } from './presets';

/** Bytes a write or read is assumed to move when the C code does not say. */
export const DEFAULT_ACCESS_BYTES = 16;
/** Largest buffer a generated scenario models (a kmap'd page is further capped at one page). */
export const MAX_FINDING_BYTES = 1024 * 1024;

/** `dcache-read`: user space stored through its mapping and the kernel reads through its own. */
export type Family = 'dcache' | 'dcache-read' | 'vmap-write' | 'vmap-read' | 'wrong-invalidate';

export const hex = (n: bigint | number): string => '0x' + n.toString(16);

export function sanitizeLine(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function sanitizeSize(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/** `"OLD!"*4 "OL"`: n bytes of a 4-byte ASCII pattern, in scenario syntax. */
export function pattern(word: string, n: number): string {
  const q = Math.floor(n / word.length);
  const r = n % word.length;
  const parts: string[] = [];
  if (q > 0) parts.push(q > 1 ? `"${word}"*${q}` : `"${word}"`);
  if (r > 0) parts.push(`"${word.slice(0, r)}"`);
  return parts.join(' ');
}

export function familyOf(f: FindingInput, steps: FindingStep[]): Family {
  const order = steps.map((s) => String(s.kind));
  const kinds = new Set(order);
  switch (f.rule) {
    case 'missing-flush-dcache-page':
      return 'dcache';
    case 'missing-flush-before-kernel-read':
      return 'dcache-read';
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
      if (kinds.has('submit-write') || kinds.has('vmap') || kinds.has('flush-vmap'))
        return 'vmap-write';
      return 'dcache';
    }
  }
}

export class Emitter {
  readonly lines: string[] = [];

  emit(
    text: string,
    o: { c?: number | undefined; variant?: 'fix' | 'bug'; comment?: string } = {},
  ): void {
    const prefix = (o.c !== undefined ? `@${o.c} ` : '') + (o.variant ? `${o.variant} ` : '');
    const body = prefix + text;
    const comment = o.comment ? o.comment.replace(/[\r\n]+/g, ' ').trim() : '';
    this.lines.push(comment ? `${body.padEnd(44)} # ${comment}` : body);
  }
}

/** Why a preset may not show the bug, or may not be cured by the fix. */
export function presetNotes(
  p: Preset,
  g: Geometry,
  family: Family,
  steps: FindingStep[],
): string[] {
  const n: string[] = [];
  if (!g.aliasing) n.push(`${p.id} does not alias: no corruption is expected either way`);
  if (family === 'dcache-read') {
    // arch/sh/mm/cache-sh4.c sh4_flush_dcache_folio (flush_cache_one at `addr & shm_align_mask`)
    // and arch/mips/mm/cache.c __flush_dcache_pages (flush_data_cache_page(page_address)) in 6.12.
    if (g.aliasing && (p.arch === 'sh4' || p.arch === 'mips-r4k'))
      n.push(
        `on ${p.id} flush_dcache_page() writes back the kernel colour only: the user's dirty line survives it, so the fix cannot show the user's bytes here (an architecture that cleans every colour, such as ARMv6, can)`,
      );
    return n;
  }
  if (family === 'dcache') {
    if (p.arch === 'parisc' && steps.some((s) => s.kind === 'unmap')) {
      n.push(
        'on PA-RISC kunmap flushes the kernel alias (ARCH_HAS_FLUSH_ON_KUNMAP), which hides this bug',
      );
    }
    return n;
  }
  if (family === 'vmap-read' && !p.speculates) {
    n.push(
      `the refill during the DMA is injected by hand (${p.id} hardly speculates data); ` +
        'a line left from an earlier use of the buffer has the same effect (S4b)',
    );
  }
  if (p.dmaCoherent)
    n.push(`${p.id} DMA is coherent: the device snoops the cache, so I/O does not go stale here`);
  if (g.aliasing && p.vmapRange.flush === 'none') {
    n.push(
      `the vmap-range APIs are empty on ${p.id} (include/linux/highmem.h): the fix cannot help here`,
    );
  }
  if (family === 'wrong-invalidate' && p.vmapRange.invalidate === 'clean_inval') {
    n.push(
      `invalidate_kernel_vmap_range is clean+invalidate on ${p.id}: harmless here, data loss on SH-4 and PA-RISC`,
    );
  }
  return n;
}

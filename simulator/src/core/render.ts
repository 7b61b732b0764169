// Plain-text rendering of a run for the CLI and for tests: the step-by-step trace (C line, address
// -> set/way/colour, hit or miss, fills, write-backs) and the verdict with expected and observed
// bytes side by side. Pure: returns a string.
import { fromHex, spacedHex } from './bytes';
import type { Outcome, PresetInfo } from './run';
import type { LineAccess, Step } from './trace';

export interface RenderableResult {
  preset: PresetInfo;
  title?: string;
  notes?: string[];
  asWritten: Outcome;
  withFix: Outcome;
}

export interface RenderOptions {
  /** Line accesses listed per step before the rest are summarised (default 6). */
  maxAccesses?: number;
  /** Rows of 8 bytes shown in the verdict (default 4). */
  maxRows?: number;
  /** Print the kernel narration under each step (default true). */
  notes?: boolean;
}

const KIB = 1024;
const size = (n: number): string => (n % KIB === 0 ? `${n / KIB} KiB` : `${n} B`);

export function describePreset(p: PresetInfo): string {
  const colours =
    p.indexing === 'VIVT'
      ? 'VIVT (every VA is its own line)'
      : `${p.colours} colour${p.colours === 1 ? '' : 's'}`;
  return [
    `${p.id}: ${size(p.cacheBytes)} ${p.ways}-way, ${p.lineBytes} B lines, ${p.sets} sets, ${size(p.pageBytes)} pages`,
    `${p.indexing}, ${colours}, ${p.writePolicy}, ${p.writeAllocate ? 'write-allocate' : 'no write-allocate'}, ` +
      `DMA ${p.dmaCoherent ? 'coherent' : 'non-coherent'}`,
  ].join('; ');
}

function accessText(a: LineAccess): string {
  const where = a.way >= 0 ? `set ${a.set} way ${a.way}` : `set ${a.set}`;
  const via = a.va ? `${a.va} -> PA ${a.pa}` : `PA ${a.pa}`;
  const what: string[] = [];
  if (a.op === 'load' || a.op === 'store' || a.op === 'speculate')
    what.push(a.hit ? 'hit' : 'miss');
  else if (!a.hit) what.push('not cached');
  if (a.filled) what.push('filled from DRAM');
  if (a.victim)
    what.push(`evicted ${a.victim.va}${a.victim.dirty ? ' (dirty: whole line written back)' : ''}`);
  if (a.toDram) what.push('written to DRAM');
  if (a.writtenBack) what.push('written back');
  if (a.lostDirty) what.push('DROPPED WHILE DIRTY: data lost');
  else if (a.dropped) what.push('dropped');
  if (a.dirtyAfter && (a.op === 'store' || a.op === 'load')) what.push('dirty');
  return `${a.op.padEnd(11)} ${via}  ${where} colour ${a.colour}: ${what.join(', ')}`;
}

function stepText(s: Step, o: Required<RenderOptions>): string[] {
  const c = s.cLine !== undefined ? `C:${s.cLine}` : '';
  const mark = s.variant === 'fix' ? '+ ' : s.variant === 'bug' ? '- ' : '  ';
  const head = `${String(s.index + 1).padStart(3)} ${c.padEnd(7)}${mark}${s.text}`;
  const out = [head];
  const pad = ' '.repeat(13);
  if (o.notes) for (const n of s.notes) out.push(`${pad}${n}`);
  const shown = s.accesses.slice(0, o.maxAccesses);
  for (const a of shown) out.push(`${pad}${accessText(a)}`);
  const rest = s.accesses.slice(o.maxAccesses);
  if (rest.length > 0) {
    const misses = rest.filter((a) => !a.hit && !a.filled).length;
    const wb = rest.filter((a) => a.writtenBack || a.victim?.dirty).length;
    const lost = rest.filter((a) => a.lostDirty).length;
    out.push(
      `${pad}... ${rest.length} more lines (${misses} not cached, ${wb} written back, ${lost} lost)`,
    );
  }
  if (s.bytes !== undefined && s.check === undefined) out.push(`${pad}bytes: ${preview(s.bytes)}`);
  if (s.check)
    out.push(`${pad}${s.check.ok ? 'as expected' : `MISMATCH at byte ${s.check.firstBadOffset}`}`);
  if (s.error) out.push(`${pad}ERROR: ${s.error}`);
  return out;
}

function preview(hex: string): string {
  const b = fromHex(hex.slice(0, 64));
  return spacedHex(b) + (hex.length > 64 ? ` ... (${hex.length / 2} bytes)` : '');
}

/** Expected vs observed, 8 bytes a row, starting at the row of the first bad byte. */
export function renderBytes(
  expectedHex: string,
  observedHex: string,
  firstBad: number,
  maxRows = 4,
): string[] {
  const e = fromHex(expectedHex);
  const ob = fromHex(observedHex);
  const n = Math.max(e.length, ob.length);
  const start = firstBad >= 0 ? firstBad - (firstBad % 8) : 0;
  const cell = (b: Uint8Array, i: number): string =>
    i < b.length ? spacedHex(b.subarray(i, i + 1)) : '--';
  const lines = [`  offset  ${'expected'.padEnd(24)}  observed`];
  for (let row = start; row < n && row < start + maxRows * 8; row += 8) {
    const idx = Array.from({ length: Math.min(8, n - row) }, (_, k) => row + k);
    const exp = idx.map((i) => cell(e, i)).join(' ');
    const obs = idx.map((i) => cell(ob, i)).join(' ');
    lines.push(
      `  ${('0x' + row.toString(16).padStart(4, '0')).padEnd(8)}${exp.padEnd(24)}  ${obs}`,
    );
    if (firstBad >= row && firstBad < row + 8) {
      lines.push(
        `  ${' '.repeat(8)}${' '.repeat(24)}  ${' '.repeat((firstBad - row) * 3)}^^ first bad byte (offset ${firstBad})`,
      );
    }
  }
  if (start + maxRows * 8 < n) lines.push(`  ... ${n} bytes in all`);
  return lines;
}

function verdictText(o: Outcome, maxRows: number): string[] {
  if (o.assertions.length === 0) return ['Verdict: no expectation in the scenario'];
  const bad = {
    user: 'user space sees stale data',
    cpu: 'the CPU sees stale data',
    device: 'the device sees stale data',
    memory: 'DRAM holds the wrong bytes',
  }[o.observer];
  const good = {
    user: 'user space sees',
    cpu: 'the CPU sees',
    device: 'the device sees',
    memory: 'DRAM holds',
  }[o.observer];
  const head = o.corrupted
    ? `Verdict: CORRUPTED: ${bad} (first bad byte at offset ${o.firstBadOffset})`
    : `Verdict: OK: ${good} the expected data`;
  return [head, ...renderBytes(o.expected, o.observed, o.firstBadOffset, maxRows)];
}

function runText(label: string, o: Outcome, opts: Required<RenderOptions>): string[] {
  const out = [`== ${label} ==`];
  for (const s of o.steps) out.push(...stepText(s, opts));
  for (const e of o.errors) out.push(`error at line ${e.line}:${e.column}: ${e.message}`);
  out.push(...verdictText(o, opts.maxRows));
  return out;
}

/** The trace of both runs and their verdicts. */
/** One run alone (a scenario file without fix steps), with its verdict. */
export function renderOutcomeText(
  label: string,
  preset: PresetInfo,
  o: Outcome,
  options: RenderOptions = {},
): string {
  const opts: Required<RenderOptions> = { maxAccesses: 6, maxRows: 4, notes: true, ...options };
  return [`Preset ${describePreset(preset)}`, '', ...runText(label, o, opts)].join('\n') + '\n';
}

export function renderRunText(r: RenderableResult, options: RenderOptions = {}): string {
  const opts: Required<RenderOptions> = { maxAccesses: 6, maxRows: 4, notes: true, ...options };
  const out: string[] = [];
  if (r.title !== undefined) out.push(r.title);
  out.push(`Preset ${describePreset(r.preset)}`);
  for (const n of r.notes ?? []) out.push(`Note: ${n}`);
  out.push('Steps marked + run only with the fix, - only as written.', '');
  out.push(...runText('As written', r.asWritten, opts), '');
  out.push(...runText('With the fix', r.withFix, opts));
  const w = r.asWritten.corrupted;
  const f = r.withFix.corrupted;
  out.push(
    '',
    w && !f
      ? 'Summary: corrupted as written, correct with the fix.'
      : w && f
        ? `Summary: corrupted even with the fix on ${r.preset.id}.`
        : !w && f
          ? 'Summary: correct as written but corrupted with the fix.'
          : `Summary: no corruption on ${r.preset.id} either way.`,
  );
  return out.join('\n') + '\n';
}

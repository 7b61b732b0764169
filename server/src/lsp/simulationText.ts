/**
 * The simulation for editors without the VS Code view (Neovim, Emacs, Helix): the same text trace
 * `flushguard simulate` prints, written to a read-only file the client can open with
 * `window/showDocument`, and the verdict in words with the first bytes that differ.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderRunText } from '../../../simulator/src/index';
import type { SimulationPayload } from '../protocol/simulate';

type Run = SimulationPayload['asWritten'];

const WHO: Record<string, string> = {
  user: 'user space',
  cpu: 'the CPU',
  device: 'the device',
};

/** Bytes shown around the first difference: enough to recognise, short enough for one line. */
const SHOWN_BYTES = 8;

/** `4f4c4421…` from the first bad byte on, as spaced hex. */
function bytesFrom(hex: string, offset: number): string {
  const start = Math.max(0, offset) * 2;
  const cut = hex.slice(start, start + SHOWN_BYTES * 2);
  const spaced = cut.match(/../g)?.join(' ') ?? '';
  return hex.length > start + SHOWN_BYTES * 2 ? `${spaced} …` : spaced;
}

function runInWords(o: Run): string {
  const who = WHO[o.observer] ?? o.observer;
  if (!o.corrupted) return `${who} reads the right bytes`;
  const at = Math.max(0, o.firstBadOffset);
  return `${who} reads \`${bytesFrom(o.observed, at)}\` at byte ${at} where it should read \`${bytesFrom(o.expected, at)}\``;
}

/** The verdict of both runs in one sentence. */
export function verdictInWords(p: SimulationPayload): string {
  return `As written, ${runInWords(p.asWritten)}; with the fix, ${runInWords(p.withFix)} (simulated on ${p.preset}).`;
}

/** The text trace of both runs, as the CLI prints it. */
export function simulationTrace(p: SimulationPayload): string {
  return (
    `${p.source.file}:${p.source.line}: ${p.source.message} [${p.source.rule}]\n\n` +
    renderRunText({
      preset: p.presetInfo,
      notes: p.notes,
      asWritten: p.asWritten,
      withFix: p.withFix,
    })
  );
}

/**
 * Writes the trace to a read-only file under the system's temporary folder (one per finding and
 * preset, replaced on the next run) and returns its URI.
 */
export function writeTraceDocument(p: SimulationPayload, trace: string): string {
  const dir = join(tmpdir(), `flushguard-simulations-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${basename(p.source.file).replace(/[^\w.-]/g, '_')}-L${p.source.line}-${p.preset}.txt`;
  const path = join(dir, name);
  rmSync(path, { force: true });
  writeFileSync(path, trace, { mode: 0o444 });
  chmodSync(path, 0o444);
  return pathToFileURL(path).href;
}

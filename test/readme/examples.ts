/**
 * The README's command examples against real output. An example is a fenced block whose first
 * line is `$ npx flushguard ARGS`; the lines after it are the command's stdout, where a `...`
 * line stands for lines left out. The first part must be how the output begins; each part after a
 * `...` must appear, in order, further down.
 *
 * `node --import tsx test/readme/examples.ts --write` rewrites the examples from real output
 * (each part keeps its length; a later part is found again by its first line).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const README = join(ROOT, 'README.md');
const MAIN = join(ROOT, 'server', 'src', 'cli', 'main.ts');
const PROMPT = '$ npx flushguard ';
const ELLIPSIS = '...';

export interface Example {
  args: string[];
  /** Lines between `...` markers. */
  parts: string[][];
  /** Offsets of the block's body (after the command line, before the closing fence). */
  bodyStart: number;
  bodyEnd: number;
}

export function readmeExamples(text: string): Example[] {
  const out: Example[] = [];
  for (const m of text.matchAll(/^```[a-z]*\n(\$ npx flushguard [^\n]*)\n([^]*?)^```$/gm)) {
    const args = m[1]!.slice(PROMPT.length).split(/\s+/).filter(Boolean);
    const bodyStart = m.index + m[0].indexOf('\n', m[0].indexOf(PROMPT)) + 1;
    const body = m[2]!;
    const parts: string[][] = [[]];
    for (const line of body.replace(/\n$/, '').split('\n')) {
      if (line === ELLIPSIS) parts.push([]);
      else parts[parts.length - 1]!.push(line);
    }
    out.push({ args, parts, bodyStart, bodyEnd: bodyStart + body.length });
  }
  return out;
}

export function runCli(args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return r.stdout;
}

/** Where each part starts in `output`, or the first part that does not match. */
export function matchParts(
  parts: string[][],
  output: string[],
): { ok: true } | { ok: false; part: number; expected: string[] } {
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (part.length === 0) continue;
    const fits = (k: number): boolean => part.every((l, j) => output[k + j] === l);
    let k = at;
    if (i === 0) {
      if (!fits(0)) return { ok: false, part: 0, expected: part };
    } else {
      while (k + part.length <= output.length && !fits(k)) k++;
      if (k + part.length > output.length) return { ok: false, part: i, expected: part };
    }
    at = k + part.length;
  }
  return { ok: true };
}

/** The example's parts taken from real output (see the file comment). */
function regenerate(parts: string[][], output: string[]): string[][] {
  let at = 0;
  return parts.map((part, i) => {
    let k = i === 0 ? 0 : output.indexOf(part[0] ?? '', at);
    if (k < 0) k = at;
    at = k + part.length;
    return output.slice(k, k + part.length);
  });
}

if (require.main === module && process.argv.includes('--write')) {
  let text = readFileSync(README, 'utf8');
  for (const ex of readmeExamples(text).reverse()) {
    const output = runCli(ex.args).replace(/\n$/, '').split('\n');
    const body = regenerate(ex.parts, output)
      .map((p) => p.join('\n'))
      .join(`\n${ELLIPSIS}\n`)
      .replace(/^\n/, '');
    const tail = ex.parts[ex.parts.length - 1]!.length === 0 ? '' : '\n';
    text = text.slice(0, ex.bodyStart) + body + tail + text.slice(ex.bodyEnd);
    console.log(`rewrote: flushguard ${ex.args.join(' ')}`);
  }
  writeFileSync(README, text);
}

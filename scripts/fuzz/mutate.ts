/**
 * Seeded mutations of C and scenario text: what an editor mid-keystroke, a broken checkout or a
 * stray binary hands the linter. Every choice comes from the Rng, so a seed replays a case.
 */
import { HOSTILE_MUTATORS } from './hostile';

/** mulberry32: small, fast, and the same sequence on every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Seed of iteration `i` of run `seed`: each case replays on its own (`--start i --iterations 1`). */
export function caseSeed(seed: number, i: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
}

const TOKEN = /[A-Za-z_]\w*|0x[0-9a-fA-F]+|\d+|->|\+\+|--|&&|\|\||[^\s\w]/g;

function tokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(TOKEN)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

const NOISE = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  '/*',
  '*/',
  '//',
  '"',
  "'",
  '\\',
  '#if 0\n',
  '#endif\n',
  '#else\n',
  '#define X {\n',
  'goto out;',
  'out:',
  'return;',
  'else',
  'do',
  'while (1)',
  'case 1:',
  'kmap(page)',
  'kunmap(page);',
  'flush_dcache_page(page);',
  '*p = 0;',
  'p[i] = 1;',
  'list_for_each_entry(p, h, n)',
  '\r',
  '\t',
  '\u00e9',
  '\ud834\udd1e',
  '\ud800',
  '\u0000',
  '\ufeff',
];

type Mutator = (text: string, rng: Rng) => string;

const lineMutators: Record<string, Mutator> = {
  deleteLines(text, rng) {
    const lines = text.split('\n');
    const at = rng.int(lines.length);
    lines.splice(at, 1 + rng.int(rng.chance(0.8) ? 3 : 40));
    return lines.join('\n');
  },
  duplicateLines(text, rng) {
    const lines = text.split('\n');
    const at = rng.int(lines.length);
    const chunk = lines.slice(at, at + 1 + rng.int(10));
    const times = rng.chance(0.9) ? 1 : 1 + rng.int(200);
    for (let k = 0; k < times; k++) lines.splice(at, 0, ...chunk);
    return lines.join('\n');
  },
  swapLines(text, rng) {
    const lines = text.split('\n');
    const a = rng.int(lines.length);
    const b = rng.int(lines.length);
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines.join('\n');
  },
  truncate(text, rng) {
    return text.slice(0, rng.int(text.length + 1));
  },
  crlf(text, rng) {
    const start = rng.int(text.length + 1);
    const end = start + rng.int(text.length - start + 1);
    return text.slice(0, start) + text.slice(start, end).replace(/\n/g, '\r\n') + text.slice(end);
  },
};

const tokenMutators: Record<string, Mutator> = {
  deleteToken(text, rng) {
    const t = tokens(text);
    if (t.length === 0) return text;
    const k = rng.pick(t);
    return text.slice(0, k.start) + text.slice(k.end);
  },
  duplicateToken(text, rng) {
    const t = tokens(text);
    if (t.length === 0) return text;
    const k = rng.pick(t);
    return text.slice(0, k.end) + ' ' + text.slice(k.start, k.end) + text.slice(k.end);
  },
  swapTokens(text, rng) {
    const t = tokens(text);
    if (t.length < 2) return text;
    let a = rng.pick(t);
    let b = rng.pick(t);
    if (a.start > b.start) [a, b] = [b, a];
    if (a.end > b.start) return text;
    return (
      text.slice(0, a.start) +
      text.slice(b.start, b.end) +
      text.slice(a.end, b.start) +
      text.slice(a.start, a.end) +
      text.slice(b.end)
    );
  },
  insertNoise(text, rng) {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + rng.pick(NOISE) + text.slice(at);
  },
  randomBytes(text, rng) {
    const at = rng.int(text.length + 1);
    let junk = '';
    for (let n = 1 + rng.int(16); n > 0; n--)
      junk += String.fromCharCode(rng.int(rng.chance(0.7) ? 128 : 0x10000));
    return text.slice(0, at) + junk + text.slice(at);
  },
  deepNesting(text, rng) {
    const at = rng.int(text.length + 1);
    const depth = 1 + rng.int(rng.chance(0.9) ? 50 : 3000);
    const [open, close] = rng.pick([
      ['{', '}'],
      ['(', ')'],
      ['if (x) {', '}'],
      ['#if A\n', '#endif\n'],
    ] as const);
    const balanced = rng.chance(0.7);
    return (
      text.slice(0, at) +
      open.repeat(depth) +
      (balanced ? close.repeat(depth) : '') +
      text.slice(at)
    );
  },
};

export const MUTATORS: Record<string, Mutator> = {
  ...lineMutators,
  ...tokenMutators,
  ...HOSTILE_MUTATORS,
};
const NAMES = Object.keys(MUTATORS);

/** Applies one to four random mutations; returns the text and the names applied, in order. */
export function mutate(text: string, rng: Rng): { text: string; applied: string[] } {
  const applied: string[] = [];
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const name = rng.pick(NAMES);
    text = MUTATORS[name]!(text, rng);
    applied.push(name);
  }
  return { text, applied };
}

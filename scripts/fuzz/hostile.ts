/**
 * The input classes an outside tester found and the first fuzzer missed (issue 15): huge single
 * functions, many functions, control characters, hostile configuration keys, and special files
 * named as input. Mutators take text and the Rng like the others; configurations and special
 * files are cases of their own, checked in the worker (check.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rng } from './mutate';
import { manyFunctions, manyIfs } from './hostileInputs';

type Mutator = (text: string, rng: Rng) => string;

/** Rarely the tester's full size (the budget must stop it); usually a size that runs quickly. */
const size = (rng: Rng, full: number, usual: number): number =>
  rng.chance(0.003) ? full : 20 + rng.int(usual);

/** Controls that move a terminal's cursor, clear it, set its clipboard, or end a line early. */
export const CONTROLS = ['\x1b[2J', '\x1b]52;c;aGk=\x07', '\x9b31m', '\x07', '\x08', '\r', '\0'];

export const HOSTILE_MUTATORS: Record<string, Mutator> = {
  hugeFunction(text, rng) {
    const at = text.lastIndexOf('\n', rng.int(text.length + 1)) + 1;
    const fn = manyIfs(size(rng, 30_000, 600), 1 + rng.int(30));
    return text.slice(0, at) + fn + text.slice(at);
  },
  manyFunctions(text, rng) {
    return text + '\n' + manyFunctions(size(rng, 20_000, 600));
  },
  controlChars(text, rng) {
    // Into a comment, a string, or anywhere: findings quote comments and strings in messages.
    const control = rng.pick(CONTROLS);
    const carrier = rng.pick([`/* ${control} */`, `"${control}"`, control]);
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + carrier + text.slice(at);
  },
};

/** Keys that write through the prototype chain when a settings reader assigns by name. */
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__.id',
  'constructor.prototype',
];
const RULE_KEYS = ['missing-flush-dcache-page', 'vmap-range-mismatch', 'nope'];
const VALUES: unknown[] = ['off', 'catastrophic', 7, -1, null, true, [], ['*a*a*a*a*b'], {}, ''];

/** A `.flushguard.json` made to break the reader: prototype keys, deep nesting, wrong types. */
export function hostileConfig(rng: Rng): string {
  const kind = rng.int(4);
  if (kind === 0) {
    // Nesting past any recursive walker's stack, as text (JSON.stringify would recurse too).
    const depth = rng.chance(0.5) ? 100_000 : 1 + rng.int(2_000);
    const [open, close] = rng.pick([
      ['[', ']'],
      ['{"a":', '}'],
    ] as const);
    return `{"${rng.pick(['rules', 'exclude', 'simulator', '__proto__'])}":${open.repeat(depth)}1${close.repeat(depth)}}`;
  }
  const config: string[] = [];
  for (let n = 1 + rng.int(5); n > 0; n--) {
    const key =
      kind === 1
        ? `${rng.pick(PROTO_KEYS)}.${rng.pick([...RULE_KEYS, 'polluted'])}`
        : rng.pick(['rules', 'exclude', 'simulator.preset', 'kernelVersion', ...PROTO_KEYS]);
    const value =
      kind === 2
        ? { [rng.pick([...RULE_KEYS, '__proto__'])]: { severity: rng.pick(VALUES) } }
        : rng.pick(VALUES);
    config.push(`${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }
  return `{${config.join(', ')}}`;
}

export const SPECIAL_FILES = ['fifo', 'devzero', 'directory', 'sparse', 'devnull'] as const;
export type SpecialFile = (typeof SPECIAL_FILES)[number];

/**
 * Makes a special file named like C (and like a configuration) in a fresh directory and returns
 * its path; `cleanup` removes the directory.
 */
export function makeSpecialFile(kind: SpecialFile): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-fuzz-special-'));
  const path = join(dir, 'input.c');
  switch (kind) {
    case 'fifo':
      spawnSync('mkfifo', [path]);
      break;
    case 'devzero':
      symlinkSync('/dev/zero', path);
      break;
    case 'devnull':
      symlinkSync('/dev/null', path);
      break;
    case 'directory':
      mkdirSync(path);
      writeFileSync(join(path, 'inner.c'), 'int x;\n');
      break;
    case 'sparse':
      writeFileSync(path, '');
      truncateSync(path, 1536 * 1024 * 1024);
      break;
  }
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

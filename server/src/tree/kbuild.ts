/**
 * The parts of a directory's Kbuild `Makefile` (or `Kbuild`) that say when an object or a
 * subdirectory is built (Documentation/kbuild/makefiles.rst, "Goal definitions", "Composite
 * objects", "Descending down in directories"): `obj-$(CONFIG_FOO) += x.o dir/`,
 * `foo-y += x.o` / `foo-objs := x.o` (composite objects), variables listed with `$(var)`, and the
 * `ifdef CONFIG_FOO` / `ifeq ($(CONFIG_FOO),y)` blocks around them.
 */
import { parseExpr } from './kconfigExpr';
import type { Expr } from './kconfigExpr';

/** Left-hand sides that build what they list (the kernel's goal variables). */
const GOALS = new Set([
  'obj',
  'lib',
  'subdir',
  'core',
  'drivers',
  'libs',
  'net',
  'virt',
  'init',
  'head',
]);

export interface Assignment {
  /** `goal`: obj-…, lib-…; `composite`: foo-y (builds foo.o); `var`: anything else. */
  kind: 'goal' | 'composite' | 'var';
  /** The variable as referenced with `$(…)`: `gem-y`, `FOO_OBJS`. */
  variable: string;
  /** For a composite, the object it builds: `foo.o`. */
  object?: string;
  /** For a composite, the name before the condition: `$(base-y)` lists it once configured. */
  base?: string;
  /** The condition in the left-hand side (`$(CONFIG_FOO)`), true for `-y`, `-objs`. */
  cond: Expr;
  /** The enclosing `ifdef`/`ifeq` blocks, true when none. */
  guard: Expr;
  /** Tokens on the right: `x.o`, `dir/`, `$(var)`. */
  tokens: string[];
  line: number;
  text: string;
}

const TRUE: Expr = { k: 'const', v: 'y' };
const and = (a: Expr, b: Expr): Expr =>
  a.k === 'const' && a.v === 'y' ? b : b.k === 'const' && b.v === 'y' ? a : { k: 'and', a, b };

/** `$(CONFIG_FOO)`, `$(CONFIG_FOO:m=y)`, `$(subst m,y,$(CONFIG_FOO))` as FOO; anything else unknown. */
export function configRef(text: string): Expr {
  if (text === 'y' || text === 'm' || text === 'objs' || text === '') return TRUE;
  const m =
    /^\$\(CONFIG_([A-Za-z0-9_]+)(?::m=y)?\)$/.exec(text) ??
    /^\$\(subst\s+m,y,\$\(CONFIG_([A-Za-z0-9_]+)\)\)$/.exec(text);
  return m ? { k: 'sym', s: m[1]! } : { k: 'unknown', text };
}

/** The condition an `ifdef`/`ifeq` line tests, as a Kconfig expression. */
function conditional(kw: string, rest: string): Expr {
  const unknown: Expr = { k: 'unknown', text: `${kw} ${rest}` };
  if (kw === 'ifdef' || kw === 'ifndef') {
    const m = /^CONFIG_([A-Za-z0-9_]+)$/.exec(rest.trim());
    if (!m) return unknown;
    const sym: Expr = { k: 'sym', s: m[1]! };
    return kw === 'ifdef' ? sym : { k: 'not', e: sym };
  }
  const m = /^\(\s*\$\(CONFIG_([A-Za-z0-9_]+)\)\s*,\s*([ymn]?)\s*\)$/.exec(rest.trim());
  if (!m) return unknown;
  const value = m[2]!;
  return parseExpr(`${m[1]} ${kw === 'ifeq' ? '=' : '!='} ${value === '' ? 'n' : value}`);
}

/** `lhs op value` with `$(…)` in the left-hand side kept whole (`obj-$(subst m,y,$(CONFIG_MMC))`). */
function assignment(line: string): [string, string] | undefined {
  const text = line.replace(/^(?:export|override)\s+/, '');
  let i = 0;
  let depth = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (/\s/.test(c) || c === '=' || c === ':' || c === '+' || c === '?'))
      break;
    i++;
  }
  const lhs = text.slice(0, i);
  const m = /^\s*(\+=|:=|\?=|=)\s*/.exec(text.slice(i));
  if (lhs === '' || !m || !/^[A-Za-z0-9_.$(){}:,/ -]+$/.test(lhs)) return undefined;
  return [lhs, text.slice(i + m[0].length)];
}

export interface Kbuild {
  assignments: Assignment[];
  /** `include $(src)/nvkm/Kbuild`: files read as part of this directory's Makefile. */
  includes: string[];
}

export function parseKbuild(text: string): Kbuild {
  const out: Assignment[] = [];
  const includes: string[] = [];
  const lines = text.split('\n');
  const guards: Expr[] = [];
  let inDefine = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i]!;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++i]!;
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (line === '') continue;
    const kw = /^(\S+)\s*(.*)$/.exec(line)!;
    const [word, rest] = [kw[1]!, kw[2]!];
    if (word === 'define') inDefine++;
    else if (word === 'endef') inDefine = Math.max(0, inDefine - 1);
    if (inDefine > 0 || word === 'endef') continue;
    if (word === 'ifdef' || word === 'ifndef' || word === 'ifeq' || word === 'ifneq') {
      guards.push(conditional(word, rest));
      continue;
    }
    if (word === 'else') {
      const last = guards.pop() ?? TRUE;
      const negated: Expr = { k: 'not', e: last };
      const chained = /^(ifdef|ifndef|ifeq|ifneq)\s*(.*)$/.exec(rest);
      guards.push(chained ? and(negated, conditional(chained[1]!, chained[2]!)) : negated);
      continue;
    }
    if (word === 'endif') {
      guards.pop();
      continue;
    }
    if (word === 'include' || word === '-include') {
      const inc = /^\$\((?:src|srctree\)\/\$\(src)\)\/(\S+)$/.exec(rest.trim());
      if (inc) includes.push(inc[1]!);
      continue;
    }
    const m = assignment(line);
    if (!m) continue;
    const [lhs, value] = m;
    const tokens = splitTokens(value);
    if (tokens.length === 0) continue;
    const guard = guards.reduce(and, TRUE);
    // The last dash before the condition: `mlx5-vfio-pci-y`, `isofs-objs-$(CONFIG_ZISOFS)`.
    const dash = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)-(y|m|objs|\$\(.*\))$/.exec(lhs);
    const base = dash?.[1];
    const common = { variable: lhs, guard, tokens, line: lineNo, text: line.replace(/\s+/g, ' ') };
    if (base === undefined) out.push({ kind: 'var', ...common, cond: TRUE });
    else {
      const cond = configRef(dash![2]!);
      if (GOALS.has(base)) out.push({ kind: 'goal', ...common, cond });
      else out.push({ kind: 'composite', object: `${base}.o`, base, ...common, cond });
    }
  }
  return { assignments: out, includes };
}

/** Whitespace-separated words, `$(…)` kept whole; `$(addprefix dir/,a.o b.o)` expanded. */
function splitTokens(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    let j = i;
    let depth = 0;
    while (j < value.length && (depth > 0 || !/\s/.test(value[j]!))) {
      if (value[j] === '(' || value[j] === '{') depth++;
      else if (value[j] === ')' || value[j] === '}') depth--;
      j++;
    }
    words.push(value.slice(i, j));
    i = j;
  }
  return words.flatMap((w) => {
    const m = /^\$\(addprefix\s+([^,\s]+),(.*)\)$/.exec(w);
    return m ? splitTokens(m[2]!).map((t) => (t.startsWith('$(') ? t : m[1]! + t)) : [w];
  });
}

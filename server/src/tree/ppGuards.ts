/**
 * The preprocessor conditions that confine a line of a C file: the `#if`, `#ifdef`, `#ifndef`,
 * `#elif` and `#else` branches it sits in, as Kconfig expressions over `CONFIG_` symbols, so that
 * reach (reach.ts) can add them to the file's own Makefile conditions. Code under
 * `#ifdef CONFIG_X86`, or under `#ifdef CONFIG_FOO` where FOO `depends on X86`, is compiled only
 * where that holds, whatever builds the file around it.
 *
 * Only what the kernel's own headers define is read: `defined(CONFIG_X)`, `defined CONFIG_X`,
 * a bare `CONFIG_X`, `IS_ENABLED()`, `IS_BUILTIN()`, `IS_MODULE()` and `IS_REACHABLE()`
 * (include/linux/kconfig.h), joined by `!`, `&&`, `||` and parentheses. Anything else (a
 * comparison, another macro, a number) is unknown and confines nothing: a finding is never
 * hidden on doubt. IS_MODULE and IS_REACHABLE are read as "the symbol is set", which is all
 * reach asks (can the code be built at all).
 */
import type { Clause } from './kconfig';
import type { Expr } from './kconfigExpr';

const DIRECTIVE = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/;
const TOKEN = /\s*(&&|\|\||[!()]|[A-Za-z_]\w*|\S)/y;
const CONFIG_TESTS = new Set(['IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE']);

const unknown = (text: string): Expr => ({ k: 'unknown', text });
const isUnknown = (e: Expr): boolean => e.k === 'unknown';

/** A branch of one `#if` chain: the lines strictly between its directive and the next one. */
interface Range {
  from: number;
  to: number;
  clause: Clause;
}

interface Frame {
  /** Conditions of the branches so far, in order (unknown ones included). */
  taken: Expr[];
  /** The chain's first directive as written (`#ifdef CONFIG_X86`). */
  opener: string;
  /** The current branch: where it starts, what it requires, as written. */
  line: number;
  expr: Expr;
  text: string;
}

/** `CONFIG_FOO` → `FOO`; anything else is not a Kconfig symbol. */
function configSymbol(name: string): Expr {
  return name.startsWith('CONFIG_') && name.length > 7
    ? { k: 'sym', s: name.slice(7) }
    : unknown(name);
}

/** A `#if` / `#elif` condition as a Kconfig expression (unknown where it is not modelled). */
export function parseCondition(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[1]!);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (t: string): boolean => (tokens[i] === t ? (i++, true) : false);

  function or(): Expr {
    let e = and();
    while (take('||')) e = { k: 'or', a: e, b: and() };
    return e;
  }
  function and(): Expr {
    let e = unary();
    while (take('&&')) e = { k: 'and', a: e, b: unary() };
    return e;
  }
  function unary(): Expr {
    if (take('!')) {
      const e = unary();
      return isUnknown(e) ? e : { k: 'not', e };
    }
    return primary();
  }
  function primary(): Expr {
    const t = peek();
    if (t === undefined) throw new Error('end of condition');
    if (take('(')) {
      const e = or();
      if (!take(')')) throw new Error('missing )');
      return e;
    }
    i++;
    if (t === 'defined') {
      const paren = take('(');
      const name = peek();
      if (name === undefined || !/^[A-Za-z_]\w*$/.test(name)) throw new Error('defined what?');
      i++;
      if (paren && !take(')')) throw new Error('missing )');
      return configSymbol(name);
    }
    if (CONFIG_TESTS.has(t) && take('(')) {
      const name = peek() ?? '';
      i++;
      if (!take(')')) throw new Error('missing )');
      return configSymbol(name);
    }
    if (/^[A-Za-z_]\w*$/.test(t)) {
      // Another function-like macro: its value is not modelled.
      if (take('(')) skipToClose();
      return configSymbol(t);
    }
    throw new Error(`not modelled: ${t}`);
  }
  function skipToClose(): void {
    for (let depth = 1; depth > 0 && i < tokens.length; i++) {
      if (tokens[i] === '(') depth++;
      else if (tokens[i] === ')') depth--;
    }
  }
  try {
    const e = or();
    // A comparison or arithmetic after a well-formed prefix (`CONFIG_X == 1`) is not modelled.
    return i === tokens.length ? e : unknown(text);
  } catch {
    return unknown(text);
  }
}

const negate = (e: Expr): Expr => (isUnknown(e) ? e : { k: 'not', e });

/** What being in an `#else` branch requires: none of the earlier branches' conditions. */
function noneOf(taken: Expr[]): Expr {
  const known = taken.filter((e) => !isUnknown(e)).map(negate);
  if (known.length === 0) return unknown('#else');
  return known.reduce((a, b) => ({ k: 'and', a, b }));
}

/** Strips comments from a directive's text (`#endif /* CONFIG_X *\/`). */
function directiveText(s: string): string {
  return s
    .replace(/\/\*.*?\*\//g, ' ')
    .replace(/\/\*.*$/, ' ')
    .replace(/\/\/.*$/, ' ')
    .trim();
}

/** Every branch of every `#if` chain in `source` whose condition is modelled. */
export function conditionRanges(source: string, file: string): Range[] {
  const lines = source.split('\n');
  const out: Range[] = [];
  const stack: Frame[] = [];
  const close = (f: Frame, end: number): void => {
    if (!isUnknown(f.expr))
      out.push({
        from: f.line,
        to: end,
        clause: { expr: f.expr, file, line: f.line, text: f.text },
      });
  };
  for (let n = 0; n < lines.length; n++) {
    const start = n;
    let raw = lines[n]!;
    const m0 = DIRECTIVE.exec(raw);
    if (!m0) continue;
    // A directive continued over several lines (`#if defined(A) && \`).
    while (raw.endsWith('\\') && n + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++n];
    const m = DIRECTIVE.exec(raw)!;
    const kind = m[1]!;
    const rest = directiveText(m[2] ?? '');
    const line = start + 1;
    const text = `#${kind}${rest ? ` ${rest}` : ''}`;
    if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
      const expr =
        kind === 'if'
          ? parseCondition(rest)
          : kind === 'ifdef'
            ? configSymbol(rest)
            : negate(configSymbol(rest));
      stack.push({ taken: [expr], opener: text, line, expr, text });
      continue;
    }
    const top = stack[stack.length - 1];
    if (!top) continue;
    close(top, line);
    if (kind === 'endif') {
      stack.pop();
    } else if (kind === 'elif') {
      // Being in this branch requires its own condition (and that the earlier ones failed).
      const own = parseCondition(rest);
      const before = noneOf(top.taken);
      top.expr = isUnknown(before)
        ? own
        : isUnknown(own)
          ? before
          : { k: 'and', a: before, b: own };
      top.taken.push(own);
      top.line = line;
      top.text = text;
    } else {
      top.expr = noneOf(top.taken);
      top.line = line;
      top.text = `#else of ${top.opener}`;
    }
  }
  return out;
}

/** The conditions line `line` (1-based) is compiled under, outermost first. */
export function guardsAt(ranges: readonly Range[], line: number): Clause[] {
  return ranges
    .filter((r) => r.from < line && line < r.to)
    .sort((a, b) => a.from - b.from)
    .map((r) => r.clause);
}

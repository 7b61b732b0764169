/**
 * Kconfig expressions (Documentation/kbuild/kconfig-language.rst, "Menu dependencies"): parsed
 * into plain data (it is cached on disk as JSON) and evaluated in three values, where `?` means
 * "can be either". Evaluating with `?` for everything not known is an over-approximation of
 * satisfiability: a condition that comes out `n` cannot hold, anything else might.
 */

export type Expr =
  | { k: 'sym'; s: string }
  | { k: 'const'; v: 'y' | 'm' | 'n' }
  | { k: 'not'; e: Expr }
  | { k: 'and'; a: Expr; b: Expr }
  | { k: 'or'; a: Expr; b: Expr }
  | { k: 'cmp'; op: string; a: string; b: string }
  /** What we do not model (`$(cc-option,…)`, a parse error): it can be either. */
  | { k: 'unknown'; text: string };

export type Tri = 'y' | 'n' | '?';

export const TRUE: Expr = { k: 'const', v: 'y' };

const TOKEN = /\s*(\$\(|&&|\|\||!=|<=|>=|[!()=<>]|"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.+-]+)/y;

export function parseExpr(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let rest = text.trim();
  for (;;) {
    TOKEN.lastIndex = 0;
    const m = TOKEN.exec(rest);
    if (!m) break;
    let tok = m[1]!;
    let used = m[0].length;
    if (tok === '$(') {
      // A macro call: skip to its closing parenthesis, nesting included.
      let depth = 1;
      let i = used;
      while (i < rest.length && depth > 0) {
        if (rest[i] === '(') depth++;
        else if (rest[i] === ')') depth--;
        i++;
      }
      tok = rest.slice(m[0].indexOf('$'), i);
      used = i;
    }
    tokens.push(tok);
    rest = rest.slice(used);
  }
  if (rest.trim() !== '') return { k: 'unknown', text };
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const atom = (): Expr => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('unexpected end');
    if (t === '!') return { k: 'not', e: atom() };
    if (t === '(') {
      const e = or();
      if (tokens[pos++] !== ')') throw new Error('missing )');
      return e;
    }
    if (/^[=!<>]/.test(t) || t === ')' || t === '&&' || t === '||')
      throw new Error(`unexpected ${t}`);
    const op = peek();
    if (op !== undefined && ['=', '!=', '<', '>', '<=', '>='].includes(op)) {
      pos++;
      const rhs = tokens[pos++];
      if (rhs === undefined) throw new Error('missing operand');
      return { k: 'cmp', op, a: t, b: rhs };
    }
    return leaf(t);
  };
  const and = (): Expr => {
    let e = atom();
    while (peek() === '&&') {
      pos++;
      e = { k: 'and', a: e, b: atom() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === '||') {
      pos++;
      e = { k: 'or', a: e, b: and() };
    }
    return e;
  };
  try {
    const e = or();
    return pos === tokens.length ? e : { k: 'unknown', text };
  } catch {
    return { k: 'unknown', text };
  }
}

function leaf(t: string): Expr {
  if (t === 'y' || t === 'm' || t === 'n') return { k: 'const', v: t };
  if (t.startsWith('$(') || t.startsWith('"') || t.startsWith("'"))
    return { k: 'unknown', text: t };
  return { k: 'sym', s: t };
}

export const not = (v: Tri): Tri => (v === 'y' ? 'n' : v === 'n' ? 'y' : '?');
export const and3 = (a: Tri, b: Tri): Tri =>
  a === 'n' || b === 'n' ? 'n' : a === 'y' && b === 'y' ? 'y' : '?';
export const or3 = (a: Tri, b: Tri): Tri =>
  a === 'y' || b === 'y' ? 'y' : a === 'n' && b === 'n' ? 'n' : '?';

export function evaluate(e: Expr, sym: (s: string) => Tri): Tri {
  switch (e.k) {
    case 'sym':
      return sym(e.s);
    case 'const':
      return e.v === 'n' ? 'n' : 'y';
    case 'not':
      return not(evaluate(e.e, sym));
    case 'and': {
      const a = evaluate(e.a, sym);
      return a === 'n' ? 'n' : and3(a, evaluate(e.b, sym));
    }
    case 'or': {
      const a = evaluate(e.a, sym);
      return a === 'y' ? 'y' : or3(a, evaluate(e.b, sym));
    }
    case 'cmp':
      return compare(e, sym);
    case 'unknown':
      return '?';
  }
}

/** `FOO = y`, `FOO != n`, `FOO = n`: tied to FOO being set; any other comparison can be either. */
function compare(e: { op: string; a: string; b: string }, sym: (s: string) => Tri): Tri {
  const [name, value] = /^[ymn]$/.test(e.b) ? [e.a, e.b] : /^[ymn]$/.test(e.a) ? [e.b, e.a] : [];
  if (name === undefined || value === undefined || !/^[A-Za-z0-9_]+$/.test(name)) return '?';
  const v = sym(name);
  if (e.op === '=' && value === 'n') return not(v);
  if (e.op === '!=' && value === 'n') return v;
  if (e.op === '=') return v === 'n' ? 'n' : '?';
  if (e.op === '!=') return v === 'n' ? 'y' : '?';
  return '?';
}

export function printExpr(e: Expr, parent: 'or' | 'and' | 'not' | 'top' = 'top'): string {
  switch (e.k) {
    case 'sym':
      return e.s;
    case 'const':
      return e.v;
    case 'not':
      return `!${printExpr(e.e, 'not')}`;
    case 'and': {
      const s = `${printExpr(e.a, 'and')} && ${printExpr(e.b, 'and')}`;
      // `(A && B) || C` keeps its parentheses: correct without them, but harder to read.
      return parent === 'not' || parent === 'or' ? `(${s})` : s;
    }
    case 'or': {
      const s = `${printExpr(e.a, 'or')} || ${printExpr(e.b, 'or')}`;
      return parent === 'and' || parent === 'not' ? `(${s})` : s;
    }
    case 'cmp':
      return `${e.a} ${e.op} ${e.b}`;
    case 'unknown':
      return e.text;
  }
}

/** The conjuncts of an `&&` chain, left to right. */
export function conjuncts(e: Expr): Expr[] {
  return e.k === 'and' ? [...conjuncts(e.a), ...conjuncts(e.b)] : [e];
}

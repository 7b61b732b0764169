// Tokens of one scenario line. Scenarios are line-oriented (one event per line), so the lexer works
// a line at a time and every token keeps its 1-based column for error messages.

export type TokenKind = 'word' | 'string' | 'punct' | 'eol';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the first character. */
  col: number;
}

export interface LexError {
  col: number;
  message: string;
}

const WORD_START = /[A-Za-z0-9_]/;
const WORD_CHAR = /[A-Za-z0-9_-]/;
const PUNCT = '=+*@,';

/** Tokenise one line; `#` and `//` start a comment outside string literals. */
export function lexLine(line: string): { tokens: Token[]; errors: LexError[]; codeEnd: number } {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#' || (ch === '/' && line[i + 1] === '/')) {
      break;
    } else if (ch === '"') {
      const start = i;
      let text = '';
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i] ?? '';
        if (c === '\\' && i + 1 < line.length) {
          text += line[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      if (!closed)
        errors.push({ col: start + 1, message: 'unterminated string: expected a closing "' });
      tokens.push({ kind: 'string', text, col: start + 1 });
    } else if (WORD_START.test(ch)) {
      const start = i;
      while (i < line.length && WORD_CHAR.test(line[i] ?? '')) i++;
      tokens.push({ kind: 'word', text: line.slice(start, i), col: start + 1 });
    } else if (PUNCT.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, col: i + 1 });
      i++;
    } else {
      errors.push({ col: i + 1, message: `unexpected character '${ch}'` });
      i++;
    }
  }
  const codeEnd = line.slice(0, i).trimEnd().length;
  tokens.push({ kind: 'eol', text: '', col: codeEnd + 1 });
  return { tokens, errors, codeEnd };
}

/** A number literal: decimal, 0x hex, optional K/M suffix (4K = 4096). */
export function parseNumber(text: string): bigint | undefined {
  const m = /^(0x[0-9a-fA-F]+|[0-9]+)([KkMm])?$/.exec(text);
  if (!m || m[1] === undefined) return undefined;
  const base = BigInt(m[1]);
  const suffix = (m[2] ?? '').toUpperCase();
  return suffix === 'K' ? base * 1024n : suffix === 'M' ? base * 1048576n : base;
}

export function describe(t: Token): string {
  if (t.kind === 'eol') return 'end of line';
  if (t.kind === 'string') return `string "${t.text}"`;
  return `'${t.text}'`;
}

/**
 * Top-level items of a C file found without parsing (functions, declarations, tables), so that
 * only the items that can matter are handed to tree-sitter: the others are blanked (every
 * character but newlines becomes a space), which keeps every offset and line of the kept items.
 *
 * The scan knows comments, string and character literals and preprocessor lines; it gives up
 * (undefined) when braces do not balance at top level (an `#ifdef` choosing between two function
 * heads, say): such a file is parsed whole, as before.
 */

export interface Item {
  start: number;
  /** Offset after the item's last character (`}` of a function, `;` of anything else). */
  end: number;
  /** Offset of the item's first top-level `{`, or -1. */
  body: number;
  /** A function definition: its first `{` follows a `)`. */
  isFunction: boolean;
  /** For a function, every identifier before a top-level `(` of its head (the name is one). */
  names: string[];
}

const SLASH = 47;
const STAR = 42;
const NL = 10;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === NL || c === 13 || c === 12 || c === 11;
}

/** Offset after the comment or literal at `i`, or `i` when there is none. */
function skipTrivia(src: string, i: number): number {
  const c = src.charCodeAt(i);
  if (c === SLASH) {
    const n = src.charCodeAt(i + 1);
    if (n === SLASH) {
      let j = i + 2;
      // A backslash at the end of a // comment continues it (as the C preprocessor does).
      for (;;) {
        const e = src.indexOf('\n', j);
        if (e < 0) return src.length;
        if (src.charCodeAt(e - 1) !== BACKSLASH) return e;
        j = e + 1;
      }
    }
    if (n === STAR) {
      const end = src.indexOf('*/', i + 2);
      return end < 0 ? src.length : end + 2;
    }
    return i;
  }
  if (c === 34 || c === 39) {
    let j = i + 1;
    while (j < src.length) {
      const d = src.charCodeAt(j);
      if (d === BACKSLASH) j += 2;
      else if (d === c || d === NL) return j + 1;
      else j++;
    }
    return j;
  }
  return i;
}

/** Offset of the end of the preprocessor line starting at `i` (continuations followed). */
function directiveEnd(src: string, i: number): number {
  let j = i;
  while (j < src.length) {
    const skipped = skipTrivia(src, j);
    if (skipped !== j && src.charCodeAt(j) === SLASH) {
      j = skipped;
      continue;
    }
    const c = src.charCodeAt(j);
    if (c === NL) {
      let k = j - 1;
      if (src.charCodeAt(k) === 13) k--;
      if (src.charCodeAt(k) !== BACKSLASH) return j;
    }
    j++;
  }
  return j;
}

/** Identifiers followed by `(` outside any parentheses of a function head. */
function headNames(head: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 40) {
      if (depth++ === 0) {
        let e = i;
        while (e > 0 && isSpace(head.charCodeAt(e - 1))) e--;
        let s = e;
        while (s > 0 && /\w/.test(head[s - 1]!)) s--;
        if (s < e && !/^\d/.test(head[s]!)) names.push(head.slice(s, e));
      }
    } else if (c === 41) depth--;
  }
  return names;
}

/** The characters the scan stops at; everything else is skipped by the regular expression. */
const SPECIAL = /[{};"'/\n]/g;

/** Whether the last significant character before `at` (comments and blanks skipped) is `)`. */
function followsParen(src: string, at: number, floor: number): boolean {
  let i = at - 1;
  while (i >= floor) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) i--;
    else if (c === SLASH && src.charCodeAt(i - 1) === STAR) {
      const open = src.lastIndexOf('/*', i - 2);
      if (open < floor) return false;
      i = open - 1;
    } else {
      // `) // comment` on the head's line, then `{` on the next one.
      const line = Math.max(floor, src.lastIndexOf('\n', i) + 1);
      const comment = src.indexOf('//', line);
      if (comment >= 0 && comment < i) {
        i = comment - 1;
        continue;
      }
      return c === 41;
    }
  }
  return false;
}

/** The top-level items of `src` in order, or undefined when its braces do not balance. */
export function topLevelItems(src: string): Item[] | undefined {
  const items: Item[] = [];
  let depth = 0;
  let start = -1;
  let body = -1;
  let isFunction = false;
  /** End of the last item: where the next one's text may start. */
  let floor = 0;
  const close = (end: number): void => {
    const names = isFunction ? headNames(src.slice(start, body)) : [];
    items.push({ start, end, body, isFunction, names });
    start = -1;
    body = -1;
    isFunction = false;
    floor = end;
  };
  /** The first significant offset in [floor, to): where an item starts. */
  const itemStart = (to: number): number => {
    let i = floor;
    while (i < to) {
      const c = src.charCodeAt(i);
      if (isSpace(c)) i++;
      else if (c === 35 && (i === 0 || lineBlankBefore(src, i))) i = directiveEnd(src, i);
      else {
        const skipped = c === SLASH ? skipTrivia(src, i) : i;
        if (skipped === i) return i;
        i = skipped;
      }
    }
    return to;
  };
  let i = src.length > 0 && src.charCodeAt(0) === 35 ? directiveEnd(src, 0) : 0;
  for (;;) {
    SPECIAL.lastIndex = i;
    // test() rather than exec(): no match object per stop (a stop per line adds up to GC time).
    if (!SPECIAL.test(src)) break;
    i = SPECIAL.lastIndex - 1;
    const c = src.charCodeAt(i);
    if (c === NL) {
      let j = i + 1;
      while (j < src.length && (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9)) j++;
      i = src.charCodeAt(j) === 35 ? directiveEnd(src, j) : j;
      continue;
    }
    if (c === SLASH || c === 34 || c === 39) {
      const skipped = skipTrivia(src, i);
      i = skipped === i ? i + 1 : skipped;
      continue;
    }
    if (start < 0) start = itemStart(i);
    if (c === 123) {
      if (depth === 0 && body < 0) {
        body = i;
        isFunction = followsParen(src, i, start);
      }
      depth++;
    } else if (c === 125) {
      if (--depth < 0) return undefined;
      if (depth === 0 && isFunction) close(i + 1);
    } else if (depth === 0) close(i + 1);
    i++;
  }
  if (depth !== 0) return undefined;
  if (start >= 0) close(src.length);
  else {
    const rest = itemStart(src.length);
    if (rest < src.length) {
      start = rest;
      close(src.length);
    }
  }
  return items;
}

function lineBlankBefore(src: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = src.charCodeAt(j);
    if (c === NL) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * `src` with every character outside the kept items replaced by a space (newlines kept): same
 * length, same lines, same offsets.
 */
export function blankExcept(src: string, items: readonly Item[], keep: readonly boolean[]): string {
  const out: string[] = [];
  let at = 0;
  items.forEach((item, k) => {
    if (!keep[k]) return;
    out.push(blankRange(src, at, item.start), src.slice(item.start, item.end));
    at = item.end;
  });
  out.push(blankRange(src, at, src.length));
  return out.join('');
}

/**
 * A gap between kept items, blanked whole. Its directives go too: tree-sitter does not expand
 * macros, and its idea of where a `#define` with comments and continuations ends differs from
 * the preprocessor's, which would let a macro's tail run into the next kept item.
 */
function blankRange(src: string, from: number, to: number): string {
  // Line by line with repeat(): a replace() per character was a tenth of the index's time.
  let out = '';
  let at = from;
  for (let nl = src.indexOf('\n', at); nl >= 0 && nl < to; nl = src.indexOf('\n', at)) {
    out += ' '.repeat(nl - at) + '\n';
    at = nl + 1;
  }
  return at < to ? out + ' '.repeat(to - at) : out;
}

/**
 * The glob dialect of `flushguard.exclude`: `**` (any number of directories), `*` and `?`
 * (within one path segment), `[...]` classes and `{a,b}` alternatives. Paths are matched with
 * forward slashes, relative to the workspace root. A pattern without a slash matches a name at any
 * depth (`*.mod.c`), as .gitignore does; a pattern that names a directory excludes what is under it.
 *
 * Matching is not done with regular expressions: a glob compiled to one backtracks
 * (`*a*a*a*a*a*a*a*a*a*a*b` against 60 characters ran for minutes, in picomatch and minimatch
 * too, whose output is a RegExp of the same shape). Here `*` and `**` are matched with the
 * classic one-backtrack-point wildcard walk: at most (pattern × text) steps per segment, and
 * (segments × segments) segment comparisons per path.
 */

/** Alternatives one pattern may expand to through `{a,b}` (nested braces multiply). */
const MAX_ALTERNATIVES = 256;

type CharTest = (c: string) => boolean;
type Token = { star: true } | { star: false; test: CharTest };
type Segment = { globstar: true } | { globstar: false; tokens: Token[] };

class GlobError extends Error {}

/** Why `glob` is not a valid pattern, or undefined when it is. */
export function globProblem(glob: string): string | undefined {
  try {
    compile(glob);
    return undefined;
  } catch (e) {
    if (e instanceof GlobError) return e.message;
    throw e;
  }
}

/** Expands `{a,b}` alternatives (nested ones too); throws GlobError on unbalanced braces. */
function expandBraces(g: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close > 0) i = close;
    } else if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}') {
      if (depth === 0) throw new GlobError(`"}" at character ${i + 1} closes no "{"`);
      if (--depth === 0) {
        const parts: string[] = [];
        let level = 0;
        let from = open + 1;
        for (let j = open + 1; j < i; j++) {
          if (g[j] === '{') level++;
          else if (g[j] === '}') level--;
          else if (g[j] === ',' && level === 0) {
            parts.push(g.slice(from, j));
            from = j + 1;
          }
        }
        parts.push(g.slice(from, i));
        const out: string[] = [];
        const rest = expandBraces(g.slice(i + 1));
        for (const p of parts)
          for (const a of expandBraces(g.slice(0, open) + p))
            for (const r of rest) {
              out.push(a + r);
              if (out.length > MAX_ALTERNATIVES)
                throw new GlobError(`more than ${MAX_ALTERNATIVES} {a,b} alternatives`);
            }
        return out;
      }
    }
  }
  if (depth > 0) throw new GlobError(`"{" at character ${open + 1} is never closed`);
  return [g];
}

function classTest(body: string): CharTest {
  const negated = body.startsWith('!') || body.startsWith('^');
  const chars = negated ? body.slice(1) : body;
  const ranges: [string, string][] = [];
  for (let i = 0; i < chars.length; i++) {
    let lo = chars[i]!;
    if (lo === '\\' && i + 1 < chars.length) lo = chars[++i]!;
    let hi = lo;
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      hi = chars[i + 2]!;
      i += 2;
      if (hi < lo) throw new GlobError(`range [${lo}-${hi}] is out of order`);
    }
    ranges.push([lo, hi]);
  }
  return (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negated;
}

function segmentTokens(seg: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') {
      if (tokens[tokens.length - 1]?.star !== true) tokens.push({ star: true });
    } else if (c === '?') tokens.push({ star: false, test: () => true });
    else if (c === '[' && seg.indexOf(']', i + 2) > 0) {
      const close = seg.indexOf(']', i + 2);
      tokens.push({ star: false, test: classTest(seg.slice(i + 1, close)) });
      i = close;
    } else {
      const lit = c === '\\' && i + 1 < seg.length ? seg[++i]! : c;
      tokens.push({ star: false, test: (x) => x === lit });
    }
  }
  return tokens;
}

/** One pattern as alternatives of segment lists, with the implied `**` before and after. */
function compile(glob: string): Segment[][] {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (g === '') throw new GlobError('empty pattern');
  const anchored = g.startsWith('/') || g.replace(/\/$/, '').includes('/');
  g = g.replace(/^\/+/, '').replace(/\/+$/, '');
  const globstar: Segment = { globstar: true };
  return expandBraces(g).map((alt) => [
    ...(anchored ? [] : [globstar]),
    ...alt
      .split('/')
      .filter((s) => s !== '')
      .map((s): Segment => (s === '**' ? globstar : { globstar: false, tokens: segmentTokens(s) })),
    globstar,
  ]);
}

/**
 * Wildcard matching with one backtrack point: on a mismatch the last star takes one more unit.
 * Correct for patterns whose other items match exactly one unit, and O(items × units).
 */
function wildcard<P, T>(
  pattern: readonly P[],
  text: readonly T[] | string,
  isStar: (p: P) => boolean,
  one: (p: P, t: T) => boolean,
): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  const at = (i: number): T => (typeof text === 'string' ? text[i] : text[i]) as T;
  while (t < text.length) {
    const item = pattern[p];
    if (item !== undefined && isStar(item)) {
      starP = p++;
      starT = t;
    } else if (item !== undefined && one(item, at(t))) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

function segmentMatches(seg: Segment, name: string): boolean {
  if (seg.globstar) return true;
  return wildcard(
    seg.tokens,
    name,
    (tk) => tk.star,
    (tk, c: string) => !tk.star && tk.test(c),
  );
}

/** A compiled list of exclude globs; invalid ones (see globProblem) are left out. */
export class GlobSet {
  private readonly patterns: Segment[][] = [];
  constructor(globs: readonly string[]) {
    for (const g of globs) {
      if (g.trim() === '' || globProblem(g) !== undefined) continue;
      this.patterns.push(...compile(g));
    }
  }
  /** `relativePath` is relative to the root the globs are written for; `..` paths never match. */
  matches(relativePath: string): boolean {
    const p = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (p === '' || p.startsWith('../')) return false;
    const names = p.split('/').filter((s) => s !== '');
    return this.patterns.some((segs) =>
      wildcard(
        segs,
        names,
        (s) => s.globstar,
        (s, name: string) => segmentMatches(s, name),
      ),
    );
  }
  get size(): number {
    return this.patterns.length;
  }
}

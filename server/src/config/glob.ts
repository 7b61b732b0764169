/**
 * The glob dialect of `flushguard.exclude`: `**` (any number of directories), `*` and `?`
 * (within one path segment), `[...]` classes and `{a,b}` alternatives. Paths are matched with
 * forward slashes, relative to the workspace root. A pattern without a slash matches a name at any
 * depth (`*.mod.c`), as .gitignore does; a pattern that names a directory excludes what is under it.
 */

/** Compiles one glob into a regular expression over a relative, slash-separated path. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  const anchored = g.startsWith('/') || g.replace(/\/$/, '').includes('/');
  g = g.replace(/^\//, '').replace(/\/$/, '');
  let re = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        re += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = g
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  re += ')'.repeat(braces);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}(?:/.*)?$`);
}

/** A compiled list of exclude globs. */
export class GlobSet {
  private readonly patterns: RegExp[];
  constructor(globs: readonly string[]) {
    this.patterns = globs.filter((g) => g.trim() !== '').map(globToRegExp);
  }
  /** `relativePath` is relative to the root the globs are written for; `..` paths never match. */
  matches(relativePath: string): boolean {
    const p = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (p === '' || p.startsWith('../')) return false;
    return this.patterns.some((r) => r.test(p));
  }
  get size(): number {
    return this.patterns.length;
  }
}

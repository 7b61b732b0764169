/**
 * Offsets to 1-based lines and columns, over line starts built once per text (pure). A line ends
 * at LF, CRLF or a lone CR: the rule of LSP positions and of the parser's pre-pass, so that the
 * CLI, the editor and the tree agree on every line.
 */
export class LineMap {
  private known: number[] | undefined;
  // The starts are found on the first question: a whole-tree run makes one map per file and
  // asks nothing of most of them (no finding, no suppression comment).
  constructor(private readonly text: string) {}

  private get starts(): number[] {
    if (this.known) return this.known;
    const text = this.text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    this.known = starts;
    return starts;
  }

  /** 1-based line of `offset`. */
  line(offset: number): number {
    return lastAtOrBefore(this.starts, offset) + 1;
  }

  /** 1-based line and column (UTF-16 code units) of `offset`. */
  position(offset: number): { line: number; column: number } {
    const line = this.line(offset);
    return { line, column: offset - this.starts[line - 1]! + 1 };
  }
}

/**
 * Index of the last of ascending `starts` that is at most `offset` (0 when none is), by binary
 * search: the 0-based line of `offset` over line starts, however the caller breaks its lines.
 */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offset where the line holding `offset` starts (after LF, CRLF or a lone CR). */
export function lineStartOf(text: string, offset: number): number {
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) return i + 1;
  }
  return 0;
}

/** Offset of the line break ending the line holding `offset` (text.length on the last line). */
export function lineEndOf(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** The line break a text uses (for inserted lines): CRLF, LF or a lone CR. */
export function lineBreakOf(text: string): string {
  if (text.includes('\r\n')) return '\r\n';
  if (text.includes('\n') || !text.includes('\r')) return '\n';
  return '\r';
}

/**
 * One open document's tree, re-parsed incrementally. The edit handed to tree-sitter is computed
 * from the old and new pre-passed texts (common prefix and suffix), not from the client's change
 * events: the kernel-macro pre-pass may rewrite more than the typed range, and tree-sitter reuses
 * subtrees correctly only when the edit covers every changed character.
 *
 * The tree lives in the WASM heap: it is deleted when replaced, released or disposed.
 */
import { Edit } from 'web-tree-sitter';
import type { Parser, ParsedSource, Tree } from '../parsing/parser';
import { BudgetExceeded, checkParseable, MAX_PARSE_CHARS } from '../parsing/parser';
import { preprocess } from '../parsing/preprocess';
import { Interrupted } from '../parsing/deadline';

interface Point {
  row: number;
  column: number;
}

/** Row and UTF-16 column of `offset`. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The smallest single edit turning `a` into `b`. */
export function diffRange(
  a: string,
  b: string,
): { start: number; oldEnd: number; newEnd: number } | undefined {
  if (a === b) return undefined;
  const max = Math.min(a.length, b.length);
  let start = 0;
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)
  )
    tail++;
  return { start, oldEnd: a.length - tail, newEnd: b.length - tail };
}

export class ParsedDocument {
  private tree: Tree | undefined;
  private preText = '';
  /** How the last parse went, for the benchmark and the tests. */
  lastParse: 'full' | 'incremental' | 'unchanged' = 'full';

  /** Parses `source`, reusing the previous tree when there is one. The result's tree stays owned here. */
  parse(parser: Parser, source: string, deadline?: number, stop?: () => boolean): ParsedSource {
    // A text over the parser's limit is refused before the pre-pass and any WASM work: a 50 MB
    // document otherwise took 20 s and over 1 GB before the deadline stopped it.
    if (source.length > MAX_PARSE_CHARS) this.release();
    checkParseable(source);
    const pre = preprocess(source);
    const old = this.tree;
    if (old && pre.text === this.preText) {
      this.lastParse = 'unchanged';
      return { source, pre, tree: old };
    }
    if (old) {
      const d = diffRange(this.preText, pre.text);
      if (d) {
        old.edit(
          new Edit({
            startIndex: d.start,
            oldEndIndex: d.oldEnd,
            newEndIndex: d.newEnd,
            startPosition: pointAt(pre.text, d.start),
            oldEndPosition: pointAt(this.preText, d.oldEnd),
            newEndPosition: pointAt(pre.text, d.newEnd),
          }),
        );
      }
    }
    const over = (): boolean =>
      (deadline !== undefined && performance.now() > deadline) || stop?.() === true;
    const options =
      deadline === undefined && stop === undefined ? undefined : { progressCallback: over };
    const tree = parser.parse(pre.text, old ?? null, options);
    old?.delete();
    this.tree = undefined;
    this.preText = '';
    if (!tree) {
      parser.reset();
      if (stop?.() === true) throw new Interrupted('the analysis is no longer wanted');
      throw new BudgetExceeded('parsing took longer than the time budget');
    }
    this.lastParse = old ? 'incremental' : 'full';
    this.tree = tree;
    this.preText = pre.text;
    return { source, pre, tree };
  }

  get hasTree(): boolean {
    return this.tree !== undefined;
  }

  /** Frees the tree (the next parse is a full one). */
  release(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.preText = '';
  }
}

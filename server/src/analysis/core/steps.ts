/** Shared helpers of the rules: path steps, edge descriptions, and statement-inserting fixes. */
import type { Node } from '../../parsing/parser';
import type { Edge } from '../../cfg/graph';
import type { Fix, PathStep, StepKind } from './types';

/** Source text of a node (never `node.text`, which is the pre-passed text). */
export { sourceText as sourceOf } from '../../parsing/nodeText';
import { sourceText as sourceOf } from '../../parsing/nodeText';

/** The first line of a construct, shortened: `if (err)`, `bio_for_each_segment(bv, bio, iter)`. */
export function headOf(source: string, node: Node): string {
  let text = sourceOf(source, node);
  if (
    node.type === 'if_statement' ||
    node.type === 'while_statement' ||
    node.type === 'switch_statement'
  ) {
    const cond = node.childForFieldName('condition');
    if (cond) text = source.slice(node.startIndex, cond.endIndex);
  } else if (node.type === 'for_statement' || node.type === 'do_statement') {
    const body = node.childForFieldName('body');
    if (body && node.type === 'for_statement')
      text = source.slice(node.startIndex, body.startIndex);
  }
  text = (text.split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function stepAt(node: Node, kind: StepKind, note: string): PathStep {
  return { line: node.startPosition.row + 1, kind, note, offset: node.startIndex };
}

export function describeEdge(edge: Edge, source: string): { node: Node; note: string } | undefined {
  const via = edge.via;
  if (!via) return undefined;
  const head = `\`${headOf(source, via)}\``;
  const isLoop =
    via.type === 'while_statement' || via.type === 'for_statement' || via.type === 'do_statement';
  switch (edge.kind) {
    case 'true':
      return { node: via, note: isLoop ? `loop ${head} runs its body` : `branch ${head} taken` };
    case 'false':
      return { node: via, note: `branch ${head} not taken` };
    case 'case':
    case 'default':
      return { node: via, note: `${head} taken` };
    case 'no-case':
      return { node: via, note: `no case of ${head} matches` };
    case 'goto':
    case 'break':
    case 'continue':
      return { node: via, note: `${head} jumps` };
    case 'loop-exit':
      return { node: via, note: `loop ${head} ends` };
    case 'preproc':
      return { node: via, note: `preprocessor branch ${head} compiled in` };
    case 'preproc-else':
      return { node: via, note: `preprocessor branch ${head} not compiled in` };
    case 'loop':
    case 'return':
    case 'next':
    // Inside a condition: the step is told once, where the whole condition decides.
    case 'and':
    case 'or':
      return undefined;
  }
}

export function endOfFunctionStep(fn: Node, name: string, note: string): PathStep {
  const body = fn.childForFieldName('body') ?? fn;
  const close = Math.max(body.startIndex, body.endIndex - 1);
  return {
    line: body.endPosition.row + 1,
    kind: 'return',
    note: `reaches the end of ${name}(), ${note}`,
    offset: close,
  };
}

const BLOCK_PARENTS = new Set([
  'compound_statement',
  'case_statement',
  'labeled_statement',
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
]);

/** The statement that contains `node` directly (the expression_statement of a call, ...). */
export function enclosingStatement(node: Node): Node {
  let n: Node = node;
  for (let guard = 0; guard < 100; guard++) {
    const parent = n.parent;
    if (
      !parent ||
      BLOCK_PARENTS.has(parent.type) ||
      parent.type === 'if_statement' ||
      parent.type === 'else_clause' ||
      (parent.type.endsWith('_statement') &&
        parent.type !== 'expression_statement' &&
        parent.type !== 'return_statement')
    ) {
      return n;
    }
    n = parent;
  }
  return n;
}

function lineIndent(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(start, offset + 1))?.[0] ?? '';
}

/**
 * A fix inserting `text` as a statement after or before `anchor`'s statement, indented like it;
 * with no anchor, before the function's closing brace. A statement that is the lone body of an
 * `if`/loop is wrapped in braces so the inserted call stays on the same path.
 */
export function insertStatementFix(
  source: string,
  fn: Node,
  anchor: Node | undefined,
  where: 'before' | 'after',
  text: string,
  title: string,
): Fix {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  if (!anchor) {
    const body = fn.childForFieldName('body') ?? fn;
    const close = body.endIndex - 1;
    const indent = lineIndent(source, close) + '\t';
    const lineStart = source.lastIndexOf('\n', close - 1) + 1;
    const onOwnLine = source.slice(lineStart, close).trim() === '';
    return onOwnLine
      ? { title, edits: [{ start: lineStart, end: lineStart, text: `${indent}${text}${eol}` }] }
      : { title, edits: [{ start: close, end: close, text: ` ${text} ` }] };
  }
  const stmt = enclosingStatement(anchor);
  const parent = stmt.parent;
  if (parent && !BLOCK_PARENTS.has(parent.type)) {
    const original = sourceOf(source, stmt);
    const body = where === 'after' ? `${original} ${text}` : `${text} ${original}`;
    return { title, edits: [{ start: stmt.startIndex, end: stmt.endIndex, text: `{ ${body} }` }] };
  }
  const indent = lineIndent(source, stmt.startIndex);
  if (where === 'after') {
    return {
      title,
      edits: [{ start: stmt.endIndex, end: stmt.endIndex, text: `${eol}${indent}${text}` }],
    };
  }
  const lineStart = source.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const alone = source.slice(lineStart, stmt.startIndex).trim() === '';
  return alone
    ? { title, edits: [{ start: lineStart, end: lineStart, text: `${indent}${text}${eol}` }] }
    : { title, edits: [{ start: stmt.startIndex, end: stmt.startIndex, text: `${text} ` }] };
}

/**
 * Key steps in words with their lines, so that a message stands alone where no path is shown
 * (the terminal without --verbose, editors that show only the message): "mapped at L3, written
 * at L4, unmapped at L9". Parts without a line are left out.
 */
export function stepsInWords(parts: ReadonlyArray<readonly [string, number | undefined]>): string {
  return parts.flatMap(([w, line]) => (line === undefined ? [] : [`${w} at L${line}`])).join(', ');
}

/** The line of the first (or last) step of `kind` in a path. */
export function stepLine(
  steps: readonly PathStep[],
  kind: StepKind,
  which: 'first' | 'last' = 'first',
): number | undefined {
  const list = steps.filter((s) => s.kind === kind);
  return (which === 'first' ? list[0] : list[list.length - 1])?.line;
}

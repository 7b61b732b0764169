/** Quick fixes around suppression comments (server/src/suppress.ts has the syntax). */
import type { Fix } from '../rules/types';
import type { Suppression } from '../suppress';
import { suppressionComment } from '../suppress';
import { lineBreakOf, lineStartOf } from '../lineMap';

/** Inserts `/* flushguard-disable-next-line <rule> -- reason *\/` above the line of `offset`. */
export function insertSuppression(source: string, offset: number, ruleId: string): Fix {
  const lineStart = lineStartOf(source, offset);
  const indent = /^[ \t]*/.exec(source.slice(lineStart, offset))?.[0] ?? '';
  const eol = lineBreakOf(source);
  return {
    title: `Suppress ${ruleId} on this line (with a comment)`,
    edits: [
      { start: lineStart, end: lineStart, text: `${indent}${suppressionComment(ruleId)}${eol}` },
    ],
  };
}

/** Removes an unused suppression comment, and its line when the comment stood alone on it. */
export function removeSuppression(source: string, s: Suppression): Fix {
  const lineStart = source.lastIndexOf('\n', s.start - 1) + 1;
  let lineEnd = source.indexOf('\n', s.end);
  if (lineEnd < 0) lineEnd = source.length;
  const before = source.slice(lineStart, s.start);
  const after = source.slice(s.end, lineEnd).replace(/\r$/, '');
  const edit =
    before.trim() === '' && after.trim() === ''
      ? { start: lineStart, end: Math.min(source.length, lineEnd + 1), text: '' }
      : {
          start:
            before.trim() === '' ? s.start : s.start - (before.length - before.trimEnd().length),
          end: s.end,
          text: '',
        };
  return { title: 'Remove the unused suppression comment', edits: [edit] };
}

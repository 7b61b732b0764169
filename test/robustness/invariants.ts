/**
 * What every lint result must satisfy, whatever the input: the oracle of the pathological tests
 * and of the fuzzer (scripts/fuzz.ts). Returns the violations, empty when the result is sound.
 */
import type { LintResult } from '../../server/src/linter';
import { LineMap } from '../../server/src/lineMap';

export function resultViolations(source: string, result: LintResult): string[] {
  const out: string[] = [];
  // Lines end at LF, CRLF or a lone CR (server/src/lineMap.ts), as path lines count them.
  const lines = new LineMap(source).line(source.length);
  const inRange = (o: number): boolean => Number.isInteger(o) && o >= 0 && o <= source.length;
  for (const f of result.findings) {
    const at = `${f.rule}@${f.start}`;
    if (!inRange(f.start) || !inRange(f.end) || f.end < f.start)
      out.push(`${at}: range ${f.start}..${f.end} outside 0..${source.length}`);
    if (!f.message) out.push(`${at}: empty message`);
    for (const s of f.path) {
      if (!Number.isInteger(s.line) || s.line < 1 || s.line > lines)
        out.push(`${at}: path line ${s.line} outside 1..${lines}`);
      if (!inRange(s.offset)) out.push(`${at}: path offset ${s.offset} outside the text`);
    }
    for (const fix of f.fixes) {
      for (const e of fix.edits) {
        if (!inRange(e.start) || !inRange(e.end) || e.end < e.start)
          out.push(`${at}: fix edit ${e.start}..${e.end} outside the text`);
      }
    }
  }
  for (const s of result.skipped) {
    if (!s.reason) out.push(`skipped ${s.function} without a reason`);
    if (s.line < 1 || s.line > lines)
      out.push(`skipped ${s.function}: line ${s.line} outside the text`);
  }
  return out;
}

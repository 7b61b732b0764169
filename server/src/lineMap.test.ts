import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastAtOrBefore, LineMap } from './lineMap';

test('lastAtOrBefore: the start at or before an offset, over any line starts', () => {
  const starts = [0, 4, 9];
  assert.deepEqual(
    [0, 3, 4, 8, 9, 50].map((o) => lastAtOrBefore(starts, o)),
    [0, 0, 1, 1, 2, 2],
  );
  assert.equal(lastAtOrBefore([0], 7), 0);
});

test('LineMap: lines end at LF, CRLF and a lone CR', () => {
  const lines = new LineMap('a\nb\r\nc\rd');
  assert.deepEqual(
    [0, 2, 5, 7].map((o) => lines.position(o)),
    [
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ],
  );
});

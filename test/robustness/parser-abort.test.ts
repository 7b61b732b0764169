/**
 * A file the parser cannot take costs that file only: the parse is stopped at the heap cap, or
 * the WASM instance aborts, and either way the next file is parsed by a new instance. Small caps
 * (this test file runs in its own process) make both cheap to reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createParser,
  initParser,
  limitParserHeap,
  parserHeapBytes,
  parserReady,
  ParserAborted,
} from '../../server/src/parsing/parser';
import { wasmSources } from '../../server/src/host/wasmPaths';
import { lintSource } from '../../server/src/linter';

import { BAD, dense } from './parserInputs';

test('parser: a heap-hungry file is refused at the cap, the next file is linted', async () => {
  limitParserHeap(96 * 1024 * 1024, 160 * 1024 * 1024);
  await initParser(wasmSources());
  const parser = createParser();
  assert.throws(
    () => lintSource(parser, dense(1_000_000)),
    (e: unknown) => e instanceof ParserAborted && /more than its 96 MiB heap/.test(e.message),
  );
  await parserReady();
  // The heap of the instance that took the file is gone with it; the new one starts small.
  assert.ok(parserHeapBytes() < 96 * 1024 * 1024, `heap ${parserHeapBytes()}`);
  assert.equal(lintSource(parser, BAD).findings.length, 1);

  parser.delete();
});

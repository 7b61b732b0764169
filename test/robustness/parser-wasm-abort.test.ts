/**
 * A file the parser cannot take costs that file only: the WASM instance that aborted is
 * replaced and the next file is parsed by the new one. Small caps
 * (this test file runs in its own process) make both cheap to reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createParser,
  initParser,
  limitParserHeap,
  parserReady,
  parseC,
  ParserAborted,
} from '../../server/src/parsing/parser';
import { wasmSources } from '../../server/src/host/wasmPaths';
import { lintSource } from '../../server/src/linter';

import { BAD, dense } from './parserInputs';

test('parser: an instance that aborts is replaced, twice in a row; its trees are inert', async () => {
  // The soft cap above the hard one: the instance aborts when its heap cannot grow.
  limitParserHeap(1024 * 1024 * 1024, 64 * 1024 * 1024);
  await initParser(wasmSources());
  const parser = createParser();
  for (let round = 0; round < 2; round++) {
    await parserReady();
    const before = parseC(parser, BAD);
    assert.throws(
      () => lintSource(parser, dense(1_000_000)),
      (e: unknown) => e instanceof ParserAborted && /aborted/.test(e.message),
    );
    // Deleting a tree of the aborted instance is harmless, and one handed back as the old tree
    // of an incremental parse is not passed to the new instance.
    await parserReady();
    const again = parseC(parser, BAD + '\n', before.tree);
    assert.equal(again.tree.rootNode.hasError, false);
    before.tree.delete();
    again.tree.delete();
    assert.equal(lintSource(parser, BAD).findings.length, 1);
  }
  parser.delete();
});

/**
 * The CFG build checks the deadline (issue 15, item 3): it walks every statement of a function,
 * so a huge one must stop at the file's budget like the analysis after it, and stop at once when
 * the language server's worker no longer wants the result (a newer edit, a cancel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCfg } from '../../server/src/cfg/builder';
import { BudgetExceeded, parseC } from '../../server/src/parsing/parser';
import { functionDefinitions } from '../../server/src/parsing/nodeText';
import { Interrupted, withDeadline, withInterrupt } from '../../server/src/parsing/deadline';
import { testParser } from '../helpers';

/** One function of `n` statements with no cache API in it: only the CFG build has work. */
function straightLine(n: number): string {
  const body: string[] = [];
  for (let i = 0; i < n; i++) body.push(`\tx${i % 7} = y + ${i};`);
  return `void plain(int y)\n{\n\tint x0, x1, x2, x3, x4, x5, x6;\n${body.join('\n')}\n}\n`;
}

test('cfg deadline: the build of a huge function stops at the deadline, and builds without one', async () => {
  const parser = await testParser();
  const parsed = parseC(parser, straightLine(60_000));
  try {
    const fn = functionDefinitions(parsed.tree.rootNode)[0]!;
    assert.throws(
      () => withDeadline(performance.now() - 1, () => buildCfg(fn)),
      (e: unknown) => e instanceof BudgetExceeded && /time budget/.test(e.message),
    );
    assert.throws(
      () =>
        withInterrupt(
          () => true,
          () => buildCfg(fn),
        ),
      Interrupted,
    );
    const cfg = buildCfg(fn);
    assert.equal(cfg.skipped, undefined);
    assert.ok(cfg.blocks.length >= 2);
  } finally {
    parsed.tree.delete();
  }
});

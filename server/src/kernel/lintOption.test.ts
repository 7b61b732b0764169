// The kernelVersion lint option reaches the rules, in the CLI's linter and in the editor's
// incremental one (where it also keys the per-function cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintSource } from '../linter';
import { parseC } from '../parsing/parser';
import { RULES } from '../rules/index';
import type { Rule, RuleContext } from '../rules/types';
import { IncrementalLinter } from '../lsp/incrementalLint';
import { testParser } from '../../../test/helpers';
import type { KernelVersion } from './version';

const SOURCE = `
static void fill(struct page *page, const char *src, size_t len)
{
	void *addr = kmap_local_page(page);
	memcpy(addr, src, len);
	kunmap_local(addr);
}
`;

/** Records the kernelVersion each call of the dcache rule is given. */
function spy(): { seen: (KernelVersion | undefined)[]; restore: () => void } {
  const rule = RULES.find((r) => r.meta.id === 'missing-flush-dcache-page') as Rule;
  const original = rule.check.bind(rule);
  const seen: (KernelVersion | undefined)[] = [];
  rule.check = (ctx: RuleContext) => {
    seen.push(ctx.kernelVersion);
    return original(ctx);
  };
  return { seen, restore: () => (rule.check = original) };
}

test('lintSource hands its kernelVersion option to every rule check; none means undefined', async () => {
  const parser = await testParser();
  const s = spy();
  try {
    lintSource(parser, SOURCE, { kernelVersion: { major: 6, minor: 12 } });
    lintSource(parser, SOURCE);
  } finally {
    s.restore();
  }
  assert.deepEqual(s.seen, [{ major: 6, minor: 12 }, undefined]);
});

test('the incremental linter passes the version and re-checks a function when it changes', async () => {
  const parser = await testParser();
  const parsed = parseC(parser, SOURCE);
  const linter = new IncrementalLinter();
  const s = spy();
  const run = (v?: KernelVersion): void => {
    const it = linter.run(parsed, ['missing-flush-dcache-page'], undefined, false, v);
    while (it.next().done !== true);
  };
  try {
    run({ major: 6, minor: 1 });
    run({ major: 6, minor: 1 });
    run({ major: 6, minor: 12 });
  } finally {
    s.restore();
    parsed.tree.delete();
  }
  assert.deepEqual(s.seen, [
    { major: 6, minor: 1 },
    { major: 6, minor: 12 },
  ]);
});

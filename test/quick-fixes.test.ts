// Every quick fix and refactoring has a golden after-text: test/fixtures/fixes/<name>.c says in
// its first line which fix to apply (`// fix: <kind> [rule]`, and `at
// <word>` puts a refactoring's cursor on the first <word> below), and <name>.expected.c is the exact text after it. A rule registered later
// whose findings carry fixes needs a golden of its own before this test passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseC } from '../server/src/parsing/parser';
import type { Node } from '../server/src/parsing/parser';
import { RULE_IDS } from '../server/src/rules/index';
import type { Fix } from '../server/src/rules/types';
import { applySuppressions } from '../server/src/suppress';
import { pageCopyRewrite } from '../server/src/fixes/pageCopy';
import { flushKernelDcachePageRename, kmapAtomicToLocal } from '../server/src/fixes/refactors';
import { insertSuppression, removeSuppression } from '../server/src/fixes/suppression';
import { applyFix, fixtureFiles, lint, ruleFixtureDir, testParser } from './helpers';

const DIR = join(__dirname, 'fixtures', 'fixes');

/** The fixes the language server offers besides each rule's own. */
const EDITOR_FIXES = [
  'page-copy',
  'kmap-atomic-to-local',
  'rename-flush-kernel-dcache-page',
  'suppress',
  'remove-suppression',
] as const;

function header(text: string): { kind: string; arg: string | undefined } {
  const m = /^\/\/ fix: ([a-z-]+)(?: ([a-z0-9-]+))?(?: at \w+)?\n/.exec(text);
  assert.ok(m?.[1], 'the first line names the fix: // fix: <kind> [rule]');
  return { kind: m[1], arg: m[2] };
}

/** The cursor of a refactoring: on the first `word` after the header (`// fix: kind at word`). */
function cursor(text: string): number {
  const m = /^\/\/ fix: [^\n]* at (\w+)\n/.exec(text);
  assert.ok(m?.[1], 'a refactoring fixture names its cursor: // fix: <kind> at <word>');
  const at = text.indexOf(m[1], m[0].length);
  assert.ok(at >= 0, `${m[1]} is in the fixture`);
  return at;
}

async function withRoot<T>(text: string, f: (root: Node) => T): Promise<T> {
  const parsed = parseC(await testParser(), text);
  try {
    return f(parsed.tree.rootNode);
  } finally {
    parsed.tree.delete();
  }
}

async function onlyFinding(text: string, rule: string): Promise<number> {
  const { findings } = await lint(text, [rule]);
  assert.equal(findings.length, 1, `one ${rule} finding in the fixture`);
  return findings[0]!.start;
}

async function fixFor(text: string): Promise<Fix | undefined> {
  const { kind, arg } = header(text);
  switch (kind) {
    case 'rule': {
      assert.ok(arg && RULE_IDS.includes(arg), `a registered rule: ${arg}`);
      const { findings } = await lint(text, [arg]);
      assert.equal(findings.length, 1, `one ${arg} finding in the fixture`);
      return findings[0]!.fixes[0];
    }
    case 'suppress':
      assert.ok(arg && RULE_IDS.includes(arg), `a registered rule: ${arg}`);
      return insertSuppression(text, await onlyFinding(text, arg), arg);
    case 'remove-suppression': {
      const { findings } = await lint(text);
      const unused = applySuppressions(text, findings, RULE_IDS, RULE_IDS).unused[0];
      return unused && removeSuppression(text, unused);
    }
    case 'page-copy':
      return withRoot(text, (root) => pageCopyRewrite(text, root, cursor(text)));
    case 'kmap-atomic-to-local':
      return withRoot(text, (root) => kmapAtomicToLocal(text, root, cursor(text), cursor(text)));
    case 'rename-flush-kernel-dcache-page':
      return withRoot(text, (root) =>
        flushKernelDcachePageRename(root, cursor(text), cursor(text)),
      );
    default:
      return assert.fail(`unknown fix kind ${kind}`);
  }
}

const goldens = readdirSync(DIR)
  .filter((f) => f.endsWith('.c') && !f.endsWith('.expected.c'))
  .sort();

for (const name of goldens) {
  test(`quick fix golden: ${name}`, async () => {
    const text = readFileSync(join(DIR, name), 'utf8');
    const expectedFile = join(DIR, name.replace(/\.c$/, '.expected.c'));
    assert.ok(existsSync(expectedFile), `${name} has its expected after-text`);
    const fix = await fixFor(text);
    assert.ok(fix, `${name}: the fix is offered`);
    const after = applyFix(text, fix);
    assert.equal(after, readFileSync(expectedFile, 'utf8'));
    const { kind, arg } = header(text);
    if (kind === 'rule' && arg)
      assert.deepEqual((await lint(after, [arg])).findings, [], 'the fix removes the finding');
  });
}

test('quick fix goldens: every fix the engine or the editor offers has one', async () => {
  const kinds = new Set(
    goldens.map((g) => {
      const { kind, arg } = header(readFileSync(join(DIR, g), 'utf8'));
      return kind === 'rule' ? `rule ${arg}` : kind;
    }),
  );
  for (const k of EDITOR_FIXES) assert.ok(kinds.has(k), `a golden for ${k}`);
  for (const rule of RULE_IDS) {
    const dir = ruleFixtureDir(rule);
    if (!existsSync(dir)) continue;
    let fixes = 0;
    for (const { text } of fixtureFiles(dir))
      for (const f of (await lint(text, [rule])).findings) fixes += f.fixes.length;
    if (fixes > 0) assert.ok(kinds.has(`rule ${rule}`), `a golden for ${rule}'s fix`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildCfg, MAX_DEPTH } from './builder';
import { edgeLines } from './graph';
import { parseC } from '../parsing/parser';
import { functionDefinitions } from '../parsing/nodeText';
import { fixtureFiles, testParser } from '../../../test/helpers';

/**
 * Each CFG fixture holds functions, each after a comment whose `edges:` section lists the
 * graph's edges one per line, as graph.ts's edgeLines writes them (`none` for no edge):
 *
 *     /\* An if without else.
 *      * edges:
 *      *   entry =true=> x();
 *      *   entry =false=> _1
 *      *   x(); => _1
 *      *   _1 => exit
 *      *\/
 */
const DIR = join(__dirname, '../../../test/fixtures/cfg');

/** The edge lines of every `edges:` section of a fixture, in order. */
function expectedEdges(text: string): string[][] {
  return [...text.matchAll(/\/\*((?:[^*]|\*(?!\/))*)\*\//g)]
    .map((m) => m[1]!.split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trim()))
    .filter((lines) => lines.some((l) => l === 'edges:'))
    .map((lines) =>
      lines
        .slice(lines.indexOf('edges:') + 1)
        .map((l) => l.replace(/\s+/g, ' '))
        .filter((l) => l !== '' && l !== 'none'),
    );
}

/** What is in `a` and not in `b`, counting repeats. */
function minus(a: string[], b: string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

for (const { name, text } of fixtureFiles(DIR)) {
  test(`cfg fixture ${name}`, async () => {
    const parsed = parseC(await testParser(), text);
    try {
      const fns = functionDefinitions(parsed.tree.rootNode);
      const expected = expectedEdges(text);
      assert.equal(fns.length, expected.length, 'one `edges:` comment per function');
      const wrong = fns.flatMap((fn, i) => {
        const cfg = buildCfg(fn);
        const actual = edgeLines(cfg);
        const missing = minus(expected[i]!, actual);
        const extra = minus(actual, expected[i]!);
        if (missing.length + extra.length === 0) return [];
        return [
          `${cfg.name}():` +
            missing.map((e) => `\n  missing ${e}`).join('') +
            extra.map((e) => `\n  extra   ${e}`).join(''),
        ];
      });
      assert.deepEqual(wrong, []);
    } finally {
      parsed.tree.delete();
    }
  });
}

test('cfg fixtures: a wrong expectation is reported as missing and extra edges', () => {
  const [lines] = expectedEdges('/* edges:\n *   entry =true=> x();\n *   x(); => exit\n */');
  assert.deepEqual(lines, ['entry =true=> x();', 'x(); => exit']);
  assert.deepEqual(minus(lines, ['entry =false=> x();', 'x(); => exit']), ['entry =true=> x();']);
  assert.deepEqual(minus(['a => b', 'a => b'], ['a => b']), ['a => b']);
});

test('cfg: nesting deeper than the bound makes the function skipped, not a stack overflow', async () => {
  const depth = MAX_DEPTH + 50;
  const src = `void f(int a) ${'{ if (a) '.repeat(depth)}g();${' }'.repeat(depth)}`;
  const parsed = parseC(await testParser(), src);
  try {
    const cfg = buildCfg(functionDefinitions(parsed.tree.rootNode)[0]!);
    assert.match(cfg.skipped ?? '', /nested deeper/);
  } finally {
    parsed.tree.delete();
  }
});

test('cfg: a chain of 2,000 `&&` is walked, not recursed', async () => {
  const src = `void f(int a) { if (${Array.from({ length: 2000 }, (_, i) => `a${i}`).join(' && ')}) g(); }`;
  const parsed = parseC(await testParser(), src);
  try {
    const cfg = buildCfg(functionDefinitions(parsed.tree.rootNode)[0]!);
    assert.equal(cfg.skipped, undefined);
    assert.equal(cfg.blocks.filter((b) => b.succ.some((e) => e.kind === 'and')).length, 1999);
  } finally {
    parsed.tree.delete();
  }
});

test('cfg: every edge out of a condition names the atom it tested and its value', async () => {
  const src = 'void f(int a, int b) { if (!(a || unlikely(b))) x(); }';
  const parsed = parseC(await testParser(), src);
  try {
    const cfg = buildCfg(functionDefinitions(parsed.tree.rootNode)[0]!);
    const tests = cfg.blocks.flatMap((b) =>
      b.succ.flatMap((e) => (e.test ? [`${e.test.atom.text}=${e.test.value} ${e.kind}`] : [])),
    );
    assert.deepEqual(tests, ['a=true false', 'a=false or', 'b=true false', 'b=false true']);
  } finally {
    parsed.tree.delete();
  }
});

test('cfg: the #if branch holds only its own statements, the #else branch only its own', async () => {
  const src = 'void f(void)\n{\n#ifdef CONFIG_FOO\n\tx();\n#else\n\ty();\n#endif\n}\n';
  const parsed = parseC(await testParser(), src);
  try {
    const cfg = buildCfg(functionDefinitions(parsed.tree.rootNode)[0]!);
    const branches = cfg.entry.succ
      .filter((e) => e.kind.startsWith('preproc'))
      .map((e) => e.to.items.map((n) => n.text).join(' '));
    assert.deepEqual(branches, ['x();', 'y();']);
  } finally {
    parsed.tree.delete();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildCfg, MAX_DEPTH } from './builder';
import { toArrows } from './graph';
import { parseC } from '../parsing/parser';
import { functionDefinitions } from '../parsing/nodeText';
import { fixtureFiles, testParser } from '../../../test/helpers';

/** Each CFG fixture holds functions, each preceded by `/* expect: <arrows> *\/`. */
const DIR = join(__dirname, '../../../test/fixtures/cfg');

for (const { name, text } of fixtureFiles(DIR)) {
  test(`cfg fixture ${name}`, async () => {
    const parsed = parseC(await testParser(), text);
    try {
      const fns = functionDefinitions(parsed.tree.rootNode);
      const expected = [...text.matchAll(/\/\*\s*expect:\s*([^*]*)\*\//g)].map((m) =>
        m[1]!.trim().replace(/\s+/g, ' '),
      );
      assert.equal(fns.length, expected.length, 'one expect comment per function');
      fns.forEach((fn, i) =>
        assert.equal(toArrows(buildCfg(fn)), expected[i], `function ${i + 1}`),
      );
    } finally {
      parsed.tree.delete();
    }
  });
}

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

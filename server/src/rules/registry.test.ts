import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS, RULES } from './index';
import { parseC } from '../parsing/parser';
import {
  checkFixture,
  expectations,
  fixtureFiles,
  ruleFixtureDir,
  testParser,
} from '../../../test/helpers';

const ROOT = join(__dirname, '../../..');

test('every rule is a triple: code, test and doc under its id', () => {
  assert.ok(RULES.length > 0);
  for (const { meta } of RULES) {
    assert.match(meta.id, /^[a-z]+(-[a-z0-9]+)*$/, `${meta.id} is kebab-case`);
    assert.ok(existsSync(join(__dirname, `${meta.id}.ts`)), `server/src/rules/${meta.id}.ts`);
    assert.ok(
      existsSync(join(__dirname, `${meta.id}.test.ts`)),
      `server/src/rules/${meta.id}.test.ts`,
    );
    const doc = join(ROOT, 'docs', 'rules', `${meta.id}.md`);
    assert.ok(existsSync(doc), `docs/rules/${meta.id}.md`);
    const text = readFileSync(doc, 'utf8');
    assert.ok(text.startsWith(`# ${meta.id}\n`), 'the doc is titled with the id');
    for (const section of [
      '## Why',
      '## Wrong',
      '## Right',
      '## The fix',
      '## When it does not apply',
    ]) {
      assert.ok(text.includes(section), `${meta.id}.md has a "${section}" section`);
    }
  }
});

test('no rule file or doc exists without a registered rule', () => {
  const ids = new Set(RULES.map((r) => r.meta.id));
  const docs = readdirSync(join(ROOT, 'docs', 'rules')).map((f) => f.replace(/\.md$/, ''));
  for (const d of docs) assert.ok(ids.has(d), `docs/rules/${d}.md has no rule`);
});

/** The 1-based line ranges of the top-level function definitions of a fixture. */
async function functionLines(text: string): Promise<{ first: number; last: number }[]> {
  const parsed = parseC(await testParser(), text);
  try {
    return parsed.tree.rootNode.namedChildren
      .filter((n) => n?.type === 'function_definition')
      .map((n) => ({
        first: n.startPosition.row + 1,
        last: n.endPosition.row + 1,
      }));
  } finally {
    parsed.tree.delete();
  }
}

test('every registered rule has fixtures, flagged and silent', async () => {
  for (const id of RULE_IDS) {
    const dir = ruleFixtureDir(id);
    assert.ok(existsSync(dir), `test/fixtures/rules/${id}/ exists`);
    let flagged = 0;
    let silent = 0;
    for (const { text } of fixtureFiles(dir)) {
      const lines = expectations(text)
        .filter((e) => e.rule === id)
        .map((e) => e.line);
      flagged += lines.length;
      for (const fn of await functionLines(text))
        if (!lines.some((l) => l >= fn.first && l <= fn.last)) silent++;
    }
    assert.ok(flagged > 0, `${id}: a fixture expects a finding`);
    assert.ok(silent > 0, `${id}: a fixture function must stay silent`);
  }
});

for (const id of RULE_IDS) {
  const dir = ruleFixtureDir(id);
  for (const { name, text } of existsSync(dir) ? fixtureFiles(dir) : []) {
    test(`${id}: fixture ${name}`, async () => {
      assert.deepEqual(await checkFixture(text, id), []);
    });
  }
}

test('a misspelt rule id in an expect comment fails the fixture', async () => {
  const text = 'void f(void)\n{\n\tg(); // expect: missing-flush-dcache-paeg\n}\n';
  assert.deepEqual(await checkFixture(text, 'missing-flush-dcache-page'), [
    'Unknown rule in expect: missing-flush-dcache-paeg@3',
  ]);
});

/** The analysis families and family knowledge files a rule's imports reach: `dcache`, `vmap`. */
function familiesOf(source: string): { analysis: Set<string>; knowledge: Set<string> } {
  const imports = [...source.matchAll(/from '\.\.\/([\w/]+)'/g)].map((m) => m[1]!);
  const pick = (prefix: string): Set<string> =>
    new Set(
      imports.filter((i) => i.startsWith(prefix)).map((i) => i.slice(prefix.length).split('/')[0]!),
    );
  const analysis = pick('analysis/');
  analysis.delete('core');
  const knowledge = new Set([...pick('knowledge/')].filter((k) => k === 'dcache' || k === 'vmap'));
  return { analysis, knowledge };
}

function familyProblems(id: string, source: string): string[] {
  const { analysis, knowledge } = familiesOf(source);
  const problems: string[] = [];
  if (analysis.size > 1) problems.push(`${id} uses two families: ${[...analysis].join(', ')}`);
  for (const k of knowledge)
    if (analysis.size > 0 && !analysis.has(k)) problems.push(`${id} reads the ${k} knowledge`);
  return problems;
}

test("each rule builds on the core and one family, with that family's knowledge", () => {
  const problems = RULE_IDS.flatMap((id) =>
    familyProblems(id, readFileSync(join(__dirname, `${id}.ts`), 'utf8')),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    familyProblems(
      'probe',
      "import { a } from '../analysis/dcache/pageModel';\nimport { b } from '../analysis/vmap/model';\nimport * as V from '../knowledge/vmap';\n",
    ),
    ['probe uses two families: dcache, vmap'],
  );
  assert.deepEqual(
    familyProblems(
      'probe',
      "import { a } from '../analysis/dcache/pageModel';\nimport * as V from '../knowledge/vmap';\n",
    ),
    ['probe reads the vmap knowledge'],
  );
});

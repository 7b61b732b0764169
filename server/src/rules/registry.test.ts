import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from './index';

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

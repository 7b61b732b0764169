/** The README's rule table and docs/rules/ match the registered rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/rules/index';
import { README, ROOT } from './examples';

/** Rows of the table under `### Rules`: id, link target, and whether it says (info). */
function ruleRows(text: string): { id: string; link: string; info: boolean }[] {
  const section = text.split('### Rules')[1]?.split('\n### ')[0] ?? '';
  return [...section.matchAll(/^\| \[`([\w-]+)`\]\(([^)]+)\) \| (.*) \|$/gm)].map((m) => ({
    id: m[1]!,
    link: m[2]!,
    info: m[3]!.startsWith('(info)'),
  }));
}

test("the README's rule table lists every rule once, links its page and marks the info ones", () => {
  const rows = ruleRows(readFileSync(README, 'utf8'));
  assert.deepEqual(rows.map((r) => r.id).sort(), RULES.map((r) => r.meta.id).sort());
  for (const r of rows) {
    assert.equal(r.link, `docs/rules/${r.id}.md`);
    assert.ok(existsSync(join(ROOT, r.link)), r.link);
    const meta = RULES.find((x) => x.meta.id === r.id)!.meta;
    assert.equal(
      r.info,
      meta.defaultSeverity === 'info',
      `${r.id}: (info) iff its default severity`,
    );
  }
});

test('the table check sees a missing row', () => {
  const text = readFileSync(README, 'utf8').replace(/^\| \[`vmap-range-mismatch`\].*\n/m, '');
  assert.ok(!ruleRows(text).some((r) => r.id === 'vmap-range-mismatch'));
});

test('the README links the generated kernel-API page', () => {
  assert.ok(readFileSync(README, 'utf8').includes('(docs/kernel-apis.md)'));
  assert.ok(existsSync(join(ROOT, 'docs', 'kernel-apis.md')));
});

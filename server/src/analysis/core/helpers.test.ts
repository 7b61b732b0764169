import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory()
      ? files(p)
      : n.endsWith('.ts') && !n.endsWith('.test.ts')
        ? [p]
        : [];
  });
}

test('one strip-parentheses-and-casts helper (parsing/nodeText.stripExpr), no private variants', () => {
  const defs = files(SRC).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/function\s+(strip\w*)\s*\(\s*\w+\s*:\s*Node\b/g)].map(
      (m) => `${f.slice(SRC.length + 1)}: ${m[1]}`,
    ),
  );
  assert.deepEqual(defs, ['parsing/nodeText.ts: stripExpr']);
});

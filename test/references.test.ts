// Nothing in the repository points at a file outside it: every `docs/...md` path a source or doc
// names exists, and the working notes that never shipped are not cited by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TEXT = /\.(ts|mjs|md|json|sh|lua|fgs)$/;
/** Notes kept outside the repository (spelt in parts so that this file does not cite them). */
const OUTSIDE = [
  'vipt-' + 'hardware',
  'kernel-' + 'shapes',
  'perf-' + 'floor',
  'kernel-' + 'evolution',
  'real-' + 'clients',
  'style-' + 'anchors',
];

function trackedTextFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => TEXT.test(f) && !f.startsWith('test/fixtures/') && existsSync(join(ROOT, f)));
}

test('references: no file cites a note kept outside the repository', () => {
  const hits: string[] = [];
  for (const f of trackedTextFiles()) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    for (const name of OUTSIDE) if (text.includes(name)) hits.push(`${f}: ${name}`);
    if (/(\.\.\/|\/work\/)shared\/|shared\/reference/.test(text)) hits.push(`${f}: shared/`);
  }
  assert.deepEqual(hits, []);
});

test('references: every docs/ path named in a source or a doc exists', () => {
  const missing: string[] = [];
  let seen = 0;
  for (const f of trackedTextFiles()) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    for (const m of text.matchAll(/\bdocs\/(?:design|rules)\/[a-z0-9-]+\.md/g)) {
      seen++;
      if (m[0].includes('<') || existsSync(join(ROOT, m[0]))) continue;
      missing.push(`${f}: ${m[0]}`);
    }
  }
  assert.ok(seen > 20, `${seen} references read`);
  assert.deepEqual(missing, []);
});

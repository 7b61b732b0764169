/**
 * `npm ci` on the oldest Node the README promises installs without an EBADENGINE warning: every
 * package in the lockfile (tools included, since CI installs them) accepts that version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};
const oldest = semver.minVersion(manifest.engines.node);

test('every locked package accepts the oldest Node that package.json declares', () => {
  assert.ok(oldest, `engines.node ${manifest.engines.node} has no minimum`);
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Old packages wrote engines as an array of strings; npm ignores that form.
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || !wanted) continue;
    if (!semver.satisfies(oldest, wanted)) refused.push(`${path} wants node ${wanted}`);
  }
  assert.deepEqual(refused, [], `npm ci on Node ${oldest.version} would warn EBADENGINE`);
});

test('the README states the same Node version as engines.node', () => {
  assert.ok(oldest);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const stated = /Node\.js (\d+(?:\.\d+)*) or later/.exec(readme)?.[1];
  assert.ok(stated, 'the README says "Node.js X or later"');
  assert.equal(semver.coerce(stated)?.version, oldest.version);
});

test('this Node satisfies engines.node (the CLI and the tests run on it)', () => {
  assert.ok(semver.satisfies(process.version, manifest.engines.node), process.version);
});

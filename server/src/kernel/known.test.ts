import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHolds, newestKnownKernelVersion } from './known';
import { APIS } from '../knowledge/apis';

test('the newest release the table names is at least 6.12 and is what applies outside a tree', () => {
  const newest = newestKnownKernelVersion();
  assert.ok(
    newest && (newest.major > 6 || (newest.major === 6 && newest.minor >= 12)),
    JSON.stringify(newest),
  );
  assert.deepEqual(
    newestKnownKernelVersion([
      { name: 'a', roles: [], source: 's', since: '6.16' },
      { name: 'b', roles: [], source: 's', until: '6.9' },
    ]),
    { major: 6, minor: 16 },
  );
  assert.equal(newestKnownKernelVersion([]), undefined);
});

test('apiHolds applies since/until to the checked version; no version means the newest known', () => {
  const added = { since: '6.12' };
  const removed = { until: '6.12' };
  const v61 = { major: 6, minor: 1 };
  const v612 = { major: 6, minor: 12 };
  assert.equal(apiHolds(added, v61), false);
  assert.equal(apiHolds(added, v612), true);
  assert.equal(apiHolds(removed, v61), true);
  assert.equal(apiHolds(removed, v612), false);
  assert.equal(apiHolds(added, undefined, v612), true);
  assert.equal(apiHolds(removed, undefined, v612), false);
  assert.equal(apiHolds({}, v61), true);
  // Entries of the real table: folio_zero_tail is 6.12-only, follow_page went away in 6.12.
  const byName = (n: string) => APIS.find((a) => a.name === n)!;
  assert.equal(apiHolds(byName('folio_zero_tail'), v61), false);
  assert.equal(apiHolds(byName('follow_page'), v61), true);
  assert.equal(apiHolds(byName('follow_page'), v612), false);
});

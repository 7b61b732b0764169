import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explicitSettings, settingKeys } from './settings';
import { countFindings, statusText } from './statusCount';
import type { SimulationPayload } from '../../server/src/protocol/simulate';
import type { ViewPayload } from '../../simulator/src/webview/protocol';

// Compile-time: the webview's payload type (it may not import the server) is assignable both ways
// to the protocol's SimulationPayload.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [Same<ViewPayload, SimulationPayload>] = [true];

test("the webview's payload type is the protocol's SimulationPayload", () => {
  assert.deepEqual(sameTypes, [true]);
});

test('only explicitly set values reach the server, the most specific first', () => {
  const keys = settingKeys({
    'flushguard.rules.a.severity': {},
    'flushguard.exclude': {},
    'flushguard.simulator.preset': {},
    'other.x': {},
  });
  assert.deepEqual(keys, ['rules.a.severity', 'exclude', 'simulator.preset']);
  const values: Record<
    string,
    { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }
  > = {
    'rules.a.severity': { globalValue: 'error', workspaceFolderValue: 'off' },
    exclude: {},
    'simulator.preset': { globalValue: 'sh4-16k' },
  };
  assert.deepEqual(
    explicitSettings(keys, (k) => values[k]),
    { 'rules.a.severity': 'off', 'simulator.preset': 'sh4-16k' },
  );
});

test('the status count takes FlushGuard findings only', () => {
  const count = countFindings([
    [
      { source: 'flushguard', code: 'missing-flush-dcache-page' },
      { source: 'flushguard', code: 'unused-suppression' },
    ],
    [{ source: 'cpptools', code: 'x' }],
    [{ source: 'flushguard', code: { value: 'missing-flush-kernel-vmap-range', target: {} } }],
  ]);
  assert.deepEqual(count, { findings: 2, files: 2 });
  assert.equal(statusText(count), '$(warning) FlushGuard: 2');
  assert.equal(statusText({ findings: 0, files: 0 }), '$(check) FlushGuard');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimulationPayload } from '../../server/src/protocol/simulate';
import {
  isHostMessage,
  isViewMessage,
  isViewPayload,
  isViewState,
  type ViewPayload,
} from '../../simulator/src/webview/protocol';
import { scenarioPayload } from './payloads';

// The view's payload type must stay the language server's: each is assignable to the other.
const toView = (p: SimulationPayload): ViewPayload => p;
const toServer = (p: ViewPayload): SimulationPayload => p;

test('view messages: each variant is accepted with its fields and refused without', () => {
  assert.ok(isViewMessage({ type: 'ready' }));
  assert.ok(isViewMessage({ type: 'reveal', line: 12 }));
  assert.ok(isViewMessage({ type: 'step', line: null, position: 0 }));
  assert.ok(isViewMessage({ type: 'step', line: 3, position: 4 }));
  assert.ok(isViewMessage({ type: 'preset', preset: 'pipt-32k' }));
  for (const bad of [
    null,
    'ready',
    [],
    {},
    { type: 'reveal' },
    { type: 'reveal', line: 0 },
    { type: 'reveal', line: 1.5 },
    { type: 'reveal', line: '12' },
    { type: 'step' },
    { type: 'step', line: 3 },
    { type: 'step', line: 3, position: -1 },
    { type: 'preset', preset: '' },
    { type: 'preset', preset: '../../etc/passwd' },
    { type: 'preset', preset: 'a b' },
    { type: 'eval', code: 'alert(1)' },
  ])
    assert.equal(isViewMessage(bad), false, JSON.stringify(bad));
});

test('host messages and saved state carry a whole payload or are refused', () => {
  const payload = toView(scenarioPayload());
  assert.ok(isViewPayload(toServer(payload)));
  const presets = [{ id: 'pipt-32k', description: 'control' }];
  assert.ok(isHostMessage({ type: 'show', payload, presets, position: 0 }));
  assert.ok(isHostMessage({ type: 'show', payload, presets, position: 2, link: 'file:///a.c' }));
  assert.ok(isHostMessage({ type: 'busy', preset: 'pipt-32k' }));
  assert.ok(isHostMessage({ type: 'error', message: 'no' }));
  assert.ok(isViewState({ payload, presets, position: 3 }));
  assert.equal(isHostMessage({ type: 'show', payload, presets }), false);
  assert.equal(isHostMessage({ type: 'show', payload, presets, position: 0, link: 3 }), false);
  assert.equal(
    isHostMessage({ type: 'show', payload: { ...payload, asWritten: {} }, presets, position: 0 }),
    false,
  );
  assert.equal(
    isHostMessage({ type: 'show', payload: { ...payload, notes: [1] }, presets, position: 0 }),
    false,
  );
  assert.equal(
    isHostMessage({ type: 'show', payload, presets: [{ id: 'x y' }], position: 0 }),
    false,
  );
  assert.equal(isHostMessage({ type: 'error' }), false);
  assert.equal(isViewState({ payload: { ...payload, source: null }, presets, position: 0 }), false);
  assert.equal(isViewState(undefined), false);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../index';

const { listPresets, parseScenario, runScenario, simulateFinding, SimulatorInputError } = api;
const IDS = [
  'arm1176-32k',
  'arm1136-64k',
  'arm926-16k-vivt',
  'mips-r4400pc-16k',
  'sh7750-16k',
  'xtensa-mmuhifi-c3',
  'pa8600-1m',
  'ultrasparc-ii-16k',
  'pipt-32k',
];

function scenario(text: string): api.Scenario {
  const p = parseScenario(text);
  assert.deepEqual(p.errors, []);
  assert.ok(p.scenario);
  return p.scenario;
}

describe('listPresets', () => {
  it('lists the presets with their parameters, source cited', () => {
    const ps = listPresets();
    assert.deepEqual(
      ps.map((p) => p.id),
      IDS,
    );
    const arm = ps[0];
    assert.deepEqual(
      arm && [
        arm.cacheBytes,
        arm.ways,
        arm.lineBytes,
        arm.pageBytes,
        arm.colours,
        arm.indexing,
        arm.tagging,
        arm.writePolicy,
        arm.writeAllocate,
        arm.dmaCoherent,
      ],
      [32768, 4, 32, 4096, 2, 'VIPT', 'physical', 'write-back', false, false],
    );
    for (const p of ps) assert.ok(p.source.includes('docs/design/hardware.md'), p.id);
    assert.equal(api.DEFAULT_PRESET_ID, 'arm1176-32k');
  });
});

describe('unknown presets', () => {
  const s = scenario('page P pa=0x1000 anon');
  for (const [what, call] of [
    ['runScenario', () => runScenario(s, 'vax-780')],
    [
      'simulateFinding',
      () => simulateFinding({ rule: 'missing-flush-dcache-page', line: 1, steps: [] }, 'vax-780'),
    ],
  ] as const) {
    it(`${what} throws SimulatorInputError listing the valid ids`, () => {
      assert.throws(
        call,
        (e: unknown) =>
          e instanceof SimulatorInputError && IDS.every((id) => e.message.includes(id)),
      );
    });
  }
});

describe('runScenario', () => {
  const text = 'preset arm1176-32k size=64K\npage P pa=0x1000 anon\nkmap P as K\nload K 4';
  it('uses the header preset and its overrides, and the argument over both', () => {
    const s = scenario(text);
    assert.equal(runScenario(s).preset.cacheBytes, 65536);
    assert.equal(runScenario(s, 'arm1176-32k').preset.cacheBytes, 65536);
    assert.equal(runScenario(s, 'sh7750-16k').preset.id, 'sh7750-16k');
    assert.equal(runScenario(scenario('load 0xC0000000 1')).preset.id, 'arm1176-32k');
  });
  it('refuses a fractional seed', () => {
    assert.throws(() => runScenario(scenario(text), undefined, 1.5), SimulatorInputError);
  });
  it('reports events that cannot run on the step and carries on', () => {
    const r = runScenario(scenario('load 0x1234 4\nload 0xC0000000 4'));
    assert.equal(r.asWritten.errors[0]?.line, 1);
    assert.match(r.asWritten.steps[0]?.error ?? '', /page fault/);
    assert.equal(r.asWritten.steps[1]?.bytes, '00000000');
  });
  it('returns JSON-ready, immutable steps', () => {
    const r = simulateFinding(
      { rule: 'missing-flush-kernel-vmap-range', line: 3, steps: [] },
      'ultrasparc-ii-16k',
    );
    const round = JSON.parse(JSON.stringify(r)) as typeof r;
    assert.deepEqual(round.asWritten.steps.length, r.asWritten.steps.length);
    assert.ok(Object.isFrozen(r.asWritten.steps[0]));
  });
});

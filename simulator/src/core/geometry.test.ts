import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatorInputError } from './errors';
import { candidateSet, colourOf, geometryOf, setOf, low32 } from './geometry';
import { getPreset, PRESETS } from './presets';

describe('geometry of the presets (docs/design/hardware.md, Presets)', () => {
  const table: [string, number, number, boolean][] = [
    // id, sets, colours, aliasing
    ['arm1176-32k', 256, 2, true],
    ['arm1136-64k', 512, 4, true],
    ['arm926-16k-vivt', 128, 1, true],
    ['mips-r4400pc-16k', 512, 4, true],
    ['sh7750-16k', 512, 4, true],
    ['xtensa-mmuhifi-c3', 256, 2, true],
    ['pa8600-1m', 4096, 64, true],
    ['ultrasparc-ii-16k', 512, 2, true],
    ['pipt-32k', 128, 1, false],
  ];
  for (const [id, sets, colours, aliasing] of table) {
    it(`${id}: ${sets} sets, ${colours} colour(s)`, () => {
      const g = geometryOf(getPreset(id));
      assert.equal(g.sets, sets);
      assert.equal(g.colours, colours);
      assert.equal(g.aliasing, aliasing);
    });
  }

  it('covers exactly the preset table', () => {
    assert.deepEqual(PRESETS.map((p) => p.id).sort(), table.map((t) => t[0]).sort());
  });
});

describe('indexing', () => {
  it('puts the S1 aliases of one page in different sets (arm1176-32k)', () => {
    const g = geometryOf(getPreset('arm1176-32k'));
    assert.equal(setOf(g, low32(0xc0010000n)), 0);
    assert.equal(setOf(g, low32(0x40001000n)), 128);
    assert.equal(colourOf(g, 0xc0010000n), 0);
    assert.equal(colourOf(g, 0x40001000n), 1);
    assert.equal(colourOf(g, 0xffff5000n), 1);
  });

  it('reads the colour from VA[13:12] on SH-4 (S5: U = 0x29553000 is set 384, colour 3)', () => {
    const g = geometryOf(getPreset('sh7750-16k'));
    assert.equal(setOf(g, low32(0x29553000n)), 384);
    assert.equal(colourOf(g, 0x29553000n), 3);
  });

  it('uses VA bit 13 on UltraSPARC-II with 8 KB pages, also above 2^53', () => {
    const g = geometryOf(getPreset('ultrasparc-ii-16k'));
    assert.equal(colourOf(g, 0x102000n), 1);
    assert.equal(colourOf(g, 0xfffff80000100000n), 0);
    assert.equal(setOf(g, low32(0x102000n)), 256);
  });

  it('gives one candidate set per colour for a PA line, and the PA set for PIPT', () => {
    const arm = geometryOf(getPreset('arm1136-64k'));
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => candidateSet(arm, 0x00010020, c)),
      [1, 129, 257, 385],
    );
    const pipt = geometryOf(getPreset('pipt-32k'));
    assert.equal(candidateSet(pipt, 0x00011040, 0), (0x00011040 >> 6) & 127);
  });
});

describe('absurd parameters are refused with SimulatorInputError', () => {
  const base = getPreset('arm1176-32k');
  const cases: [string, Partial<typeof base>, RegExp][] = [
    ['zero-sized cache', { cacheBytes: 0 }, /positive/],
    ['non-power-of-two sets', { cacheBytes: 24 * 1024 }, /not a power of two/],
    ['line larger than a page', { lineBytes: 8192 }, /line size/],
    ['gigabyte cache', { cacheBytes: 2 ** 30 }, /exceeds 16 MiB/],
    ['zero ways', { ways: 0 }, /ways/],
    ['fractional size', { cacheBytes: 1000.5 }, /positive integer/],
  ];
  for (const [what, o, msg] of cases) {
    it(what, () => {
      assert.throws(
        () => geometryOf({ ...base, ...o }),
        (e: unknown) => e instanceof SimulatorInputError && msg.test(e.message),
      );
    });
  }
});

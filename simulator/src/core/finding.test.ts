import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulateFinding } from './api';
import type { FindingInput, FindingStep, StepKind } from './finding';
import { findingToScenario } from './finding-generator';
import { parseScenario } from './parser';
import { PRESETS } from './presets';
import { Prng } from './prng';

const dcache: FindingInput = {
  rule: 'missing-flush-dcache-page',
  file: 'drivers/x.c',
  line: 42,
  steps: [
    { line: 40, kind: 'map', note: 'addr = kmap_local_page(page)' },
    { line: 41, kind: 'write', note: 'memcpy(addr, src, 24)', size: 24 },
    { line: 43, kind: 'unmap', note: 'kunmap_local(addr)' },
    { line: 44, kind: 'publish', note: 'SetPageUptodate(page)' },
  ],
};
const vmapWrite: FindingInput = {
  rule: 'missing-flush-kernel-vmap-range',
  line: 90,
  steps: [
    { line: 80, kind: 'vmap', note: 'buf = vmap(pages, 2, VM_MAP, PAGE_KERNEL)' },
    { line: 85, kind: 'write', note: 'memcpy(buf, hdr, 6000)', size: 6000 },
    { line: 90, kind: 'submit-write', note: 'submit_bio(bio)' },
  ],
};
const vmapRead: FindingInput = {
  rule: 'missing-invalidate-kernel-vmap-range',
  line: 120,
  steps: [
    { line: 100, kind: 'vmap', note: 'vmap' },
    { line: 110, kind: 'submit-read', note: 'submit_bio(READ)' },
    { line: 115, kind: 'complete', note: 'end_io' },
    { line: 120, kind: 'read', note: 'check magic', size: 8 },
  ],
};
const wrongInval: FindingInput = {
  rule: 'invalidate-before-write-io',
  line: 60,
  steps: [
    { line: 50, kind: 'vmap', note: '' },
    { line: 55, kind: 'write', note: '' },
    { line: 60, kind: 'invalidate-vmap', note: 'invalidate_kernel_vmap_range(buf, len)' },
    { line: 61, kind: 'submit-write', note: '' },
  ],
};
const mismatch: FindingInput = {
  rule: 'vmap-range-mismatch',
  line: 70,
  steps: [
    { line: 65, kind: 'vmap', note: '' },
    { line: 66, kind: 'write', note: '', size: 256 },
    { line: 70, kind: 'flush-vmap', note: 'flush_kernel_vmap_range(buf, 40)', size: 40 },
    { line: 71, kind: 'submit-write', note: '' },
  ],
};

describe('simulateFinding on arm1176-32k (the default preset)', () => {
  const cases: [string, FindingInput, 'user' | 'device' | 'cpu', number][] = [
    ['missing-flush-dcache-page', dcache, 'user', 24],
    ['missing-flush-kernel-vmap-range', vmapWrite, 'device', 6000],
    ['missing-invalidate-kernel-vmap-range', vmapRead, 'cpu', 8],
    ['vmap-range-mismatch', mismatch, 'device', 256],
  ];
  for (const [name, f, observer, len] of cases) {
    it(`${name}: corrupted as written, correct with the fix, observed by ${observer}`, () => {
      const r = simulateFinding(f);
      assert.equal(r.preset.id, 'arm1176-32k');
      assert.equal(r.asWritten.corrupted, true);
      assert.equal(r.withFix.corrupted, false);
      assert.equal(r.asWritten.observer, observer);
      assert.equal(r.asWritten.expected.length, 2 * len, 'the real size of the access');
      assert.notEqual(r.asWritten.firstBadOffset, -1);
      assert.equal(r.withFix.firstBadOffset, -1);
    });
  }

  it('a short flush leaves the bytes after the flushed lines stale', () => {
    const r = simulateFinding(mismatch);
    assert.equal(r.asWritten.firstBadOffset, 64, 'bytes 0-63 (two 32-byte lines) were flushed');
  });

  it('invalidate before write I/O is harmless on ARM but loses the data on SH-4 and PA-RISC', () => {
    assert.equal(simulateFinding(wrongInval).asWritten.corrupted, false);
    for (const id of ['sh7750-16k', 'pa8600-1m']) {
      const r = simulateFinding(wrongInval, id);
      assert.equal(r.asWritten.corrupted, true, id);
      assert.equal(r.asWritten.observer, 'device');
      assert.equal(r.withFix.corrupted, false, id);
    }
  });
});

describe('the generated scenario', () => {
  it('keeps the C line of every step and puts the fix at the finding line', () => {
    const r = simulateFinding(dcache);
    const cLines = new Set(
      r.withFix.steps.flatMap((s) => (s.cLine === undefined ? [] : [s.cLine])),
    );
    for (const s of dcache.steps) assert.ok(cLines.has(s.line), `C line ${s.line} lost`);
    const fix = r.withFix.steps.find((s) => s.variant === 'fix');
    assert.deepEqual([fix?.text, fix?.cLine], ['flush_dcache_page P0', 42]);
    assert.ok(!r.asWritten.steps.some((s) => s.variant === 'fix'));
  });

  it('puts the aliases in different colours', () => {
    const r = simulateFinding(dcache, 'arm1136-64k');
    const store = r.asWritten.steps.find((s) => s.op === 'store');
    const observe = r.asWritten.steps.find((s) => s.op === 'expect_load');
    assert.notEqual(store?.colour, observe?.colour);
  });

  it('states the default size when the C code does not give one', () => {
    const g = findingToScenario({
      rule: 'missing-flush-dcache-page',
      line: 3,
      steps: [{ line: 3, kind: 'write', note: 'x' }],
    });
    assert.ok(g.notes.some((n) => n.includes('16 bytes assumed')));
    assert.match(g.text, /store K "NEW!"\*4\b/);
  });

  it('caps huge sizes instead of hanging', () => {
    const huge = (kind: StepKind, rule: string): FindingInput => ({
      rule,
      line: 1,
      steps: [{ line: 1, kind, note: '', size: 1e12 }],
    });
    const a = findingToScenario(huge('write', 'missing-flush-dcache-page'));
    assert.ok(a.notes.some((n) => n.includes('capped at 4096')));
    const b = simulateFinding(huge('write', 'missing-flush-kernel-vmap-range'));
    assert.ok(b.notes.some((n) => n.includes('capped at 1048576')));
    // No count in the scenario run is above the cap (1e12 bytes would never finish).
    const counts = (b.scenario.match(/\d+/g) ?? []).map(Number);
    assert.ok(Math.max(...counts) <= 1048576, b.scenario);
  });
});

describe('odd findings never throw', () => {
  it('a path of 12,000 steps keeps under the scenario event limit and says what it left out', () => {
    const kinds: StepKind[] = ['map', 'write', 'branch', 'unmap', 'flush', 'read'];
    for (const rule of ['missing-flush-dcache-page', 'missing-flush-kernel-vmap-range']) {
      const steps = Array.from({ length: 12_000 }, (_, i) => ({
        line: i + 1,
        kind: kinds[i % kinds.length]!,
        note: '',
      }));
      const r = simulateFinding({ rule, line: 1, steps });
      assert.ok(
        r.notes.some((n) => n.includes('path of 12000 steps')),
        rule,
      );
    }
  });

  const odd: [string, FindingInput][] = [
    ['no steps', { rule: 'missing-flush-dcache-page', line: 5, steps: [] }],
    [
      'no map step',
      { rule: 'missing-flush-dcache-page', line: 5, steps: [{ line: 5, kind: 'write', note: '' }] },
    ],
    [
      'steps out of order',
      {
        rule: 'missing-invalidate-kernel-vmap-range',
        line: 9,
        steps: [
          { line: 9, kind: 'read', note: '' },
          { line: 3, kind: 'complete', note: '' },
          { line: 1, kind: 'unmap', note: '' },
          { line: 2, kind: 'submit-read', note: '' },
        ],
      },
    ],
    [
      'newlines in the rule and file name',
      { rule: 'r\nclean_inval_all', file: 'a.c\nclean_inval_all', line: 2, steps: [] },
    ],
    [
      'unknown kinds and rule',
      {
        rule: 'who-knows',
        line: 0,
        steps: [{ line: -3, kind: 'teleport' as StepKind, note: 'a "quoted"\nnote' }],
      },
    ],
    // Garbage a JSON caller could send despite the types.
    [
      'garbage',
      {
        rule: 7,
        line: Number.NaN,
        steps: [null, { line: 'x', kind: 'write', size: -4 }],
      } as unknown as FindingInput,
    ],
    [
      'steps not an array',
      {
        rule: 'missing-flush-kernel-vmap-range',
        line: 1,
        steps: 'nope',
      } as unknown as FindingInput,
    ],
  ];
  for (const [what, f] of odd) {
    it(what, () => {
      for (const p of ['arm1176-32k', 'mips-r4400pc-16k']) {
        const g = findingToScenario(f, p);
        assert.deepEqual(parseScenario(g.text).errors, [], g.text);
        const r = simulateFinding(f, p);
        assert.deepEqual([...r.asWritten.errors, ...r.withFix.errors], []);
        assert.ok(r.asWritten.assertions.length > 0, 'an observer is always appended');
      }
    });
  }

  it('random paths on every preset: always a parseable, runnable scenario, never corrupted on pipt-32k', () => {
    const kinds: StepKind[] = [
      'map',
      'write',
      'read',
      'flush',
      'unmap',
      'branch',
      'publish',
      'return',
      'vmap',
      'flush-vmap',
      'invalidate-vmap',
      'submit-write',
      'submit-read',
      'complete',
      'call',
    ];
    const rules = [
      'missing-flush-dcache-page',
      'missing-flush-kernel-vmap-range',
      'missing-invalidate-kernel-vmap-range',
      'invalidate-before-write-io',
      'vmap-range-mismatch',
      'other',
    ];
    const rng = new Prng(2024);
    for (let i = 0; i < 60; i++) {
      const steps: FindingStep[] = Array.from({ length: rng.below(8) }, () => {
        const s: FindingStep = {
          line: 1 + rng.below(200),
          kind: kinds[rng.below(kinds.length)] ?? 'call',
          note: 'n',
        };
        if (rng.below(2) === 1) s.size = 1 + rng.below(9000);
        return s;
      });
      const f: FindingInput = {
        rule: rules[rng.below(rules.length)] ?? 'other',
        line: 1 + rng.below(200),
        steps,
      };
      const preset = PRESETS[rng.below(PRESETS.length)]?.id ?? 'pipt-32k';
      const r = simulateFinding(f, preset);
      assert.deepEqual([...r.asWritten.errors, ...r.withFix.errors], [], JSON.stringify(f));
      const pipt = simulateFinding(f, 'pipt-32k');
      assert.equal(pipt.asWritten.corrupted || pipt.withFix.corrupted, false, JSON.stringify(f));
    }
  });
});

describe('where each bug can show (as written / with the fix, C = corrupted)', () => {
  const matrix: [string, FindingInput, Record<string, string>][] = [
    [
      'missing-flush-dcache-page',
      dcache,
      {
        'arm1176-32k': 'C-',
        'arm1136-64k': 'C-',
        'arm926-16k-vivt': 'C-',
        'mips-r4400pc-16k': 'C-',
        'sh7750-16k': 'C-',
        'xtensa-mmuhifi-c3': 'C-',
        'ultrasparc-ii-16k': 'C-',
        'pipt-32k': '--',
        'pa8600-1m': '--', // kunmap flushes the kernel alias on PA-RISC
      },
    ],
    [
      'missing-flush-kernel-vmap-range',
      vmapWrite,
      {
        'arm1176-32k': 'C-',
        'arm1136-64k': 'C-',
        'arm926-16k-vivt': 'C-',
        'mips-r4400pc-16k': 'C-',
        'sh7750-16k': 'C-',
        'xtensa-mmuhifi-c3': 'CC', // the vmap-range APIs are empty there
        'pa8600-1m': '--',
        'ultrasparc-ii-16k': '--', // coherent DMA
        'pipt-32k': '--',
      },
    ],
  ];
  for (const [rule, f, expected] of matrix) {
    it(rule, () => {
      const got: Record<string, string> = {};
      for (const p of PRESETS) {
        const r = simulateFinding(f, p.id);
        got[p.id] = (r.asWritten.corrupted ? 'C' : '-') + (r.withFix.corrupted ? 'C' : '-');
      }
      assert.deepEqual(got, expected);
    });
  }
});

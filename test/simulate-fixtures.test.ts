// Issue 4's promise, checked once for every flagged fixture of every registered rule: simulating
// the finding shows corruption as written and none with the fix on the presets where the bug
// loses data, and nothing at all on pipt-32k (a cache that never aliases). A rule registered
// later gets the default expectation below without touching this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateEngineFinding, simulates } from '../server/src/simulation';
import { RULE_IDS } from '../server/src/rules/index';
import { fixtureFiles, lint, lineOfOffset, ruleFixtureDir } from './helpers';

interface Expectation {
  /** Presets on which the finding loses data as written and none with the fix. */
  corruptOn: string[];
  /** Presets on which the code as written is harmless (the bug needs another cache). */
  cleanOn?: string[];
  /** Who reads the wrong bytes: user space, the CPU after read I/O, the device. */
  observer?: string;
}

/** Steps the simulator shows but does not replay as a cache or I/O operation. */
const NOTES = new Set<string>(['origin', 'branch', 'return', 'call']);

const DEFAULT: Expectation = { corruptOn: ['arm1176-32k'] };

const EXPECT: Record<string, Expectation | { skip: string }> = {
  'missing-flush-dcache-page': { corruptOn: ['arm1176-32k', 'sh7750-16k'], observer: 'user' },
  'deprecated-flush-kernel-dcache-page': {
    skip: 'a rename: the old name still flushes, so there is no lost data to show',
  },
  'missing-flush-kernel-vmap-range': { corruptOn: ['arm1176-32k'], observer: 'device' },
  'missing-invalidate-kernel-vmap-range': { corruptOn: ['arm1176-32k'], observer: 'cpu' },
  'vmap-range-mismatch': { corruptOn: ['arm1176-32k'] },
  'missing-flush-before-kernel-read': { corruptOn: ['arm1176-32k'], observer: 'cpu' },
  // ARM's invalidate cleans first (harmless there); SH-4's ocbi and PA-RISC's pdc discard.
  'invalidate-before-write-io': {
    corruptOn: ['sh7750-16k', 'pa8600-1m'],
    cleanOn: ['arm1176-32k'],
    observer: 'device',
  },
};

test('simulate fixtures: every expectation names a registered rule', () => {
  for (const rule of Object.keys(EXPECT)) assert.ok(RULE_IDS.includes(rule), rule);
});

for (const rule of RULE_IDS) {
  const e = EXPECT[rule] ?? DEFAULT;
  if ('skip' in e) continue;
  test(`simulate every flagged ${rule} fixture: corrupt as written on ${e.corruptOn.join(', ')}, clean with the fix and on pipt-32k`, async () => {
    let simulated = 0;
    for (const { name, text } of fixtureFiles(ruleFixtureDir(rule))) {
      for (const f of (await lint(text, [rule])).findings) {
        const where = `${name}:${lineOfOffset(text, f.start)} (${f.function})`;
        // The generator assumes an access a path lacks, so a path of notes alone would still
        // "corrupt": the finding itself must carry what is replayed.
        assert.ok(
          f.path.some((s) => !NOTES.has(s.kind)),
          `${where}: the path holds a cache or I/O step to replay, not only notes`,
        );
        for (const preset of e.corruptOn) {
          const sim = simulateEngineFinding(text, name, f, preset);
          assert.equal(sim.asWritten.corrupted, true, `${where}: corrupt as written on ${preset}`);
          assert.equal(sim.withFix.corrupted, false, `${where}: clean with the fix on ${preset}`);
          if (e.observer) assert.equal(sim.asWritten.observer, e.observer, where);
        }
        for (const preset of [...(e.cleanOn ?? []), 'pipt-32k']) {
          const sim = simulateEngineFinding(text, name, f, preset);
          assert.equal(
            sim.asWritten.corrupted || sim.withFix.corrupted,
            false,
            `${where}: nothing lost on ${preset}`,
          );
        }
        simulated++;
      }
    }
    assert.ok(simulated > 0, `${rule}: the fixtures hold flagged examples`);
  });
}

test('the reading side on sh7750-16k: corrupt as written, and the scenario says why the flush cannot repair it there', async () => {
  const rule = 'missing-flush-before-kernel-read';
  let simulated = 0;
  for (const { name, text } of fixtureFiles(ruleFixtureDir(rule))) {
    for (const f of (await lint(text, [rule])).findings) {
      const sim = simulateEngineFinding(text, name, f, 'sh7750-16k');
      const where = `${name}:${lineOfOffset(text, f.start)}`;
      assert.equal(sim.asWritten.corrupted, true, `${where}: corrupt as written`);
      assert.ok(
        sim.notes.some((n) => /writes back the kernel colour only/.test(n)),
        `${where}: ${sim.notes.join(' | ')}`,
      );
      simulated++;
    }
  }
  assert.ok(simulated > 0);
});

test('a renamed call has nothing to simulate: no lens, no simulated verdict', async () => {
  const rule = 'deprecated-flush-kernel-dcache-page';
  let seen = 0;
  for (const { text } of fixtureFiles(ruleFixtureDir(rule)))
    for (const f of (await lint(text, [rule])).findings) {
      assert.equal(simulates(f), false);
      seen++;
    }
  assert.ok(seen > 0);
  // Only that rule: a rule registered later whose findings have nothing to simulate must not
  // break this test by reporting in another rule's fixture.
  const dcache = 'missing-flush-dcache-page';
  const flagged = (await lint(fixtureFiles(ruleFixtureDir(dcache))[0]!.text, [dcache])).findings;
  assert.ok(flagged.length > 0 && flagged.every(simulates));
});

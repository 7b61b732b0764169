// Issue 4's promise, checked on every flagged fixture of every rule: simulating the finding shows
// corruption as written and none with the fix on the rule's preset, and none at all on pipt-32k.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulateEngineFinding } from '../server/src/simulation';
import { RULE_IDS } from '../server/src/rules/index';
import { fixtureFiles, lint, lineOfOffset } from './helpers';

/** invalidate-before-write-io only loses data where invalidation discards dirty lines (S7). */
const PRESET: Record<string, string> = { 'invalidate-before-write-io': 'sh7750-16k' };

for (const rule of RULE_IDS) {
  const dir = join(__dirname, 'fixtures/rules', rule);
  if (!existsSync(dir) || readdirSync(dir).length === 0) continue;
  test(`simulate every ${rule} fixture finding: corrupt as written, clean with the fix, clean on pipt-32k`, async () => {
    let simulated = 0;
    for (const { name, text } of fixtureFiles(dir)) {
      const { findings } = await lint(text, [rule]);
      for (const f of findings) {
        const where = `${name}:${lineOfOffset(text, f.start)} (${f.function})`;
        const sim = simulateEngineFinding(text, name, f, PRESET[rule] ?? 'arm1176-32k');
        assert.equal(sim.asWritten.corrupted, true, `${where}: as written should be corrupt`);
        assert.equal(sim.withFix.corrupted, false, `${where}: with the fix should be clean`);
        const pipt = simulateEngineFinding(text, name, f, 'pipt-32k');
        assert.equal(
          pipt.asWritten.corrupted || pipt.withFix.corrupted,
          false,
          `${where}: pipt-32k never aliases`,
        );
        simulated++;
      }
    }
    assert.ok(simulated > 0, 'the fixtures hold flagged examples');
  });
}

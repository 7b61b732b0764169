// Every shipped .fgs example parses, runs, documents its buggy bytes correctly, is correct with
// the fix, and shows no corruption at all on the non-aliasing control preset.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseScenario } from './parser';
import { runScenario } from './run';

const dir = new URL('../../../examples/scenarios/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.fgs'))
  .sort();

describe('examples/scenarios', () => {
  it('ships the golden scenarios', () => {
    assert.ok(files.length >= 8, `only ${files.length} example files`);
    for (const s of ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']) {
      assert.ok(
        files.some((f) => f.startsWith(`${s}-`)),
        `missing ${s}`,
      );
    }
  });

  for (const f of files) {
    describe(f, () => {
      const parsed = parseScenario(readFileSync(new URL(f, dir), 'utf8'));
      it('parses without errors and names its preset', () => {
        assert.deepEqual(parsed.errors, []);
        assert.ok(parsed.scenario?.preset);
      });
      const s = parsed.scenario;
      if (!s) return;
      const own = runScenario(s);
      it(`as written, on ${s.preset}, observes the documented buggy bytes`, () => {
        assert.deepEqual(own.asWritten.errors, []);
        assert.ok(own.asWritten.assertions.length > 0);
        for (const a of own.asWritten.assertions)
          assert.equal(a.observed, a.buggy ?? a.expected, `line ${a.line}`);
      });
      it('with the fix, every expectation holds', () => {
        assert.deepEqual(own.withFix.errors, []);
        assert.ok(own.withFix.assertions.every((a) => a.ok));
        assert.equal(own.withFix.corrupted, false);
      });
      it('shows no corruption on pipt-32k, with or without the fix', () => {
        const pipt = runScenario(s, 'pipt-32k');
        assert.deepEqual([...pipt.asWritten.errors, ...pipt.withFix.errors], []);
        assert.equal(pipt.asWritten.corrupted, false);
        assert.equal(pipt.withFix.corrupted, false);
      });
    });
  }
});

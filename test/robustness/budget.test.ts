/**
 * The time budget inside one function (issue 15, item 3): the deadline is checked in the
 * analysis loops, not only between functions, so a single huge function cannot outlive it.
 * The cases parse first without a deadline, so that only the analysis can hit it; without the
 * checks inside the loops each analysis below runs to its end (seconds to minutes) and returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintParsed } from '../../server/src/linter';
import { BudgetExceeded, parseC } from '../../server/src/parsing/parser';
import { checkDeadline, withDeadline } from '../../server/src/parsing/deadline';
import { IncrementalLinter } from '../../server/src/lsp/incrementalLint';
import { RULE_IDS } from '../../server/src/rules/index';
import { manyFunctions, manyIfs, manyIfsVmap } from '../../scripts/fuzz/hostileInputs';
import { testParser } from '../helpers';

test('deadline: checkDeadline throws once the running deadline has passed, and only then', () => {
  assert.doesNotThrow(() => {
    for (let i = 0; i < 10_000; i++) checkDeadline();
  });
  assert.throws(
    () =>
      withDeadline(performance.now() - 1, () => {
        for (let i = 0; i < 10_000; i++) checkDeadline();
      }),
    BudgetExceeded,
  );
  // The outer deadline comes back after an inner one, and a tighter outer one is kept.
  withDeadline(performance.now() + 60_000, () => {
    assert.throws(() => withDeadline(performance.now() - 1, () => checkDeadline()), BudgetExceeded);
    assert.doesNotThrow(() => {
      for (let i = 0; i < 1_000; i++) checkDeadline();
    });
  });
  assert.throws(
    () =>
      withDeadline(performance.now() - 1, () =>
        withDeadline(undefined, () => {
          for (let i = 0; i < 1_000; i++) checkDeadline();
        }),
      ),
    BudgetExceeded,
  );
});

for (const [what, source] of [
  ['30,000 ifs over 5 written pages', manyIfs(30_000, 5)],
  ['30,000 ifs over a vmap alias', manyIfsVmap(30_000)],
] as const) {
  test(`deadline: one function of ${what} stops at the deadline inside the analysis`, async () => {
    const parser = await testParser();
    const parsed = parseC(parser, source);
    try {
      assert.throws(
        () => lintParsed(parsed, { deadline: performance.now() + 200 }),
        (e: unknown) => e instanceof BudgetExceeded && /time budget/.test(e.message),
      );
      // The language server's incremental linter stops the same way.
      assert.throws(
        () => new IncrementalLinter().lint(parsed, RULE_IDS, performance.now() + 200),
        BudgetExceeded,
      );
    } finally {
      parsed.tree.delete();
    }
  });
}

const MAIN = join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('deadline: simulate shares the time budget (before, it had none)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-budget-'));
  const file = join(dir, 'ifs.c');
  writeFileSync(file, manyIfs(30_000, 5));
  const r = cli('simulate', file, '--line', '10', '--budget', '200');
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '');
  assert.match(r.err, /ifs\.c: not simulated: .*took longer than the time budget \(200 ms\)/);
});

test('deadline: a file skipped at the budget is named on stderr and counted, never silent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-budget-'));
  writeFileSync(join(dir, 'many.c'), manyFunctions(2_000));
  const r = cli('lint', '--format', 'json', '--jobs', '1', '--no-cache', '--budget', '1', dir);
  assert.match(r.err, /many\.c: skipped: .*time budget \(1 ms\)/);
  const json = JSON.parse(r.out) as { filesScanned: number; skipped?: number };
  assert.equal(json.skipped, 1);
});

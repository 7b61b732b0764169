/**
 * The language server's analysis threads (server/src/lsp/analysisHost.ts): a running analysis of a
 * huge function stops soon after it is no longer wanted (inside the function, not at its end), and
 * a job the lane cannot send fails alone while the lane goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisHost } from '../../server/src/lsp/analysisHost';
import type { Analysis } from '../../server/src/lsp/documentAnalysis';
import { emptySettings } from '../../server/src/config/settings';
import type { Settings } from '../../server/src/config/settings';
import { manyIfs } from '../../scripts/fuzz/hostileInputs';

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

const job = (key: string, source: string, settings: Settings = emptySettings()) =>
  ({
    kind: 'document',
    key,
    source,
    version: 1,
    settings,
    interim: false,
    budgetMs: 120_000,
  }) as const;

test('analysis host: a stale run of a huge function stops inside it; the lane then serves the next job', async () => {
  const host = new AnalysisHost(() => undefined);
  try {
    const first = (await host.run(job('small', BAD), () => false)) as Analysis;
    assert.equal(first.findings.length, 1);
    // How long one small analysis takes here, for the bound below.
    const t0 = performance.now();
    await host.run(job('small2', `${BAD}\n`), () => false);
    const small = performance.now() - t0;

    let stop = false;
    const started = performance.now();
    const running = host.run(job('huge', manyIfs(30_000, 30)), () => stop);
    // Wanted until it has surely entered the function, then not.
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    const stoppedAt = performance.now();
    assert.equal(await running, undefined);
    const stopMs = performance.now() - stoppedAt;
    assert.ok(
      stopMs < 20 * small + 1000,
      `stopped ${Math.round(stopMs)} ms after the cancel (a small analysis: ${Math.round(small)} ms)`,
    );
    assert.ok(stoppedAt - started < 10_000);
    const next = (await host.run(job('small', BAD), () => false)) as Analysis;
    assert.equal(next.findings.length, 1);
  } finally {
    await host.dispose();
  }
});

test('analysis host: a job that cannot be sent fails alone', async () => {
  const host = new AnalysisHost(() => undefined);
  try {
    const odd = { ...emptySettings(), hook: () => 1 } as unknown as Settings;
    await assert.rejects(
      host.run(job('odd', BAD, odd), () => false),
      /could not be cloned/,
    );
    const next = (await host.run(job('small', BAD), () => false)) as Analysis;
    assert.equal(next.findings.length, 1);
  } finally {
    await host.dispose();
  }
});

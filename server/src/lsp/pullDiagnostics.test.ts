import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CancellationToken, DocumentDiagnosticParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { testParser } from '../../../test/helpers';
import { parseC } from '../parsing/parser';
import { lintParsed } from '../linter';
import type { Analysis } from './analysisResult';
import type { ServerContext } from './context';
import { pullDiagnostics } from './pullDiagnostics';

// The pull handler answers with the interim (edited functions only) result as soon as it exists
// and asks the client to pull again when the full re-check then differs. Whether a real edit
// makes the two differ depends on which verdicts the quick pass re-reads, so the end-to-end test
// in test/lsp/server.test.ts cannot force it; here the analysis is scripted.

const DEMO = readFileSync(join(__dirname, '../../../test/lsp/fixtures/demo.c'), 'utf8');
const URI = 'file:///tmp/demo.c';
const never = { isCancellationRequested: false } as CancellationToken;

async function analysisOf(quick: boolean, withFindings: boolean): Promise<Analysis> {
  const parsed = parseC(await testParser(), DEMO);
  try {
    const { findings } = lintParsed(parsed);
    assert.ok(findings.length > 0, 'the demo fixture has a finding');
    return {
      version: 1,
      source: DEMO,
      findings: withFindings ? findings : [],
      unused: [],
      unknown: [],
      skipped: [],
      quick,
    };
  } finally {
    parsed.tree.delete();
  }
}

/** A context whose analysis first reports `interim` (when the client may be refreshed), then `full`. */
function context(
  interim: Analysis,
  full: Analysis | undefined,
  refreshSupport: boolean,
): { ctx: ServerContext; refreshes: () => number; settled: Promise<void> } {
  let refreshes = 0;
  let finish: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (finish = resolve));
  const doc = TextDocument.create(URI, 'c', 1, DEMO);
  const ctx = {
    documents: { get: (uri: string) => (uri === URI ? doc : undefined) },
    client: { refreshSupport },
    connection: {
      languages: {
        diagnostics: {
          refresh: () => {
            refreshes++;
            return Promise.resolve();
          },
        },
      },
    },
    analysis: (_uri: string, _token?: CancellationToken, quick?: (a: Analysis) => void) => {
      quick?.(interim);
      // The full result lands after the pull has been answered.
      return new Promise<Analysis | undefined>((resolve) =>
        setTimeout(() => {
          resolve(full);
          setTimeout(finish, 10);
        }, 20),
      );
    },
  } as unknown as ServerContext;
  return { ctx, refreshes: () => refreshes, settled };
}

const params: DocumentDiagnosticParams = { textDocument: { uri: URI } };

test('pull: the interim answer comes first and a refresh follows when the full check differs', async () => {
  const { ctx, refreshes, settled } = context(
    await analysisOf(true, false),
    await analysisOf(false, true),
    true,
  );
  const report = await pullDiagnostics(ctx, params, never);
  assert.equal(report.kind, 'full');
  assert.deepEqual('items' in report ? report.items : undefined, []);
  await settled;
  assert.equal(refreshes(), 1);
});

test('pull: no refresh when the full check agrees with the interim answer', async () => {
  const { ctx, refreshes, settled } = context(
    await analysisOf(true, true),
    await analysisOf(false, true),
    true,
  );
  const report = await pullDiagnostics(ctx, params, never);
  assert.ok('items' in report && report.items.length > 0);
  await settled;
  assert.equal(refreshes(), 0);
});

test('pull: no refresh when the full check was superseded', async () => {
  const { ctx, refreshes, settled } = context(await analysisOf(true, false), undefined, true);
  await pullDiagnostics(ctx, params, never);
  await settled;
  assert.equal(refreshes(), 0);
});

test('pull: a client without refresh support waits for the full answer', async () => {
  const { ctx, refreshes, settled } = context(
    await analysisOf(true, false),
    await analysisOf(false, true),
    false,
  );
  const report = await pullDiagnostics(ctx, params, never);
  assert.ok('items' in report && report.items.length > 0);
  await settled;
  assert.equal(refreshes(), 0);
});

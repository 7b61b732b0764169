/**
 * The language server stays responsive while one huge function is analysed (issue 15, item 3):
 * the analysis runs on its own thread (code actions on another), so hover, code actions, a newer
 * edit and `shutdown` are answered at
 * once, and a newer edit stops the stale run inside the function. Bounds are measured against
 * the same server's idle answers in the same run (the machine is shared and noisy); without the
 * analysis thread each answer below waits for the whole function (seconds, up to the budget).
 * Needs `npm run build` (dist/server.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspProcess } from './lspProcess';
import type { Message } from './lspProcess';
import { manyIfs } from '../../scripts/fuzz/hostileInputs';

const SMALL =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const SMALL_URI = 'file:///robustness/small.c';
const BIG_URI = 'file:///robustness/huge.c';
/** The huge function takes longer than this budget; the budget bounds the test's length. */
const BUDGET_MS = 8_000;

const isPublished = (uri: string, version: number) => (m: Message) =>
  m.method === 'textDocument/publishDiagnostics' &&
  (m.params as { uri: string; version?: number }).uri === uri &&
  (m.params as { version?: number }).version === version;

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test(
  'lsp responsive: hover, code actions, a newer edit and shutdown are answered while a 30,000-if function is analysed',
  { timeout: 120_000 },
  async (t) => {
    const s = await LspProcess.start({ budgetMs: BUDGET_MS });
    try {
      s.notify('textDocument/didOpen', {
        textDocument: { uri: SMALL_URI, languageId: 'c', version: 1, text: SMALL },
      });
      await s.waitFor(isPublished(SMALL_URI, 1));
      const hover = () =>
        s.request('textDocument/hover', {
          textDocument: { uri: SMALL_URI },
          position: { line: 3, character: 2 },
        });
      const codeAction = () =>
        s.request('textDocument/codeAction', {
          textDocument: { uri: SMALL_URI },
          range: { start: { line: 3, character: 0 }, end: { line: 3, character: 4 } },
          context: { diagnostics: [] },
        });
      const idle: number[] = [];
      for (let i = 0; i < 5; i++) idle.push(await timed(hover));
      await codeAction();
      const idleActions: number[] = [];
      for (let i = 0; i < 3; i++) idleActions.push(await timed(codeAction));
      // An idle edit-to-diagnostics round trip of the small document.
      let smallVersion = 1;
      const edit = async (uri: string, version: number, text: string): Promise<void> => {
        const from = s.received.length;
        s.notify('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ text }],
        });
        await s.waitFor(isPublished(uri, version), from);
      };
      const idleEdit = median([
        await timed(() => edit(SMALL_URI, ++smallVersion, `${SMALL}\n`)),
        await timed(() => edit(SMALL_URI, ++smallVersion, SMALL)),
        await timed(() => edit(SMALL_URI, ++smallVersion, `${SMALL}\n`)),
      ]);
      const bound = (idleMs: number): number => 20 * idleMs + 150;

      // The huge function: its analysis runs until the budget.
      const big = manyIfs(30_000, 30);
      const bigFrom = s.received.length;
      s.notify('textDocument/didOpen', {
        textDocument: { uri: BIG_URI, languageId: 'c', version: 1, text: big },
      });
      const bigDone = s.waitFor(isPublished(BIG_URI, 1), bigFrom).then(() => performance.now());
      const busy: number[] = [];
      for (let i = 0; i < 5; i++) busy.push(await timed(hover));
      const busyActions: number[] = [];
      for (let i = 0; i < 3; i++) busyActions.push(await timed(codeAction));
      const hoversDone = performance.now();
      const ms = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
      t.diagnostic(`hover idle ${ms(idle)} ms, busy ${ms(busy)} ms`);
      t.diagnostic(`code action idle ${ms(idleActions)} ms, busy ${ms(busyActions)} ms`);
      assert.ok(
        Math.max(...busy) < bound(median(idle)),
        `hover while busy ${busy.map(Math.round).join(', ')} ms; idle median ${median(idle).toFixed(1)} ms`,
      );
      assert.ok(
        Math.max(...busyActions) < bound(median(idleActions)),
        `code action while busy ${busyActions.map(Math.round).join(', ')} ms; idle median ${median(idleActions).toFixed(1)} ms`,
      );

      // A newer edit of the huge document stops the stale run: the new version is analysed
      // about as fast as an idle edit, not after the rest of the old run.
      const editMs = await timed(() => edit(BIG_URI, 2, SMALL));
      t.diagnostic(`newer edit ${editMs.toFixed(0)} ms, idle edit ${idleEdit.toFixed(0)} ms`);
      assert.ok(
        editMs < bound(idleEdit),
        `newer edit answered after ${Math.round(editMs)} ms; idle edit ${Math.round(idleEdit)} ms`,
      );
      // The stale version's diagnostics never come after the hovers (it was still running then).
      const staleAt = await Promise.race([bigDone, Promise.resolve(Infinity)]);
      assert.ok(staleAt === Infinity || staleAt > hoversDone, 'the huge function was done early');

      // Again busy, and shutdown is answered at once.
      const from = s.received.length;
      s.notify('textDocument/didChange', {
        textDocument: { uri: BIG_URI, version: 3 },
        contentChanges: [{ text: big }],
      });
      await timed(hover);
      const shutdownMs = await timed(() => s.request('shutdown', null));
      t.diagnostic(`shutdown while busy ${shutdownMs.toFixed(1)} ms`);
      assert.ok(
        shutdownMs < bound(median(idle)),
        `shutdown answered after ${Math.round(shutdownMs)} ms; idle hover ${median(idle).toFixed(1)} ms`,
      );
      assert.equal(
        s.received.slice(from).some(isPublished(BIG_URI, 3)),
        false,
        'the huge function was done before shutdown',
      );
    } finally {
      await s.stop();
    }
  },
);

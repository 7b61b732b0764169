/**
 * The built language server against requests for documents it does not have and against
 * malformed messages: each request gets an answer (an error where it cannot be served), and the
 * server goes on serving. Needs `npm run build` (dist/server.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspProcess } from './lspProcess';
import type { Message } from './lspProcess';

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const URI = 'file:///robustness/open.c';

async function stillServes(s: LspProcess): Promise<void> {
  const r = await s.request('flushguard/presets', null);
  assert.ok(Array.isArray(r.result), `presets after abuse: ${JSON.stringify(r)}`);
  assert.equal(s.exited, undefined);
}

test(
  'lsp robustness: requests for unknown and closed documents are answered, not crashed on',
  { timeout: 60_000 },
  async () => {
    const s = await LspProcess.start();
    try {
      const closed = 'file:///robustness/closed.c';
      s.notify('textDocument/didOpen', {
        textDocument: { uri: closed, languageId: 'c', version: 1, text: BAD },
      });
      s.notify('textDocument/didClose', { textDocument: { uri: closed } });
      for (const uri of ['file:///robustness/never-opened.c', closed, 'not a uri at all']) {
        const doc = { textDocument: { uri } };
        const pos = { ...doc, position: { line: 3, character: 2 } };
        const range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
        const answers: Message[] = await Promise.all([
          s.request('textDocument/hover', pos),
          s.request('textDocument/codeAction', { ...doc, range, context: { diagnostics: [] } }),
          s.request('textDocument/codeLens', doc),
          s.request('flushguard/simulate', { uri, line: 4 }),
        ]);
        for (const a of answers)
          assert.ok(a.result !== undefined || a.error !== undefined, JSON.stringify(a));
        const simulate = answers[3]!;
        assert.equal(
          simulate.error?.code,
          -32602,
          `simulate on ${uri}: ${JSON.stringify(simulate)}`,
        );
        assert.match(simulate.error.message, /not open/);
      }
      await stillServes(s);
    } finally {
      await s.stop();
    }
  },
);

test(
  'lsp robustness: malformed messages get error responses and the server goes on',
  { timeout: 60_000 },
  async () => {
    const s = await LspProcess.start();
    try {
      s.notify('textDocument/didOpen', {
        textDocument: { uri: URI, languageId: 'c', version: 1, text: BAD },
      });
      // Bodies that are not JSON, or JSON that is not a JSON-RPC message: nothing to answer, no crash.
      s.sendBody('{ this is not json');
      s.sendBody('[1, 2, 3]');
      s.sendBody('"just a string"');
      s.sendBody('\u0000\u0001\u0002');
      s.send({ jsonrpc: '2.0' });
      // Requests with an id: each is answered with an error.
      const unknown = s.requestId('no/such/method', {});
      const wrongParams = s.requestId('textDocument/hover', 42);
      const noParams = s.requestId('textDocument/hover', undefined);
      const badPosition = s.requestId('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: -7, character: 'x' },
      });
      const badSimulate = s.requestId('flushguard/simulate', { line: 'four' });
      const badPreset = s.requestId('flushguard/simulate', {
        uri: URI,
        line: 4,
        preset: 'no-such-cpu',
      });
      for (const id of [unknown, wrongParams, noParams, badSimulate, badPreset]) {
        const r = await s.responseTo(id);
        assert.ok(r.error, `request ${id} answered with an error: ${JSON.stringify(r)}`);
        assert.equal(typeof r.error.message, 'string');
      }
      assert.equal((await s.responseTo(unknown)).error?.code, -32601);
      const r = await s.responseTo(badPosition);
      assert.ok(r.result !== undefined || r.error !== undefined);
      // Notifications with nonsense: ignored without a crash.
      s.notify('textDocument/didChange', {
        textDocument: { uri: 'file:///never.c', version: 9 },
        contentChanges: [{ text: 'x' }],
      });
      s.notify('textDocument/didOpen', { textDocument: { uri: 'file:///half.c' } });
      s.notify('textDocument/didChange', {
        textDocument: { uri: URI, version: 2 },
        contentChanges: 'not an array',
      });
      await stillServes(s);
      assert.doesNotMatch(s.stderr, /Unhandled|uncaught/i);
    } finally {
      await s.stop();
    }
  },
);

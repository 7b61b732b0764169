/**
 * The built language server at its limits: a document longer than the parser takes is refused
 * up front with one diagnostic (no parse, no crash, other documents still served), and a client
 * that announces no workspace folders starts without an error in the log.
 * Needs `npm run build` (dist/server.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspProcess } from './lspProcess';
import type { Message } from './lspProcess';
import { MAX_PARSE_CHARS } from '../../server/src/parsing/parser';

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code?: string; message: string; range: { start: { line: number } } }[];
}

function published(s: LspProcess, uri: string, from = 0): Promise<Published> {
  return s
    .waitFor(
      (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as Published).uri === uri,
      from,
    )
    .then((m) => m.params as Published);
}

test(
  'lsp limits: a document over the parse limit gets one too-large diagnostic, fast, and the server goes on',
  { timeout: 120_000 },
  async () => {
    const s = await LspProcess.start();
    try {
      // Just over the limit, made of the buggy function so that every rule finds it relevant.
      const big = BAD.repeat(Math.ceil((MAX_PARSE_CHARS + 1) / BAD.length));
      assert.ok(big.length > MAX_PARSE_CHARS);
      const bigUri = 'file:///robustness/huge.c';
      const t0 = performance.now();
      const bigDiagnostics = published(s, bigUri);
      s.notify('textDocument/didOpen', {
        textDocument: { uri: bigUri, languageId: 'c', version: 1, text: big },
      });
      const p = await bigDiagnostics;
      const ms = performance.now() - t0;
      assert.equal(p.diagnostics.length, 1, JSON.stringify(p.diagnostics));
      const d = p.diagnostics[0]!;
      assert.equal(d.code, 'file-too-large');
      assert.equal(d.range.start.line, 0);
      assert.match(d.message, /too large to analyse/);
      assert.match(d.message, new RegExp(`${(big.length / 1024 / 1024).toFixed(1)} MiB`));
      assert.match(d.message, /16\.0 MiB limit/);
      // Parsing 16 MiB takes tens of seconds here; refusing it is a matter of the transfer.
      assert.ok(ms < 15_000, `too-large answer took ${Math.round(ms)} ms`);

      // A code action and a hover on it are answered, not crashed on.
      const doc = { textDocument: { uri: bigUri } };
      const range = { start: { line: 3, character: 0 }, end: { line: 3, character: 4 } };
      const action = await s.request('textDocument/codeAction', {
        ...doc,
        range,
        context: { diagnostics: [] },
      });
      assert.deepEqual(action.result, [], JSON.stringify(action.error));

      // Back under the limit, the same document is analysed again.
      const again = published(s, bigUri, s.received.length);
      s.notify('textDocument/didChange', {
        textDocument: { uri: bigUri, version: 2 },
        contentChanges: [{ text: BAD }],
      });
      const shrunk = await again;
      assert.equal(shrunk.version, 2);
      assert.deepEqual(
        shrunk.diagnostics.map((x) => x.code),
        ['missing-flush-dcache-page'],
      );

      // Another document is still analysed.
      const smallUri = 'file:///robustness/small.c';
      const small = published(s, smallUri);
      s.notify('textDocument/didOpen', {
        textDocument: { uri: smallUri, languageId: 'c', version: 1, text: BAD },
      });
      const found = await small;
      assert.deepEqual(
        found.diagnostics.map((x) => [x.code, x.range.start.line]),
        [['missing-flush-dcache-page', 3]],
      );
      assert.equal(s.exited, undefined);
      const errors = s.received.filter(
        (m) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1,
      );
      assert.deepEqual(errors, []);
    } finally {
      await s.stop();
    }
  },
);

test(
  'lsp limits: a client without workspace folders starts with no error in the log',
  { timeout: 60_000 },
  async () => {
    // A bare JSON-RPC client (or Neovim 0.7 without a root): no capabilities, no root, no folders.
    const s = new LspProcess();
    try {
      const init = await s.request('initialize', {
        processId: null,
        rootUri: null,
        capabilities: {},
      });
      assert.equal(init.error, undefined);
      s.notify('initialized', {});
      // Messages are handled in order: once this is answered, `initialized` has been handled.
      const presets = await s.request('flushguard/presets', null);
      assert.ok(Array.isArray(presets.result));
      const logged: Message[] = s.received.filter(
        (m) => m.method === 'window/logMessage' || m.method === 'window/showMessage',
      );
      const errors = logged.filter((m) => (m.params as { type: number }).type === 1);
      assert.deepEqual(errors, [], JSON.stringify(logged));
      assert.doesNotMatch(s.stderr, /error|failed/i);
      // And it still serves a document by push.
      const uri = 'file:///robustness/bare.c';
      const diagnostics = published(s, uri);
      s.notify('textDocument/didOpen', {
        textDocument: { uri, languageId: 'c', version: 1, text: BAD },
      });
      assert.equal((await diagnostics).diagnostics.length, 1);
    } finally {
      await s.stop();
    }
  },
);

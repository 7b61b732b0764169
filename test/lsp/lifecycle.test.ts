/**
 * The server over stdio as any client drives it, byte for byte: the end of a session (requests
 * after `shutdown` are refused as the LSP specification asks), the workspace check with the
 * params Neovim 0.7 sends, and the simulation for editors without the VS Code view.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspProcess } from '../robustness/lspProcess';
import type { Message } from '../robustness/lspProcess';

const DEMO = readFileSync(join(__dirname, 'fixtures', 'demo.c'), 'utf8');
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;

async function startIn(dir: string, window: Record<string, unknown> = {}): Promise<LspProcess> {
  const s = new LspProcess();
  const uri = pathToFileURL(dir).href;
  const init = await s.request('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'ws' }],
    capabilities: { workspace: { workspaceFolders: true }, window },
    initializationOptions: { debounceMs: 0 },
  });
  assert.equal(init.error, undefined);
  s.notify('initialized', {});
  return s;
}

function workspace(): { dir: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-life-'));
  writeFileSync(join(dir, 'demo.c'), DEMO);
  return { dir, uri: pathToFileURL(join(dir, 'demo.c')).href };
}

function open(s: LspProcess, uri: string): void {
  s.notify('textDocument/didOpen', {
    textDocument: { uri, languageId: 'c', version: 1, text: DEMO },
  });
}

const FINDING_LINE = 7;
/** A server that never answers fails the test instead of hanging it. */
const LIMIT = { timeout: 60_000 };

test(
  'after shutdown every request is refused with InvalidRequest; exit ends the server',
  LIMIT,
  async () => {
    const { dir, uri } = workspace();
    const s = await startIn(dir);
    open(s, uri);
    const before = await s.request('flushguard/unknown', {});
    assert.equal(before.error?.code, METHOD_NOT_FOUND, 'an unknown method before shutdown');
    const presets = await s.request('flushguard/presets', null);
    assert.ok(Array.isArray(presets.result));
    assert.equal((await s.request('shutdown', null)).error, undefined);
    const refused: [string, unknown][] = [
      [
        'textDocument/hover',
        { textDocument: { uri }, position: { line: FINDING_LINE, character: 2 } },
      ],
      ['textDocument/codeLens', { textDocument: { uri } }],
      ['flushguard/presets', null],
      ['flushguard/checkWorkspace', {}],
      ['workspace/executeCommand', { command: 'flushguard.checkWorkspace' }],
      ['flushguard/unknown', {}],
      ['shutdown', null],
    ];
    for (const [method, params] of refused) {
      const r = await s.request(method, params);
      assert.equal(
        r.error?.code,
        INVALID_REQUEST,
        `${method} after shutdown: ${JSON.stringify(r)}`,
      );
      assert.equal(r.result, undefined);
    }
    const exited = new Promise<number | null>((resolve) => s.proc.once('exit', resolve));
    s.notify('exit', null);
    assert.equal(await exited, 0);
  },
);

describe('the workspace check with the params each client sends', () => {
  let s: LspProcess;
  before(async () => {
    s = await startIn(workspace().dir);
  });
  after(async () => {
    await s.stop();
  });
  const check = async (params: unknown): Promise<Message> => {
    const id = s.requestId('flushguard/checkWorkspace', params);
    return s.responseTo(id);
  };
  for (const [what, params] of [
    ['{}', {}],
    ['[] (Neovim 0.7)', []],
    ['null', null],
    ['no params', undefined],
  ] as const) {
    test(`flushguard/checkWorkspace with ${what}`, LIMIT, async () => {
      const r = await check(params);
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      const result = r.result as { files: number; findings: number };
      assert.equal(result.files, 1);
      assert.equal(result.findings, 1);
    });
  }
  test('workspace/executeCommand flushguard.checkWorkspace without arguments', LIMIT, async () => {
    const r = await s.request('workspace/executeCommand', { command: 'flushguard.checkWorkspace' });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal((r.result as { findings: number }).findings, 1);
  });
});

/** A server on a fresh workspace with demo.c open; stopped after `f`. */
async function withDemo(
  window: Record<string, unknown>,
  f: (s: LspProcess, uri: string) => Promise<void>,
): Promise<void> {
  const { dir, uri } = workspace();
  const s = await startIn(dir, window);
  try {
    open(s, uri);
    await f(s, uri);
  } finally {
    await s.stop();
  }
}

interface CommandResult {
  document?: string;
  trace: string;
  verdict: string;
}

async function simulateLens(s: LspProcess, uri: string): Promise<CommandResult> {
  const r = await s.request('workspace/executeCommand', {
    command: 'flushguard.simulate',
    arguments: [{ uri, line: FINDING_LINE }],
  });
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  return r.result as CommandResult;
}

describe('simulation outside VS Code', () => {
  test('with showDocument the server opens a read-only text trace of both runs', LIMIT, () =>
    withDemo({ showDocument: { support: true } }, async (s, uri) => {
      const from = s.received.length;
      const result = await simulateLens(s, uri);
      const show = await s.waitFor((m) => m.method === 'window/showDocument', from);
      const params = show.params as { uri: string };
      assert.equal(params.uri, result.document);
      const path = fileURLToPath(params.uri);
      const text = readFileSync(path, 'utf8');
      assert.equal(text, result.trace);
      assert.match(text, /^demo\.c:8: .*\[missing-flush-dcache-page\]/);
      assert.match(text, /== As written ==/);
      assert.match(text, /Summary: corrupted as written, correct with the fix\./);
      assert.equal(statSync(path).mode & 0o222, 0, 'the trace is read-only');
    }),
  );

  test('without showDocument the answer carries the trace and the verdict in words', LIMIT, () =>
    withDemo({}, async (s, uri) => {
      const from = s.received.length;
      const result = await simulateLens(s, uri);
      assert.equal(result.document, undefined);
      assert.match(result.trace, /Summary: corrupted as written/);
      assert.match(
        result.verdict,
        /^As written, user space reads `[0-9a-f ]+( …)?` at byte \d+ where it should read `[0-9a-f ]+( …)?`; with the fix, user space reads the right bytes \(simulated on arm1176-32k\)\.$/,
      );
      const message = await s.waitFor((m) => m.method === 'window/showMessage', from);
      assert.match((message.params as { message: string }).message, /As written, user space reads/);
      assert.equal(
        s.received.slice(from).some((m) => m.method === 'window/showDocument'),
        false,
      );
    }),
  );

  test('the hover on a finding gives the simulated verdict with the first bad bytes', LIMIT, () =>
    withDemo({}, async (s, uri) => {
      const line = DEMO.split('\n')[FINDING_LINE]!;
      const r = await s.request('textDocument/hover', {
        textDocument: { uri },
        position: { line: FINDING_LINE, character: line.search(/\S/) + 1 },
      });
      const value = (r.result as { contents: { value: string } }).contents.value;
      assert.match(value, /missing-flush-dcache-page/);
      assert.match(value, /\*\*Simulated:\*\* As written, user space reads `[0-9a-f ]+/);
      assert.match(value, /where it should read `/);
    }),
  );
});

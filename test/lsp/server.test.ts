/** Protocol tests: the language server over stdio, driven the way an editor drives it. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  CodeLens,
  Diagnostic,
  Hover,
  MarkupContent,
} from 'vscode-languageserver-protocol';
import { LspClient } from './client';

const DEMO = readFileSync(join(__dirname, 'fixtures', 'demo.c'), 'utf8');
const RULE = 'missing-flush-dcache-page';

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-lsp-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const uriIn = (dir: string, name: string): string => pathToFileURL(join(dir, name)).href;

async function actionsFor(
  client: LspClient,
  uri: string,
  d: Diagnostic,
  only?: string[],
): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d], ...(only ? { only } : {}) },
  });
}

function editsOf(
  a: CodeAction,
  uri: string,
): NonNullable<NonNullable<CodeAction['edit']>['changes']>[string] {
  const edits = a.edit?.changes?.[uri];
  assert.ok(edits, `action ${a.title} has edits for ${uri}`);
  return edits;
}

describe('language server, push diagnostics', () => {
  let client: LspClient;
  let dir: string;
  before(async () => {
    dir = workspace();
    client = await LspClient.start({
      rootPath: dir,
      settings: {},
      initializationOptions: { debounceMs: 0, reportTiming: true },
    });
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  test('a finding arrives with its rule, doc link, path and the document version', async () => {
    const uri = uriIn(dir, 'a.c');
    await client.open(uri, DEMO);
    const diags = await client.diagnosticsFor(uri, 1);
    assert.equal(diags.length, 1);
    const d = diags[0]!;
    assert.equal(d.code, RULE);
    assert.equal(d.source, 'flushguard');
    assert.equal(d.severity, 2);
    assert.equal(d.range.start.line, 7);
    assert.match(d.codeDescription?.href ?? '', /docs\/rules\/missing-flush-dcache-page\.md$/);
    assert.deepEqual(
      d.relatedInformation?.map((r) => r.location.range.start.line),
      [3, 5, 7, 8, 9],
    );
    assert.match(d.relatedInformation?.[0]?.message ?? '', /^origin: /);
    assert.match(d.relatedInformation?.[1]?.message ?? '', /mapped by kmap_local_page/);
  });

  test('code actions are quick fixes or refactorings, never fix-all; the flush fix removes the finding', async () => {
    const uri = uriIn(dir, 'b.c');
    await client.open(uri, DEMO);
    const [d] = await client.diagnosticsFor(uri, 1);
    assert.ok(d);
    const actions = await actionsFor(client, uri, d);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Insert flush_dcache_page(page);'), titles.join(' | '));
    assert.ok(titles.includes('Rewrite as memcpy_to_page()'), titles.join(' | '));
    assert.ok(
      titles.some((t) => t.startsWith('Suppress missing-flush-dcache-page')),
      titles.join(' | '),
    );
    for (const a of actions)
      assert.ok(a.kind === 'quickfix' || a.kind?.startsWith('refactor'), `${a.title}: ${a.kind}`);
    assert.deepEqual(await actionsFor(client, uri, d, ['source.fixAll']), []);
    const insert = actions.find((a) => a.title === 'Insert flush_dcache_page(page);')!;
    assert.equal(insert.isPreferred, true);
    const version = await client.applyEdits(uri, editsOf(insert, uri));
    assert.match(
      client.text(uri),
      /memcpy\(kaddr \+ off, src, len\);\n\tkunmap_local\(kaddr\);\n\tflush_dcache_page\(page\);|flush_dcache_page\(page\);\n\tkunmap_local/,
    );
    assert.deepEqual(await client.diagnosticsFor(uri, version), []);
  });

  test('the memcpy_to_page rewrite replaces the sequence and the finding goes', async () => {
    const uri = uriIn(dir, 'c.c');
    await client.open(uri, DEMO);
    const [d] = await client.diagnosticsFor(uri, 1);
    const rewrite = (await actionsFor(client, uri, d!)).find(
      (a) => a.title === 'Rewrite as memcpy_to_page()',
    )!;
    const version = await client.applyEdits(uri, editsOf(rewrite, uri));
    assert.match(client.text(uri), /\{\n\tmemcpy_to_page\(page, off, src, len\);\n\}/);
    assert.doesNotMatch(
      client.text(uri),
      /void \*kaddr = kmap_local_page\(page\);\n\n\tmemcpy\(kaddr/,
    );
    assert.deepEqual(await client.diagnosticsFor(uri, version), []);
  });

  test('a suppression comment silences the finding; once unused it is a hint', async () => {
    const uri = uriIn(dir, 'd.c');
    await client.open(uri, DEMO);
    const [d] = await client.diagnosticsFor(uri, 1);
    const suppress = (await actionsFor(client, uri, d!)).find((a) =>
      a.title.startsWith('Suppress'),
    )!;
    let version = await client.applyEdits(uri, editsOf(suppress, uri));
    assert.match(
      client.text(uri),
      /\t\/\* flushguard-disable-next-line missing-flush-dcache-page -- reason \*\/\n\tmemcpy/,
    );
    assert.deepEqual(await client.diagnosticsFor(uri, version), []);
    const withoutCopy = client
      .text(uri)
      .replace('\tmemcpy(kaddr + off, src, len);\n', '\tmemset(src, 0, len);\n');
    version = await client.change(uri, [{ text: withoutCopy }], withoutCopy);
    const diags = await client.diagnosticsFor(uri, version);
    assert.equal(diags.length, 1);
    assert.equal(diags[0]!.code, 'unused-suppression');
    assert.equal(diags[0]!.severity, 4);
    assert.deepEqual(diags[0]!.tags, [1]);
    const remove = (await actionsFor(client, uri, diags[0]!)).find((a) =>
      a.title.startsWith('Remove the unused'),
    );
    assert.ok(remove);
  });

  test('a one-character edit re-parses incrementally and re-analyses only the edited function', async () => {
    const uri = uriIn(dir, 'e.c');
    await client.open(uri, DEMO);
    await client.diagnosticsFor(uri, 1);
    const mark = client.mark();
    const at = DEMO.indexOf('st[0] = head;');
    const line = DEMO.slice(0, at).split('\n').length - 1;
    const character = at - DEMO.lastIndexOf('\n', at) - 1 + 'st[0] = head'.length;
    const next = DEMO.slice(0, at) + 'st[0] = head+1;' + DEMO.slice(at + 'st[0] = head;'.length);
    const version = await client.change(
      uri,
      [{ range: { start: { line, character }, end: { line, character } }, text: '+1' }],
      next,
    );
    type Timing = {
      uri: string;
      version: number;
      phase: string;
      parse: string;
      functionsAnalysed: number;
      functionsReused: number;
    };
    const of = (phase: string) => (p: Timing) =>
      p.uri === uri && p.version === version && p.phase === phase;
    // First the edited function alone (published at once), then the full re-check.
    const quick = await client.waitFor<Timing>('flushguard/analysed', of('quick'), mark);
    assert.equal(quick.parse, 'incremental');
    assert.equal(quick.functionsAnalysed, 1);
    assert.equal(quick.functionsReused, 1);
    const full = await client.waitFor<Timing>('flushguard/analysed', of('full'), mark);
    assert.equal(full.functionsAnalysed, 0);
    assert.equal(full.functionsReused, 2);
    assert.equal((await client.diagnosticsFor(uri, version)).length, 1);
  });

  test('hover explains a cache API and a finding, with links', async () => {
    const uri = uriIn(dir, 'f.c');
    await client.open(uri, DEMO);
    await client.diagnosticsFor(uri, 1);
    const lines = DEMO.split('\n');
    const flushLine = lines.findIndex((l) => l.includes('flush_dcache_page(page);'));
    const api = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: flushLine, character: 3 },
    });
    assert.match(
      (api.contents as MarkupContent).value,
      /flush_dcache_page\(\)\*\* — .*aliases?|user mappings/,
    );
    assert.match((api.contents as MarkupContent).value, /docs\.kernel\.org\/core-api\/cachetlb/);
    const onFinding = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 7, character: 3 },
    });
    assert.match((onFinding.contents as MarkupContent).value, /missing-flush-dcache-page\.md/);
    const nothing = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 0 },
    });
    assert.equal(nothing, null);
  });

  test('a Simulate code lens above each finding, and the simulate request answers it', async () => {
    const uri = uriIn(dir, 'g.c');
    await client.open(uri, DEMO);
    await client.diagnosticsFor(uri, 1);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri },
    });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.command?.title, 'Simulate');
    assert.equal(lenses[0]!.command?.command, 'flushguard.simulate');
    assert.deepEqual(lenses[0]!.command?.arguments, [{ uri, line: 7 }]);
    const payload = await client.request<{
      source: { rule: string; line: number };
      preset: string;
    }>('flushguard/simulate', { uri, line: 7 });
    assert.equal(payload.source.rule, RULE);
    assert.equal(payload.source.line, 8);
    await assert.rejects(
      client.request('flushguard/simulate', { uri, line: 7, preset: 'no-such-cpu' }),
      /unknown preset 'no-such-cpu'/,
    );
    // Editors without their own command (Neovim's codelens.run) execute the lens on the server.
    const mark = client.mark();
    const viaCommand = await client.request<{ preset: string }>(
      'workspace/executeCommand',
      lenses[0]!.command,
    );
    assert.equal(viaCommand.preset, 'arm1176-32k');
    const shown = await client.waitFor<{ message: string }>('window/showMessage', () => true, mark);
    assert.match(
      shown.message,
      /^FlushGuard: g\.c:8: As written, user space reads `[0-9a-f ]+( …)?` at byte \d+ where it should read `[0-9a-f ]+( …)?`; with the fix, user space reads the right bytes \(simulated on arm1176-32k\)\.$/,
    );
  });

  test('requests about unknown documents get errors or empty answers, and the server lives on', async () => {
    const ghost = uriIn(dir, 'ghost.c');
    await assert.rejects(
      client.request('flushguard/simulate', { uri: ghost, line: 0 }),
      /not open/,
    );
    assert.deepEqual(
      await client.request('textDocument/codeAction', {
        textDocument: { uri: ghost },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      }),
      [],
    );
    await assert.rejects(client.request('flushguard/simulate', { nonsense: true }), /needs \{uri/);
    const uri = uriIn(dir, 'h.c');
    await client.open(uri, DEMO);
    assert.equal((await client.diagnosticsFor(uri, 1)).length, 1);
  });

  test('kmap_atomic converts to kmap_local_page as a refactoring at the cursor', async () => {
    const uri = uriIn(dir, 'i.c');
    await client.open(uri, DEMO);
    await client.diagnosticsFor(uri, 1);
    const line = DEMO.split('\n').findIndex((l) => l.includes('kmap_atomic(page)'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 13 }, end: { line, character: 13 } },
      context: { diagnostics: [] },
    });
    const convert = actions.find((a) => a.title === 'Convert kmap_atomic() to kmap_local_page()');
    assert.ok(convert, actions.map((a) => a.title).join(' | '));
    assert.equal(convert.kind, 'refactor.rewrite');
    await client.applyEdits(uri, editsOf(convert, uri));
    assert.match(client.text(uri), /int \*st = kmap_local_page\(page\);[^]*kunmap_local\(st\);/);
  });
});

describe('language server, settings', () => {
  test('severity from the editor, then off, then an invalid value named in a message', async () => {
    const dir = workspace();
    const client = await LspClient.start({
      rootPath: dir,
      settings: { rules: { [RULE]: { severity: 'error' } } },
    });
    try {
      const uri = uriIn(dir, 'a.c');
      await client.open(uri, DEMO);
      assert.equal((await client.diagnosticsFor(uri, 1))[0]?.severity, 1);
      let mark = client.mark();
      client.settings = { rules: { [RULE]: { severity: 'off' } } };
      await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: {},
      });
      const off = await client.waitFor<{ uri: string; diagnostics: Diagnostic[] }>(
        'textDocument/publishDiagnostics',
        (p) => p.uri === uri,
        mark,
      );
      assert.deepEqual(off.diagnostics, []);
      mark = client.mark();
      client.settings = { rules: { [RULE]: { severity: 'loud' } }, exclude: ['x/**'] };
      await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: {},
      });
      const msg = await client.waitFor<{ message: string }>('window/showMessage', () => true, mark);
      assert.match(
        msg.message,
        /flushguard\.rules\.missing-flush-dcache-page\.severity: expected one of off, hint, info, warning, error \(got "loud"\)/,
      );
      const back = await client.waitFor<{ uri: string; diagnostics: Diagnostic[] }>(
        'textDocument/publishDiagnostics',
        (p) => p.uri === uri,
        mark,
      );
      assert.equal(back.diagnostics[0]?.severity, 2);
    } finally {
      await client.stop();
    }
  });

  test('.flushguard.json applies, reloads when changed, and excluded files get no diagnostics', async () => {
    const dir = workspace({
      '.flushguard.json': JSON.stringify({ rules: { [RULE]: 'hint' }, exclude: ['gen/**'] }),
    });
    const client = await LspClient.start({ rootPath: dir });
    try {
      const uri = uriIn(dir, 'a.c');
      await client.open(uri, DEMO);
      assert.equal((await client.diagnosticsFor(uri, 1))[0]?.severity, 4);
      const excluded = pathToFileURL(join(dir, 'gen', 'b.c')).href;
      await client.open(excluded, DEMO);
      assert.deepEqual(await client.diagnosticsFor(excluded, 1), []);
      writeFileSync(
        join(dir, '.flushguard.json'),
        JSON.stringify({ rules: { [RULE]: { severity: 'warn' } } }),
      );
      const mark = client.mark();
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: uriIn(dir, '.flushguard.json'), type: 2 }],
      });
      const msg = await client.waitFor<{ message: string }>('window/showMessage', () => true, mark);
      assert.match(
        msg.message,
        /\.flushguard\.json: rules\.missing-flush-dcache-page\.severity: expected one of off, hint, info, warning, error \(got "warn"\)/,
      );
      const again = await client.waitFor<{ uri: string; diagnostics: Diagnostic[] }>(
        'textDocument/publishDiagnostics',
        (p) => p.uri === excluded && p.diagnostics.length === 1,
        mark,
      );
      assert.equal(again.diagnostics[0]?.severity, 2);
    } finally {
      await client.stop();
    }
  });
});

describe('language server, pull diagnostics and the workspace check', () => {
  test('a client that announces pull gets diagnostics by request and none pushed', async () => {
    const dir = workspace();
    const client = await LspClient.start({ rootPath: dir, pull: true, settings: {} });
    try {
      const uri = uriIn(dir, 'a.c');
      await client.open(uri, DEMO);
      const report = await client.request<{ kind: string; items: Diagnostic[] }>(
        'textDocument/diagnostic',
        { textDocument: { uri } },
      );
      assert.equal(report.kind, 'full');
      assert.equal(report.items.length, 1);
      assert.equal(report.items[0]?.code, RULE);
      assert.equal(client.diagnostics.filter((d) => d.uri === uri).length, 0);
    } finally {
      await client.stop();
    }
  });

  test('a pull answer may come before callers are re-checked; a refresh follows when they change', async () => {
    const dir = workspace();
    const client = await LspClient.start({
      rootPath: dir,
      pull: true,
      refresh: true,
      settings: {},
    });
    try {
      const uri = uriIn(dir, 'caller.c');
      const text = readFileSync(join(__dirname, 'fixtures', 'caller.c'), 'utf8');
      await client.open(uri, text);
      const pull = () =>
        client.request<{ items: Diagnostic[] }>('textDocument/diagnostic', {
          textDocument: { uri },
        });
      assert.deepEqual((await pull()).items, []);
      // Dropping the caller's flush changes fill()'s verdict although fill() did not change.
      const edited = text.replace('\tflush_dcache_page(page);\n', '');
      const mark = client.mark();
      await client.change(uri, [{ text: edited }], edited);
      const quick = await pull();
      // The quick answer re-checks the edited function and the same-file functions whose verdict
      // read it (fill() asked whether caller() flushes): caller() now hands fill() a page that
      // fill() writes and nobody flushes. Whatever the quick answer left out, a refresh brings.
      const ends = (items: Diagnostic[]): string[] =>
        items.map((d) => /(\w+)\(\) ends/.exec(d.message as string)?.[1] ?? '?').sort();
      assert.ok(ends(quick.items).includes('caller'), JSON.stringify(ends(quick.items)));
      if (ends(quick.items).length < 2)
        await client.waitFor('workspace/diagnostic/refresh', () => true, mark);
      const after = await pull();
      assert.deepEqual(
        after.items.map((d) => d.code),
        [RULE, RULE],
      );
      assert.deepEqual(ends(after.items), ['caller', 'fill']);
    } finally {
      await client.stop();
    }
  });

  test('cancelling the workspace check progress stops it early', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f${String(i).padStart(3, '0')}.c`] = DEMO;
    const dir = workspace(files);
    const client = await LspClient.start({ rootPath: dir, settings: {} });
    try {
      const result = client.request<{ files: number; cancelled: boolean }>(
        'flushguard/checkWorkspace',
        {},
      );
      await client.waitFor<{ value: { kind: string } }>(
        '$/progress',
        (p) => p.value.kind === 'report',
      );
      await client.connection.sendNotification('window/workDoneProgress/cancel', {
        token: client.progressTokens[0],
      });
      const r = await result;
      assert.equal(r.cancelled, true);
      assert.ok(r.files < 400, `checked ${r.files} of 400 files after the cancel`);
    } finally {
      await client.stop();
    }
  });

  test('check workspace lints closed files with progress and publishes their findings', async () => {
    const clean = DEMO.replace(
      '\tkunmap_local(kaddr);\n',
      '\tflush_dcache_page(page);\n\tkunmap_local(kaddr);\n',
    );
    const dir = workspace({ 'bad.c': DEMO, 'good.c': clean, 'plain.h': 'int x;\n' });
    const client = await LspClient.start({ rootPath: dir, settings: {} });
    try {
      const result = await client.request<{
        files: number;
        analysed: number;
        findings: number;
        cancelled: boolean;
      }>('flushguard/checkWorkspace', {});
      assert.equal(result.files, 3);
      assert.equal(result.analysed, 2);
      assert.equal(result.findings, 1);
      assert.equal(result.cancelled, false);
      const pushed = await client.diagnosticsFor(uriIn(dir, 'bad.c'));
      assert.equal(pushed[0]?.code, RULE);
      const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds[kinds.length - 1], 'end');
    } finally {
      await client.stop();
    }
  });
});

// Packaged-build smoke test: the .vsix holds what the extension loads at run time (the three
// bundles and both .wasm files) and the rule pages its diagnostics link to, its manifest points
// at them, and nothing else rides along. The server is then run from the unpacked .vsix, as VS Code
// runs it, and every diagnostic's link must open a file inside the installed extension.
// Usage: node test/e2e/package-smoke.mjs flushguard.vsix
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const vsix = process.argv[2] ?? 'flushguard.vsix';
const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const manifest = JSON.parse(
  execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }),
);
const failures = [];
let checks = 0;
const check = (ok, what) => {
  checks++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

for (const f of [
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/server-main.js',
  'extension/dist/webview.js',
  'extension/dist/web-tree-sitter.wasm',
  // the parser loads a fresh copy of it after a WASM abort
  'extension/dist/web-tree-sitter.cjs',
  'extension/dist/tree-sitter-c.wasm',
  'extension/LICENSE.txt',
  'extension/images/icon.png',
  'extension/package.json',
])
  check(
    entries.includes(f) || (f.endsWith('LICENSE.txt') && entries.includes('extension/LICENSE')),
    `contains ${f}`,
  );
check(manifest.main === './dist/client.js', `manifest main is ./dist/client.js (${manifest.main})`);
check(manifest.icon === 'images/icon.png', 'manifest icon is images/icon.png');
check(
  (manifest.contributes?.commands ?? []).some((c) => c.command === 'flushguard.simulateScenario'),
  'contributes flushguard.simulateScenario',
);
// The README's screenshots ship too: VS Code shows them on the extension's page, offline.
const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
check(images.length > 0, `README shows screenshots (${images.length})`);
for (const img of images) check(entries.includes(`extension/${img}`), `contains ${img} (README)`);
const stray = entries.filter((e) => /node_modules\/|\.ts$|\.map$|\.bench\/|\/test\//.test(e));
check(
  stray.length === 0,
  `no sources, maps, tests or node_modules (${stray.slice(0, 5).join(', ') || 'none'})`,
);
const ruleIds = Object.keys(manifest.contributes?.configuration?.properties ?? {})
  .map((k) => /^flushguard\.rules\.(.+)\.severity$/.exec(k)?.[1])
  .filter(Boolean);
check(ruleIds.length >= 6, `manifest has a severity setting per rule (${ruleIds.length})`);
for (const id of ruleIds)
  check(entries.includes(`extension/docs/rules/${id}.md`), `contains docs/rules/${id}.md`);

const links = await diagnosticLinks(vsix);
const codes = [...new Set(links.map((l) => l.code))].sort();
check(
  codes.length >= 5,
  `the installed server reports findings of ${codes.length} rules (${codes.join(', ')})`,
);
const broken = links.filter((l) => !l.inside || !l.exists);
check(
  links.length > 0 && broken.length === 0,
  `every diagnostic link (${links.length}) opens a page inside the extension${broken.length ? `; broken: ${broken[0].href}` : ''}`,
);

const size = statSync(vsix).size;
check(size < 4 * 1024 * 1024, `size ${(size / 1024).toFixed(0)} KiB < 4 MiB`);
console.log(`${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);

/**
 * Unpacks the .vsix, starts its dist/server.js over stdio, opens the rule fixtures and returns
 * each diagnostic's rule code and link, and whether the link opens a file (checked before the
 * unpacked extension is removed). A minimal LSP client: Content-Length framed JSON-RPC.
 */
async function diagnosticLinks(file) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-vsix-'));
  try {
    execFileSync('unzip', ['-q', file, 'extension/*', '-d', dir]);
    const ext = join(dir, 'extension');
    const server = spawn(process.execPath, [join(ext, 'dist', 'server.js'), '--stdio'], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffer = Buffer.alloc(0);
    const pending = new Map();
    const published = new Map();
    let wanted = 0;
    let allPublished;
    const done = new Promise((resolve) => (allPublished = resolve));
    server.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const head = buffer.indexOf('\r\n\r\n');
        if (head < 0) return;
        const length = Number(
          /Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())[1],
        );
        if (buffer.length < head + 4 + length) return;
        const msg = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString());
        buffer = buffer.subarray(head + 4 + length);
        if (msg.id !== undefined && pending.has(msg.id)) pending.get(msg.id)(msg);
        else if (msg.id !== undefined) send({ jsonrpc: '2.0', id: msg.id, result: null });
        if (msg.method === 'textDocument/publishDiagnostics') {
          published.set(msg.params.uri, msg.params.diagnostics);
          if (wanted > 0 && published.size >= wanted) allPublished();
        }
      }
    });
    const send = (msg) => {
      const body = Buffer.from(JSON.stringify(msg));
      server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      server.stdin.write(body);
    };
    let nextId = 1;
    const request = (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params });
      });
    const init = await request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: { textDocument: { publishDiagnostics: { codeDescriptionSupport: true } } },
    });
    if (!init.result?.capabilities)
      throw new Error('the installed server did not answer initialize');
    send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const fixtures = join(process.cwd(), 'test', 'fixtures', 'rules');
    const files = readdirSync(fixtures).flatMap((rule) =>
      readdirSync(join(fixtures, rule))
        .filter((f) => f.endsWith('.c'))
        .map((f) => join(fixtures, rule, f)),
    );
    wanted = files.length;
    for (const f of files)
      send({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: {
          textDocument: {
            uri: pathToFileURL(f).href,
            languageId: 'c',
            version: 1,
            text: readFileSync(f, 'utf8'),
          },
        },
      });
    const timeout = setTimeout(() => allPublished(), 60_000);
    await done;
    clearTimeout(timeout);
    await request('shutdown', null);
    send({ jsonrpc: '2.0', method: 'exit' });
    const root = pathToFileURL(ext).href + '/';
    return [...published.values()].flat().map((d) => ({
      code: String(d.code),
      href: d.codeDescription?.href ?? '',
      inside: (d.codeDescription?.href ?? '').startsWith(root),
      exists: (d.codeDescription?.href ?? '').startsWith('file:')
        ? existsSync(fileURLToPath(d.codeDescription.href))
        : false,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

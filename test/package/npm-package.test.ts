/**
 * The npm package as a user gets it: `npm pack` (which builds in prepack), then
 * `npm install -g --prefix TMP flushguard-<v>.tgz` offline (the package has no runtime
 * dependencies), then both binaries from TMP/bin. The pack runs in a copy of the sources so the
 * repository's own dist/ (used by other tests at the same time) is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client';

const ROOT = join(__dirname, '..', '..');
const LEFT_OUT = new Set(['node_modules', '.git', 'dist', '.bench', 'test-artifacts']);
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return r;
}

const work = mkdtempSync(join(tmpdir(), 'fg-npm-'));
const prefix = join(work, 'prefix');
let installed = '';

test('npm pack builds the package; the tarball holds the bundles, the wasm files and the rule docs', () => {
  const src = join(work, 'src');
  cpSync(ROOT, src, {
    recursive: true,
    filter: (p) => {
      const top = relative(ROOT, p).split(/[\\/]/)[0] ?? '';
      return !LEFT_OUT.has(top) && !/\.(vsix|tgz)$/.test(p);
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  mkdirSync(join(work, 'out'));
  const packed = sh('npm', ['pack', '--json', '--pack-destination', join(work, 'out')], src);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  assert.ok(info);
  const paths = info.files.map((f) => f.path).sort();
  for (const want of [
    'bin/flushguard.js',
    'bin/flushguard-language-server.js',
    'dist/cli.js',
    'dist/server.js',
    'dist/server-main.js',
    'dist/web-tree-sitter.wasm',
    'dist/web-tree-sitter.cjs',
    'dist/tree-sitter-c.wasm',
    'docs/rules/missing-flush-dcache-page.md',
    'package.json',
    'LICENSE',
    'README.md',
  ])
    assert.ok(paths.includes(want), `the tarball lacks ${want}`);
  const stray = paths.filter((p) => /\.ts$|\.map$|^test\/|^server\/|^examples\//.test(p));
  assert.deepEqual(stray, [], 'no sources, maps or tests in the tarball');
  installed = join(work, 'out', info.filename);
});

test('npm install -g --prefix TMP <tarball> works offline; flushguard runs from the install', () => {
  assert.ok(installed, 'the pack test ran first');
  sh(
    'npm',
    ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, installed],
    work,
  );
  const bin = join(prefix, 'bin', 'flushguard');
  const tree = join(work, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'bad.c'), BAD);
  const lint = spawnSync(bin, ['lint', '--format', 'json', 'bad.c'], {
    cwd: tree,
    encoding: 'utf8',
  });
  assert.equal(lint.status, 1, lint.stderr);
  const j = JSON.parse(lint.stdout) as { findings: { rule: string; line: number }[] };
  assert.deepEqual(
    j.findings.map((f) => [f.rule, f.line]),
    [['missing-flush-dcache-page', 4]],
  );
  const sim = spawnSync(bin, ['simulate', 'bad.c', '--line', '4'], { cwd: tree, encoding: 'utf8' });
  assert.equal(sim.status, 0, sim.stderr);
  assert.match(sim.stdout, /Verdict: CORRUPTED/);
  const sarif = spawnSync(bin, ['lint', '--format', 'sarif', 'bad.c'], {
    cwd: tree,
    encoding: 'utf8',
  });
  const help = /"helpUri":\s*"([^"]+)"/.exec(sarif.stdout)?.[1] ?? '';
  assert.ok(help.startsWith('file:') && existsSync(fileURLToPath(help)), `SARIF help ${help}`);
});

test('flushguard-language-server from the install answers initialize and links each rule to a page that exists', async () => {
  assert.ok(installed, 'the pack test ran first');
  const tree = join(work, 'ws');
  mkdirSync(tree, { recursive: true });
  const client = await LspClient.start({
    rootPath: tree,
    command: [join(prefix, 'bin', 'flushguard-language-server'), '--stdio'],
  });
  try {
    const uri = pathToFileURL(join(tree, 'bad.c')).href;
    await client.open(uri, BAD);
    const diags = await client.diagnosticsFor(uri);
    assert.equal(diags.length, 1, client.stderr);
    const href = diags[0]!.codeDescription?.href ?? '';
    assert.ok(href.startsWith(pathToFileURL(prefix).href), `link ${href} is inside the install`);
    assert.ok(existsSync(fileURLToPath(href)), `link ${href} resolves`);
  } finally {
    await client.stop();
  }
  assert.ok(readdirSync(join(prefix, 'bin')).includes('flushguard-language-server'));
});

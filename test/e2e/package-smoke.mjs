// Packaged-build smoke test: the .vsix holds what the extension loads at run time (the three
// bundles and both .wasm files), its manifest points at them, and nothing else rides along.
// Usage: node test/e2e/package-smoke.mjs flushguard.vsix
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

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
  'extension/dist/webview.js',
  'extension/dist/web-tree-sitter.wasm',
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
const size = statSync(vsix).size;
check(size < 4 * 1024 * 1024, `size ${(size / 1024).toFixed(0)} KiB < 4 MiB`);
console.log(`${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);

// ARCHITECTURE.md is the newcomer's map, so it must follow the code: every folder of the engine
// and of the analysis is on the map, and every file or folder it or docs/design/ names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './examples';

const TEXT = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** The fenced block under "## The map". */
function mapBlock(text: string): string {
  return text.split('## The map')[1]?.split('```')[1] ?? '';
}

function folders(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((n) => statSync(join(ROOT, dir, n)).isDirectory());
}

/** The folders a map entry must name: the engine's, the analysis families', the simulator's. */
function foldersToMap(): string[] {
  return [...folders('server/src'), ...folders('server/src/analysis'), ...folders('simulator/src')];
}

function missingFromMap(block: string, names: string[]): string[] {
  return names.filter((n) => !new RegExp(`^\\s+${n}/`, 'm').test(block));
}

/** Backticked file or folder names: `a/b.ts`, `docs/design/`, `linter.ts`. */
function namedPaths(text: string): string[] {
  return [...text.matchAll(/`([\w.*<>/-]+)`/g)]
    .map((m) => m[1]!)
    .filter((p) => /\.(ts|md|mjs)$|\/$/.test(p) && !/[<>*]/.test(p) && /^\w/.test(p));
}

function unknownPaths(paths: string[], tracked: string[]): string[] {
  const all = new Set<string>();
  for (const f of tracked) {
    const parts = f.split('/');
    for (let i = 1; i <= parts.length; i++)
      all.add(parts.slice(0, i).join('/') + (i < parts.length ? '/' : ''));
  }
  const known = [...all];
  return paths.filter((p) => !known.some((k) => k === p || k.endsWith(`/${p}`)));
}

test('architecture: the map names every folder of server/src, the analysis and the simulator', () => {
  const names = foldersToMap();
  assert.ok(names.includes('analysis') && names.includes('core') && names.includes('vmap'));
  assert.deepEqual(missingFromMap(mapBlock(TEXT), names), []);
});

test('architecture: every file and folder the page and docs/design name exists', () => {
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).split('\n');
  const design = readdirSync(join(ROOT, 'docs', 'design')).map((f) => join('docs', 'design', f));
  for (const doc of ['ARCHITECTURE.md', ...design]) {
    const paths = namedPaths(readFileSync(join(ROOT, doc), 'utf8'));
    assert.deepEqual(unknownPaths(paths, tracked), [], doc);
  }
  assert.ok(namedPaths(TEXT).length > 30, 'the map names its files');
});

test('architecture: the checks see a folder left off the map and a file that does not exist', () => {
  assert.deepEqual(missingFromMap('  cfg/  graphs\n', ['cfg', 'xref']), ['xref']);
  assert.deepEqual(
    unknownPaths(
      ['lsp/server.ts', 'lsp/gone.ts', 'docs/design/'],
      ['server/src/lsp/server.ts', 'docs/design/cfg.md'],
    ),
    ['lsp/gone.ts'],
  );
});

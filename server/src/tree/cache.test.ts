import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LintCache } from './lintCache';
import type { CacheableOutcome } from './lintCache';
import { cacheHome, isRecord, readCacheFile, sha1, treeCacheDir, writeCacheFile } from './store';
import { forgetKernelTrees } from '../kernel/fromTree';

interface Outcome extends CacheableOutcome {
  findings: { file: string; line: number }[];
  skippedFunctions: unknown[];
}

const OLD = new Date(Date.now() - 60_000);

/** A directory that looks like a kernel tree's top, with two C files written a minute ago. */
function tree(): { root: string; home: string; files: { path: string; display: string }[] } {
  const root = mkdtempSync(join(tmpdir(), 'fg-tree-'));
  for (const d of ['arch/arm', 'drivers']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'Makefile'), 'obj-y += drivers/\n');
  writeFileSync(join(root, 'Kconfig'), 'source "arch/$(SRCARCH)/Kconfig"\n');
  writeFileSync(join(root, 'arch/arm/Kconfig'), 'config ARM\n\tdef_bool y\n');
  const files = ['drivers/a.c', 'drivers/b.c'].map((f) => {
    const path = join(root, f);
    writeFileSync(path, `int ${f.slice(8, 9)};\n`);
    utimesSync(path, OLD, OLD);
    return { path, display: path };
  });
  return { root, home: mkdtempSync(join(tmpdir(), 'fg-home-')), files };
}

const lint = (f: { display: string }, n: number): Outcome => ({
  display: f.display,
  findings: [{ file: f.display, line: n }],
  skippedFunctions: [],
});

function lintFile(home: string): string {
  const dir = readdirSync(join(home, 'trees'))[0]!;
  const name = readdirSync(join(home, 'trees', dir)).find((n) => n.startsWith('lint-'))!;
  return join(home, 'trees', dir, name);
}

/** A cold run, then everything the cache answers in a second run. */
function coldThenWarm(t: ReturnType<typeof tree>, config: unknown = 1): LintCache<Outcome> {
  const cold = new LintCache<Outcome>(t.files, t.home, config);
  assert.deepEqual(cold.misses, [0, 1]);
  cold.merge(cold.misses.map((i) => lint(t.files[i]!, i + 10)));
  cold.save([t.root]);
  return new LintCache<Outcome>(t.files, t.home, config);
}

test('cache home: FLUSHGUARD_CACHE_DIR, then XDG_CACHE_HOME/flushguard, then ~/.cache/flushguard', () => {
  assert.equal(cacheHome({ FLUSHGUARD_CACHE_DIR: '/x/fg', XDG_CACHE_HOME: '/y' }), '/x/fg');
  assert.equal(cacheHome({ XDG_CACHE_HOME: '/y' }), '/y/flushguard');
  assert.match(cacheHome({ XDG_CACHE_HOME: 'relative' }), /\.cache\/flushguard$/);
  assert.match(cacheHome({}), /\.cache\/flushguard$/);
});

test('lint cache: a warm run answers every unchanged file with the same outcome, under its new display', () => {
  const t = tree();
  const warm = coldThenWarm(t);
  assert.deepEqual(warm.misses, []);
  assert.deepEqual(warm.merge([]), [lint(t.files[0]!, 10), lint(t.files[1]!, 11)]);
  const shown = t.files.map((f) => ({
    path: f.path,
    display: `./${f.display.slice(t.root.length + 1)}`,
  }));
  const relabelled = new LintCache<Outcome>(shown, t.home, 1).merge([]);
  assert.equal(relabelled[0]!.findings[0]!.file, './drivers/a.c');
});

test('lint cache: another configuration (engine, rules, severities) does not see these results', () => {
  const t = tree();
  coldThenWarm(t, { engine: 'a' });
  assert.deepEqual(new LintCache<Outcome>(t.files, t.home, { engine: 'b' }).misses, [0, 1]);
});

test('lint cache: a changed file is linted again, the others are not', () => {
  const t = tree();
  coldThenWarm(t);
  writeFileSync(t.files[0]!.path, 'int a_changed;\n');
  utimesSync(t.files[0]!.path, OLD, new Date(OLD.getTime() + 5000));
  assert.deepEqual(new LintCache<Outcome>(t.files, t.home, 1).misses, [0]);
});

test('lint cache: a touched file whose text has the recorded hash is not linted again', () => {
  const t = tree();
  const cold = new LintCache<Outcome>(t.files, t.home, 1);
  cold.merge(
    cold.misses.map((i) => ({
      ...lint(t.files[i]!, i + 10),
      hash: sha1(readFileSync(t.files[i]!.path)),
    })),
  );
  cold.save([t.root]);
  const later = new Date(OLD.getTime() + 5000);
  for (const f of t.files) utimesSync(f.path, OLD, later);
  writeFileSync(t.files[1]!.path, 'int c;\n');
  utimesSync(t.files[1]!.path, OLD, later);
  const warm = new LintCache<Outcome>(t.files, t.home, 1);
  assert.deepEqual(warm.misses, [1], 'touched only: from the cache; same size, other text: again');
  assert.equal(warm.merge([lint(t.files[1]!, 30)])[0]!.findings[0]!.line, 10);
});

test('lint cache: another kernel version in the tree Makefile does not see these results', () => {
  const t = tree();
  coldThenWarm(t);
  writeFileSync(join(t.root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  forgetKernelTrees();
  assert.deepEqual(new LintCache<Outcome>(t.files, t.home, 1).misses, [0, 1]);
});

test('lint cache: a deleted file leaves the cache when its directory is linted again', () => {
  const t = tree();
  coldThenWarm(t);
  rmSync(t.files[1]!.path);
  const after = new LintCache<Outcome>([t.files[0]!], t.home, 1);
  assert.deepEqual(after.merge([]).length, 1);
  after.save([join(t.root, 'drivers')]);
  const stored = readCacheFile(lintFile(t.home), (v): v is { entries: Record<string, unknown> } =>
    isRecord(v),
  );
  assert.deepEqual(Object.keys(stored!.entries), ['drivers/a.c']);
});

test('lint cache: a truncated or altered cache file is rebuilt, never trusted', () => {
  const t = tree();
  coldThenWarm(t);
  const file = lintFile(t.home);
  const whole = readFileSync(file, 'utf8');
  truncateSync(file, Math.floor(whole.length / 2));
  const again = new LintCache<Outcome>(t.files, t.home, 1);
  assert.deepEqual(again.misses, [0, 1]);
  again.merge(again.misses.map((i) => lint(t.files[i]!, i + 20)));
  again.save([t.root]);
  assert.equal(new LintCache<Outcome>(t.files, t.home, 1).merge([])[0]!.findings[0]!.line, 20);
  // Valid JSON with a line changed but the old checksum: refused too.
  writeFileSync(file, readFileSync(file, 'utf8').replace('"line":20', '"line":99'));
  assert.deepEqual(new LintCache<Outcome>(t.files, t.home, 1).misses, [0, 1]);
});

test('lint cache: a file modified in the last seconds is not stored (its mtime may not move again)', () => {
  const t = tree();
  utimesSync(t.files[0]!.path, new Date(), new Date());
  const warm = coldThenWarm(t);
  assert.deepEqual(warm.misses, [0]);
});

test('cache files: written whole or not at all; interleaved writers leave one whole file', () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const file = join(treeCacheDir(home, '/some/tree'), 'x.json');
  const valid = (v: unknown): v is { n: number } => isRecord(v) && typeof v['n'] === 'number';
  for (let n = 0; n < 20; n++) assert.ok(writeCacheFile(file, { n, pad: 'x'.repeat(n * 1000) }));
  assert.equal(readCacheFile(file, valid)?.n, 19);
  assert.deepEqual(readdirSync(join(file, '..')), ['x.json'], 'no temporary file is left behind');
});

test('lint cache: the sizes and mtimes of the walk decide, as a stat would', () => {
  const t = tree();
  coldThenWarm(t);
  // The walk's own stat (utimes' milliseconds come back as 178.999 from some file systems).
  const stamps = new Map(
    t.files.map((f) => {
      const st = statSync(f.path);
      return [f.path.slice(t.root.length + 1), { size: st.size, mtimeMs: st.mtimeMs }];
    }),
  );
  const same = new LintCache<Outcome>(t.files, t.home, 1, undefined, { root: t.root, stamps });
  assert.deepEqual(same.misses, []);
  // The walk saw drivers/b.c with another size (changed after the cache was written).
  stamps.set('drivers/b.c', { size: 8, mtimeMs: OLD.getTime() + 1000 });
  const changed = new LintCache<Outcome>(t.files, t.home, 1, undefined, { root: t.root, stamps });
  assert.deepEqual(changed.misses, [1]);
  // Another tree's walk is not used: the files are stat'ed.
  const other = new LintCache<Outcome>(t.files, t.home, 1, undefined, {
    root: `${t.root}-other`,
    stamps: new Map([['drivers/a.c', { size: 1, mtimeMs: 1 }]]),
  });
  assert.deepEqual(other.misses, []);
  rmSync(t.root, { recursive: true, force: true });
  rmSync(t.home, { recursive: true, force: true });
});

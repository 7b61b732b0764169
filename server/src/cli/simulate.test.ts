import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { miniTree } from '../../../test/xref/miniTree';

const MAIN = join(__dirname, 'main.ts');
const ROOT = join(__dirname, '../../..');
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const GOOD =
  'void good(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n\tflush_dcache_page(page);\n}\n';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fg-sim-')), name);
  writeFileSync(path, text);
  return path;
}

test('simulate --format json follows the contract: corrupted as written, clean with the fix; exit 0', () => {
  const path = file('bad.c', BAD);
  const r = run('simulate', path, '--line', '4', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown> & {
    source: Record<string, unknown>;
    asWritten: Record<string, unknown>;
    withFix: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(j).slice(0, 4), ['preset', 'source', 'asWritten', 'withFix']);
  assert.equal(j.preset, 'arm1176-32k');
  assert.deepEqual(j.source, { file: path, line: 4, rule: 'missing-flush-dcache-page' });
  assert.deepEqual(Object.keys(j.asWritten).slice(0, 6), [
    'corrupted',
    'observer',
    'expected',
    'observed',
    'firstBadOffset',
    'steps',
  ]);
  assert.equal(j.asWritten.corrupted, true);
  assert.equal(j.asWritten.observer, 'user');
  assert.equal(j.asWritten.firstBadOffset, 0);
  assert.notEqual(j.asWritten.expected, j.asWritten.observed);
  assert.equal(j.withFix.corrupted, false);
  assert.equal(j.withFix.expected, j.withFix.observed);
});

test('simulate --line picks the nearest finding; on pipt-32k nothing is corrupted', () => {
  const path = file('bad.c', BAD);
  const r = run('simulate', path, '--line', '1', '--preset', 'pipt-32k', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as {
    preset: string;
    source: { line: number };
    asWritten: { corrupted: boolean };
  };
  assert.equal(j.preset, 'pipt-32k');
  assert.equal(j.source.line, 4);
  assert.equal(j.asWritten.corrupted, false);
  assert.match(
    r.err,
    /note: no finding on line 1; simulating the nearest one in bad\(\), on line 4/,
  );
});

test('simulate --line outside every function with a finding is refused, naming where the findings are', () => {
  const two = file('two.c', `${BAD}\n${GOOD}`);
  const r = run('simulate', two, '--line', '10');
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /two\.c:10: no finding in good\(\) \(lines 8-14\), which contains line 10/);
  assert.match(r.err, /line 4 \[missing-flush-dcache-page\]/);
  assert.doesNotMatch(r.err, /usage:/);
  const between = run('simulate', two, '--line', '7');
  assert.equal(between.code, 2);
  assert.match(between.err, /line 7 is not inside a function/);
  const held = run('simulate', two, '--line', '4');
  assert.equal(held.code, 0, held.err);
  assert.equal(held.err, '');
});

test('simulate: a missing file is one plain sentence (no errno code, no usage text), exit 2', () => {
  for (const args of [
    ['simulate', '/nope/missing.c', '--line', '3'],
    ['simulate', '--scenario', '/nope/missing.fgs'],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 2);
    assert.equal(
      r.err,
      `flushguard: ${args.includes('--scenario') ? '/nope/missing.fgs' : '/nope/missing.c'}: no such file or directory\n`,
    );
  }
});

test('simulate text shows the trace with C lines, both runs and the verdict', () => {
  const r = run('simulate', file('bad.c', BAD), '--line', '4');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /== As written ==/);
  assert.match(r.out, /== With the fix ==/);
  assert.match(r.out, /C:4 /);
  assert.match(r.out, /CORRUPTED/);
  assert.match(r.out, /first bad byte/);
});

test('simulate: a file with no finding, an unknown preset, a missing --line are errors with exit 2', () => {
  const none = run('simulate', file('good.c', GOOD), '--line', '4');
  assert.equal(none.code, 2);
  assert.match(none.err, /no finding to simulate/);
  const preset = run('simulate', file('bad.c', BAD), '--line', '4', '--preset', 'z80');
  assert.equal(preset.code, 2);
  assert.match(preset.err, /unknown preset 'z80'.*arm1176-32k/);
  const noLine = run('simulate', file('bad.c', BAD));
  assert.equal(noLine.code, 2);
  assert.match(noLine.err, /--line/);
});

test('simulate --scenario runs a scenario file: asWritten and its assertions', () => {
  const r = run(
    'simulate',
    '--scenario',
    join(ROOT, 'examples/scenarios/s1-missing-flush-dcache-page.fgs'),
    '--format',
    'json',
  );
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as {
    preset: string;
    asWritten: { corrupted: boolean; assertions: unknown[] };
    withFix?: unknown;
  };
  assert.equal(j.withFix, undefined);
  assert.ok(j.asWritten.assertions.length > 0);
  assert.equal(typeof j.asWritten.corrupted, 'boolean');
});

test('simulate --scenario reports every parse error with line:column, exit 2', () => {
  const r = run('simulate', '--scenario', file('bad.fgs', 'page P0\nfrobnicate X\nstore\n'));
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.fgs:2:\d+: error: /);
  assert.match(r.err, /bad\.fgs:3:\d+: error: /);
  assert.doesNotMatch(r.err, /usage:/);
});

test('presets --format json lists the nine presets with their geometry', () => {
  const r = run('presets', '--format', 'json');
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out) as { presets: Record<string, unknown>[] };
  assert.deepEqual(
    j.presets.map((p) => p.id),
    [
      'arm1176-32k',
      'arm1136-64k',
      'arm926-16k-vivt',
      'mips-r4400pc-16k',
      'sh7750-16k',
      'xtensa-mmuhifi-c3',
      'pa8600-1m',
      'ultrasparc-ii-16k',
      'pipt-32k',
    ],
  );
  for (const p of j.presets) {
    for (const k of [
      'description',
      'cacheBytes',
      'ways',
      'lineBytes',
      'pageBytes',
      'colours',
      'indexing',
    ])
      assert.ok(k in p, `${String(p.id)} has ${k}`);
    assert.match(String(p.indexing), /^(VIPT|VIVT|PIPT)$/);
  }
  const text = run('presets');
  assert.match(text.out, /arm1176-32k \(default\)/);
});

test('simulate judges a file in a kernel tree as lint does: a finding that needs the tree index simulates', () => {
  // The page is written by a callee in another file: only the tree's index shows the write.
  const codec =
    'int zx_decompress(const u8 *src, struct page *dest, size_t len)\n{\n\tu8 *kaddr = kmap_local_page(dest);\n\n\tmemcpy(kaddr, src, len);\n\tkunmap_local(kaddr);\n\treturn 0;\n}\n';
  const clone =
    'static int zx_clone(struct address_space *mapping, const u8 *src, size_t len)\n{\n\tstruct page *page = find_or_create_page(mapping, 0, GFP_NOFS);\n\n\tif (!page)\n\t\treturn -ENOMEM;\n\tzx_decompress(src, page, len);\n\tSetPageUptodate(page);\n\tunlock_page(page);\n\tput_page(page);\n\treturn 0;\n}\n';
  const root = miniTree({ 'fs/zx/codec.c': codec, 'fs/zx/clone.c': clone });
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'simulate',
      join(root, 'fs/zx/clone.c'),
      '--line',
      '7',
      '--format',
      'json',
    ],
    {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, FLUSHGUARD_CACHE_DIR: mkdtempSync(join(tmpdir(), 'fg-sim-home-')) },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    source: { line: number; rule: string };
    asWritten: { corrupted: boolean };
    withFix: { corrupted: boolean };
  };
  assert.equal(out.source.rule, 'missing-flush-dcache-page');
  assert.equal(out.asWritten.corrupted, true);
  assert.equal(out.withFix.corrupted, false);
});

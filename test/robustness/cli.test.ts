/**
 * Pathological files through the real CLI: each odd file is skipped with its reason on stderr,
 * or linted, and the run goes on to the other files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAIN = join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts');
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

interface Run {
  code: number | null;
  out: string;
  err: string;
  json: { filesScanned: number; skipped?: number; findings: { file: string; line: number }[] };
}

function lint(...paths: string[]): Run {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', MAIN, 'lint', '--format', 'json', '--jobs', '1', ...paths],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    json: JSON.parse(r.stdout) as Run['json'],
  };
}

function dirWith(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-robust-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'z_bad.c'), BAD);
  return dir;
}

test('cli robustness: an empty file is scanned and gives nothing', () => {
  const r = lint(dirWith({ 'empty.c': '', 'blank.h': '\n\n' }));
  assert.equal(r.code, 1, r.err);
  assert.equal(r.json.filesScanned, 3);
  assert.equal(r.json.findings.length, 1);
  assert.equal(r.err, '');
});

test('cli robustness: a binary file is skipped with a message, even with its NUL past 64 KiB', () => {
  const late = Buffer.concat([Buffer.from('int x;\n'.repeat(20_000)), Buffer.from([0, 1, 2])]);
  const dir = dirWith({ 'elf.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]), 'late.h': late });
  const r = lint(dir);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /elf\.c: skipped: binary file \(NUL byte at offset 4\)/);
  assert.match(r.err, /late\.h: skipped: binary file \(NUL byte at offset 140000\)/);
  assert.equal(r.json.skipped, 2);
  assert.equal(r.json.findings.length, 1);
});

test('cli robustness: invalid UTF-8 is skipped with a message naming the line', () => {
  const latin1 = Buffer.concat([
    Buffer.from('/* line 1 */\n/* Copyright Jos'),
    Buffer.from([0xe9]),
    Buffer.from(' */\n' + BAD),
  ]);
  const r = lint(
    dirWith({ 'latin1.c': latin1, 'truncated.c': Buffer.from([0x69, 0x6e, 0x74, 0xe2, 0x82]) }),
  );
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /latin1\.c: skipped: not valid UTF-8 \(first bad byte on line 2\)/);
  assert.match(r.err, /truncated\.c: skipped: not valid UTF-8 \(first bad byte on line 1\)/);
  assert.equal(r.json.skipped, 2);
});

test('cli robustness: a 50 MB file is skipped with its size, the others are linted', () => {
  const unit = BAD.replace('bad', 'big');
  const r = lint(dirWith({ 'huge.c': unit.repeat(Math.ceil(50e6 / unit.length)) }));
  assert.equal(r.code, 1, r.err);
  assert.match(
    r.err,
    /huge\.c: skipped: 47\.7 MiB of text, more than the 16\.0 MiB the parser takes/,
  );
  assert.equal(r.json.findings.length, 1);
  assert.match(r.json.findings[0]!.file, /z_bad\.c$/);
});

test('cli robustness: a 20 MB header that no rule looks at is scanned, not skipped', () => {
  // The kernel's amd asic_reg headers reach 22.8 MiB of #defines; they are never parsed.
  const line = '#define mmREG_SOME_BLOCK_SOME_FIELD_MASK 0x0000ffffL\n';
  const r = lint(dirWith({ 'regs_sh_mask.h': line.repeat(Math.ceil(20e6 / line.length)) }));
  assert.equal(r.code, 1, r.err);
  assert.equal(r.err, '');
  assert.equal(r.json.filesScanned, 2);
  assert.equal(r.json.skipped, undefined);
});

test('cli robustness: a symlink cycle ends, and a linked directory is read once', () => {
  const dir = dirWith({});
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'also_bad.c'), BAD);
  symlinkSync('..', join(dir, 'sub', 'loop'));
  symlinkSync('sub', join(dir, 'sub-link'));
  const r = lint(dir);
  assert.equal(r.code, 1, r.err);
  assert.equal(r.json.filesScanned, 2);
  assert.equal(r.json.findings.length, 2);
});

function cli(args: string[], env: Record<string, string> = {}): Omit<Run, 'json'> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'lint', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** 70 files (over the CLI's 64-file worker threshold), each with one finding. */
function manyBadFiles(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 70; i++)
    files[`f${String(i).padStart(2, '0')}.c`] = BAD.replace('bad', `bad${i}`);
  files['crash_me.c'] = BAD.replace('bad', 'doomed');
  return dirWith(files);
}

for (const how of ['throw', 'exit']) {
  test(`cli robustness: a worker that dies (${how}) costs only its file; the run goes on, exit 2`, () => {
    const dir = manyBadFiles();
    const r = cli(['--format', 'json', '--jobs', '2', dir], {
      FLUSHGUARD_TEST_CRASH_ON: 'crash_me',
      FLUSHGUARD_TEST_CRASH_HOW: how,
    });
    // An internal error never ends as a clean (or merely "findings") run.
    assert.equal(r.code, 2, r.err);
    const json = JSON.parse(r.out) as Run['json'];
    assert.match(r.err, /crash_me\.c: skipped: worker crashed: /);
    if (how === 'throw') assert.match(r.err, /worker crashed: test crash on /);
    else assert.match(r.err, /worker crashed: exited with code 70/);
    assert.equal(json.skipped, 1);
    assert.equal(json.filesScanned, 71);
    const files = json.findings.map((f) => f.file.replace(/^.*[\\/]/, '')).sort();
    assert.equal(files.length, 71);
    assert.ok(!files.includes('crash_me.c'));
    assert.ok(files.includes('f00.c') && files.includes('f69.c') && files.includes('z_bad.c'));
  });
}

test('cli robustness: a worker out of its capped heap: the file is linted again uncapped, exit 1', () => {
  const dir = manyBadFiles();
  const r = cli(['--format', 'json', '--jobs', '2', dir], {
    FLUSHGUARD_TEST_CRASH_ON: 'crash_me',
    FLUSHGUARD_TEST_CRASH_HOW: 'heap',
  });
  assert.equal(r.code, 1, r.err);
  assert.doesNotMatch(r.err, /skipped/);
  const json = JSON.parse(r.out) as Run['json'];
  assert.equal(json.filesScanned, 72);
  const files = json.findings.map((f) => f.file.replace(/^.*[\\/]/, ''));
  assert.equal(files.length, 72);
  assert.ok(files.includes('crash_me.c'), 'missing: the retried file lost its finding');
});

test('cli robustness: the crash hook is a worker-only hook (no effect in the main thread)', () => {
  const dir = dirWith({ 'crash_me.c': BAD.replace('bad', 'doomed') });
  const r = cli(['--format', 'json', '--jobs', '2', dir], { FLUSHGUARD_TEST_CRASH_ON: 'crash_me' });
  assert.equal(r.code, 1, r.err);
  assert.equal((JSON.parse(r.out) as Run['json']).findings.length, 2);
});

test('cli robustness: functions not analysed are notes with --verbose and listed in JSON', () => {
  const deep = `void deep(struct page *page)\n{\n\tchar *p = kmap_atomic(page);\n${'{'.repeat(10_000)}${'}'.repeat(10_000)}\n\tp[0] = 1;\n\tkunmap_atomic(p);\n}\n`;
  const dir = dirWith({ 'deep.c': '/* a deep one */\n' + deep });
  const text = cli(['--verbose', '--jobs', '1', dir]);
  assert.equal(text.code, 1, text.err);
  assert.match(
    text.out,
    /deep\.c:2: note: function deep not analysed: [^\n]*nested deeper than[^\n]*\n/,
  );
  const quiet = cli(['--jobs', '1', dir]);
  assert.doesNotMatch(quiet.out, /not analysed/);

  const json = cli(['--format', 'json', '--jobs', '1', dir]);
  const parsed = JSON.parse(json.out) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).slice(0, 3), ['version', 'filesScanned', 'findings']);
  const skipped = parsed['skippedFunctions'] as Record<string, unknown>[];
  assert.equal(skipped.length, 1);
  assert.deepEqual(Object.keys(skipped[0]!), ['file', 'line', 'function', 'reason']);
  assert.match(String(skipped[0]!['file']), /deep\.c$/);
  assert.equal(skipped[0]!['line'], 2);
  assert.equal(skipped[0]!['function'], 'deep');
  assert.match(String(skipped[0]!['reason']), /nested deeper than/);
  // Without any, the key is absent: the contract stays as it was.
  const none = JSON.parse(cli(['--format', 'json', '--jobs', '1', dirWith({})]).out) as object;
  assert.deepEqual(Object.keys(none), ['version', 'filesScanned', 'findings']);
});

test('cli robustness: a function the parser cannot take is skipped with why; the next file is linted', () => {
  // 4,000,000 empty statements in one function: past the parser's heap cap (on main: the WASM
  // instance aborted and every later file of the run was skipped, exit 0).
  const huge = `void big(struct page *page)\n{\n\tchar *p = kmap(page);\n${';'.repeat(4_000_000)}\n\tkunmap(page);\n}\n`;
  const dir = dirWith({ 'a_huge.c': huge });
  const r = cli(['--jobs', '1', '--budget', '600000', join(dir, 'a_huge.c'), join(dir, 'z_bad.c')]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /a_huge\.c: skipped: the parser needed more than its \d+ MiB heap/);
  assert.match(r.out, /z_bad\.c:4:\d+: warning: /);
  assert.match(r.out, /flushguard: 1 finding in 1 file scanned, 1 skipped\n$/);
});

test('cli robustness: special files are refused by what they are, never read', () => {
  const dir = dirWith({});
  const fifo = join(dir, 'pipe.c');
  spawnSync('mkfifo', [fifo]);
  mkdirSync(join(dir, 'dir.c'));
  const t0 = performance.now();
  const r = cli(['--jobs', '1', '/dev/zero', fifo, join(dir, 'dir.c', '..', 'z_bad.c')]);
  assert.ok(performance.now() - t0 < 30_000);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /\/dev\/zero: a character device, not a regular file/);
  assert.match(r.err, /pipe\.c: a FIFO, not a regular file/);
  assert.match(r.out, /1 finding in 1 file scanned/);
  // A sparse file of 2 GB is refused by its size before any byte is read.
  const sparse = join(dir, 'sparse.c');
  spawnSync('truncate', ['-s', '2G', sparse]);
  const s = cli(['--jobs', '1', sparse]);
  assert.match(s.err, /sparse\.c: skipped: 2048\.0 MiB, more than the 64\.0 MiB read/);
});

test('cli robustness: --config of a special or foreign file names it and never echoes it', () => {
  const dir = dirWith({ 'secret.json': 'root:x:0:0:topsecret:/root:/bin/bash\n' });
  const fifo = join(dir, 'fifo.json');
  spawnSync('mkfifo', [fifo]);
  for (const [config, why] of [
    [
      '/dev/zero',
      /\/dev\/zero: cannot read the configuration file \(a character device, not a regular file\)/,
    ],
    [fifo, /fifo\.json: cannot read the configuration file \(a FIFO/],
    [join(dir, 'secret.json'), /secret\.json: not valid JSON/],
  ] as const) {
    const r = cli(['--config', config, dir]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, why);
    assert.doesNotMatch(r.err, /topsecret|root:x/);
  }
});

test('cli robustness: hostile configuration keys are named in one message, exit 2', () => {
  const dir = dirWith({
    '.flushguard.json':
      '{"__proto__.missing-flush-dcache-page": "off", "rules": {"missing-flush-dcache-page": "catastrophic", "vmap-range-mismatch": {"severity": {"x": 1}}}, "exclude": ["drivers/[z-a]*.c"]}',
  });
  const r = cli(['--jobs', '1', dir]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^flushguard: 4 problems in the settings:\n/);
  assert.match(r.err, /__proto__\.missing-flush-dcache-page: unknown setting/);
  assert.match(r.err, /catastrophic/);
  assert.match(r.err, /vmap-range-mismatch\.severity: expected one of .* \(got an object\)/);
  assert.match(r.err, /exclude\[0\]: expected a valid glob \(range \[z-a\] is out of order\)/);
  assert.equal(r.out, '');
});

test('cli robustness: the .flushguard.json nearest the linted path applies, wherever lint runs from', () => {
  const tree = dirWith({ '.flushguard.json': '{"rules": {"missing-flush-dcache-page": "error"}}' });
  mkdirSync(join(tree, 'sub'));
  writeFileSync(join(tree, 'sub', 'other.c'), BAD.replace('bad', 'other'));
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
      MAIN,
      'lint',
      '--jobs',
      '1',
      join(tree, 'sub'),
    ],
    { encoding: 'utf8', cwd: tmpdir() },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /other\.c:4:\d+: error: /);
});

test('cli robustness: an exclude glob that backtracks in a RegExp engine is matched at once', () => {
  const name = `${'a'.repeat(60)}.c`;
  const dir = dirWith({
    [name]: BAD,
    '.flushguard.json': '{"exclude": ["*a*a*a*a*a*a*a*a*a*a*b"]}',
  });
  const t0 = performance.now();
  const r = cli(['--jobs', '1', dir]);
  assert.ok(performance.now() - t0 < 30_000);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /2 findings in 2 files scanned/);
});

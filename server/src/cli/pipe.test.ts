/**
 * A reader that goes away ends the program quietly: `flushguard … | head -1` prints no EPIPE
 * stack. Real pipes: the read end is closed before the program writes, or `head` exits early.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, 'main.ts');
const ROOT = join(__dirname, '../../..');

/** Runs the CLI with its stdout read end closed at once; resolves to its exit code and stderr. */
function closedReader(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, err }));
  });
}

/** Nothing about the pipe on stderr: no EPIPE, no stack, no internal error (notes may remain). */
function assertQuiet(err: string): void {
  assert.doesNotMatch(err, /EPIPE|internal error|\n\s+at /, err);
}

// Many findings, so the output is far larger than a pipe's buffer.
function bigTree(): string {
  const d = mkdtempSync(join(tmpdir(), 'fg-pipe-'));
  const fn = (i: number): string =>
    `void bad${i}(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n`;
  writeFileSync(join(d, 'many.c'), Array.from({ length: 600 }, (_, i) => fn(i)).join('\n'));
  return d;
}

for (const args of [
  ['presets'],
  ['rules'],
  ['simulate', 'examples/demo_blk.c', '--line', '23'],
  ['lint', '--verbose', 'examples'],
]) {
  test(`${args.join(' ')} with a closed stdout ends quietly`, async () => {
    const r = await closedReader(args);
    assertQuiet(r.err);
    assert.ok(r.code !== null && r.code <= 1, `exit code ${r.code}`);
  });
}

test('lint … | head -1 through a shell: one line out, nothing about the pipe on stderr', () => {
  const d = bigTree();
  const cmd = `"${process.execPath}" --import tsx "${MAIN}" lint --verbose "${d}" 2>"${d}/err" | head -1`;
  const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' });
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stdout.slice(0, 500));
  assert.match(lines[0]!, /many\.c:4:2: warning: /);
  assertQuiet(readFileSync(join(d, 'err'), 'utf8'));
});

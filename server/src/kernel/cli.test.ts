// `flushguard lint --verbose` says which kernel version each tree is checked as; `--kernel-version`
// and `.flushguard.json`'s kernelVersion override the Makefile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'cli', 'main.ts');
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const GOOD =
  'void good(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n\tflush_dcache_page(page);\n}\n';

function trees(): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-kver-'));
  for (const minor of [1, 12]) {
    const top = join(root, `linux-6.${minor}`);
    mkdirSync(join(top, 'fs', 'demo'), { recursive: true });
    writeFileSync(
      join(top, 'Makefile'),
      `VERSION = 6\nPATCHLEVEL = ${minor}\nSUBLEVEL = 0\nEXTRAVERSION =\n`,
    );
    writeFileSync(join(top, 'fs', 'Makefile'), 'obj-y += demo/\n');
    writeFileSync(join(top, 'fs', 'demo', 'a.c'), GOOD);
    writeFileSync(join(top, 'fs', 'demo', 'b.c'), GOOD);
  }
  mkdirSync(join(root, 'loose'));
  writeFileSync(join(root, 'loose', 'c.c'), GOOD);
  return root;
}

test('--verbose names each tree version from its Makefile, and the files outside any tree', () => {
  const root = trees();
  const r = run('lint', '--verbose', root);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /note: kernel version 6\.1 \(from .*linux-6\.1[\\/]Makefile\): 2 files/);
  assert.match(r.out, /note: kernel version 6\.12 \(from .*linux-6\.12[\\/]Makefile\): 2 files/);
  assert.match(r.out, /note: kernel version not detected .*newest behaviour known.*: 1 file\n/);
  assert.doesNotMatch(run('lint', root).out, /kernel version/, 'said only with --verbose');
});

test('--kernel-version and .flushguard.json kernelVersion override the Makefile; a bad value is a usage error', () => {
  const root = trees();
  const flag = run('lint', '--verbose', '--kernel-version', '6.6', root);
  assert.equal(flag.code, 0, flag.err);
  assert.match(flag.out, /note: kernel version 6\.6 \(from the kernelVersion setting\): 5 files/);
  const config = join(root, '.flushguard.json');
  writeFileSync(config, '{"kernelVersion": "6.9"}');
  assert.match(
    run('lint', '--verbose', '--config', config, root).out,
    /kernel version 6\.9 \(from the kernelVersion setting\): 5 files/,
  );
  const bad = run('lint', '--kernel-version', 'latest', root);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--kernel-version must look like 6\.12 \(got 'latest'\)/);
});

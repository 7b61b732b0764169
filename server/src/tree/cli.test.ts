import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRecord, readCacheFile } from './store';

const MAIN = join(__dirname, '..', 'cli', 'main.ts');
const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const OLD = new Date(Date.now() - 60_000);

/** A kernel-shaped tree: an x86-only driver and a driver every architecture can build. */
function kernelTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-kernel-'));
  const files: Record<string, string> = {
    Makefile: 'core-y :=\n',
    Kbuild: 'obj-y += drivers/\n',
    Kconfig: 'source "arch/$(SRCARCH)/Kconfig"\nsource "drivers/Kconfig"\n',
    'arch/arm/Kconfig': 'config ARM\n\tdef_bool y\n',
    'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n',
    'drivers/Kconfig':
      'config GFX\n\ttristate "graphics"\n\tdepends on X86 && PCI\n\nconfig BLK\n\ttristate "block"\n',
    'drivers/Makefile': 'obj-$(CONFIG_GFX) += gfx/\nobj-$(CONFIG_BLK) += blk/\n',
    'drivers/gfx/Makefile': 'obj-$(CONFIG_GFX) += gfx.o\n',
    'drivers/blk/Makefile': 'obj-$(CONFIG_BLK) += blk.o\n',
    'drivers/gfx/gfx.c': BAD,
    'drivers/blk/blk.c': BAD,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    utimesSync(join(root, rel), OLD, OLD);
  }
  return root;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

// Run from here (tsx and the WASM files resolve from the repository), on the tree's absolute path.
const args = (root: string, extra: string[]): string[] => [
  '--import',
  'tsx',
  MAIN,
  'lint',
  '--no-progress',
  ...extra,
  root,
];

function run(root: string, home: string, ...extra: string[]): Run {
  const r = spawnSync(process.execPath, args(root, extra), {
    encoding: 'utf8',
    env: { ...process.env, FLUSHGUARD_CACHE_DIR: home },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function runAsync(root: string, home: string, ...extra: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args(root, extra), {
      env: { ...process.env, FLUSHGUARD_CACHE_DIR: home },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

interface JsonFinding {
  file: string;
  severity: string;
  reach?: { aliasing: boolean; why: string };
}

const findings = (r: Run): JsonFinding[] =>
  (JSON.parse(r.out) as { findings: JsonFinding[] }).findings;

test('cli reach: two runs at once on a cold cache agree, leave valid cache files, and a warm run agrees', async () => {
  const root = kernelTree();
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const [a, b] = await Promise.all([
    runAsync(root, home, '--format', 'json'),
    runAsync(root, home, '--format', 'json'),
  ]);
  assert.equal(a.code, 1, a.err);
  assert.equal(b.out, a.out);
  const byFile = Object.fromEntries(findings(a).map((f) => [f.file.slice(root.length + 1), f]));
  assert.deepEqual(byFile['drivers/gfx/gfx.c'], {
    ...byFile['drivers/gfx/gfx.c'],
    severity: 'info',
    reach: { aliasing: false, why: 'drivers/Kconfig:3: depends on X86 && PCI' },
  });
  assert.deepEqual(byFile['drivers/blk/blk.c']?.reach, {
    aliasing: true,
    why: 'can be built for arm',
  });
  assert.equal(byFile['drivers/blk/blk.c']?.severity, 'warning');
  const dir = join(home, 'trees', readdirSync(join(home, 'trees'))[0]!);
  for (const name of readdirSync(dir))
    assert.ok(readCacheFile(join(dir, name), isRecord), `${name} is whole`);
  const warm = run(root, home, '--format', 'json');
  assert.equal(warm.out, a.out);
});

test('cli reach: text output says why a finding cannot bite; --aliasing-only drops it', () => {
  const root = kernelTree();
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const text = run(root, home).out.split('\n');
  const gfx = text.find((l) => l.startsWith(join(root, 'drivers/gfx/gfx.c:')));
  assert.match(
    gfx ?? '',
    /: note: .*\(cannot run on a CPU with an aliasing D-cache: depends on X86\) \[missing-flush-dcache-page\]$/,
  );
  const blk = text.find((l) => l.startsWith(join(root, 'drivers/blk/blk.c:'))) ?? '';
  assert.match(blk, /: warning: .*\[missing-flush-dcache-page\]$/);
  assert.doesNotMatch(blk, /cannot run/);
  const only = run(root, home, '--aliasing-only', '--format', 'json');
  assert.deepEqual(
    findings(only).map((f) => f.file),
    [join(root, 'drivers/blk/blk.c')],
  );
});

test('cli reach: contractOnlySeverity in .flushguard.json; SARIF carries reach; --no-cache writes nothing', () => {
  const root = kernelTree();
  writeFileSync(join(root, '.flushguard.json'), '{"contractOnlySeverity": "error"}\n');
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const sarif = run(
    root,
    home,
    '--format',
    'sarif',
    '--no-cache',
    '--config',
    join(root, '.flushguard.json'),
  );
  const results = (
    JSON.parse(sarif.out) as {
      runs: {
        results: {
          level: string;
          properties?: { reach?: { aliasing: boolean } };
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    }
  ).runs[0]!.results;
  const gfx = results.find((r) =>
    r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith('drivers/gfx/gfx.c'),
  );
  assert.equal(gfx?.level, 'error');
  assert.equal(gfx?.properties?.reach?.aliasing, false);
  assert.equal(existsSync(join(home, 'trees')), false, '--no-cache left the cache alone');
});

test('cli reach: code inside #ifdef CONFIG_X86, or a symbol that depends on X86, is contract-only', () => {
  const root = kernelTree();
  const fn = (name: string): string => BAD.replace('bad', name);
  const files: Record<string, string> = {
    'drivers/Kconfig':
      'config GFX\n\ttristate "graphics"\n\tdepends on X86 && PCI\n\nconfig BLK\n\ttristate "block"\n\nconfig BLK_WC\n\tdef_bool y\n\tdepends on X86\n',
    'drivers/blk/Makefile': 'obj-$(CONFIG_BLK) += blk.o glue.o\n',
    'drivers/blk/glue.c': [
      '#ifdef CONFIG_X86',
      fn('x86_only'),
      '#endif',
      '#if defined(CONFIG_BLK_WC) && IS_ENABLED(CONFIG_PCI)',
      fn('write_combined'),
      '#else',
      fn('elsewhere'),
      '#endif',
      '#ifndef CONFIG_X86',
      fn('not_x86'),
      '#endif /* !CONFIG_X86 */',
      '#if IS_ENABLED(CONFIG_X86) || LINUX_VERSION_CODE > 5',
      fn('unknown'),
      '#endif',
      '',
    ].join('\n'),
  };
  for (const [rel, text] of Object.entries(files)) {
    writeFileSync(join(root, rel), text);
    utimesSync(join(root, rel), OLD, OLD);
  }
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const r = run(root, home, '--format', 'json');
  const glue = (
    JSON.parse(r.out) as { findings: (JsonFinding & { function: string })[] }
  ).findings.filter((f) => f.file.endsWith('glue.c'));
  assert.deepEqual(
    Object.fromEntries(
      glue.map((f) => [f.function, [f.severity, f.reach?.aliasing, f.reach?.why]]),
    ),
    {
      x86_only: [
        'info',
        false,
        'drivers/blk/glue.c:1: #ifdef CONFIG_X86 (X86 exists only for x86)',
      ],
      write_combined: ['info', false, 'drivers/Kconfig:10: depends on X86'],
      elsewhere: ['warning', true, 'can be built for arm'],
      not_x86: ['warning', true, 'can be built for arm'],
      unknown: ['warning', true, 'can be built for arm'],
    },
  );
  const text = run(root, home).out;
  assert.match(
    text,
    /glue\.c:\d+:\d+: note: .*\(cannot run on a CPU with an aliasing D-cache: inside #if defined\(CONFIG_BLK_WC\) && IS_ENABLED\(CONFIG_PCI\): depends on X86\)/,
  );
});

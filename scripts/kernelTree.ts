// Locates Debian's linux-source-6.1 tree for benchmarks, installing and unpacking it if absent.
// Order: $FLUSHGUARD_KERNEL, .bench/linux-source-6.1, then apt-get install + untar into .bench/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TARBALL = '/usr/src/linux-source-6.1.tar.xz';

export function kernelTree(): string {
  const fromEnv = process.env['FLUSHGUARD_KERNEL'];
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'Makefile'))) throw new Error(`FLUSHGUARD_KERNEL=${fromEnv} is not a kernel tree`);
    return resolve(fromEnv);
  }
  const local = resolve('.bench/linux-source-6.1');
  if (existsSync(join(local, 'Makefile'))) return local;
  if (!existsSync(TARBALL)) {
    console.error('bench: installing Debian linux-source-6.1 (apt-get)…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'linux-source-6.1'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  console.error(`bench: unpacking ${TARBALL} into .bench/ …`);
  mkdirSync('.bench', { recursive: true });
  execFileSync('tar', ['-xf', TARBALL, '-C', '.bench'], { stdio: 'inherit' });
  return local;
}

/** All files under `dir` whose names end in one of `exts`, sorted (C locale) for stable runs. */
export function listFiles(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && exts.some((e) => name.endsWith(e))) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

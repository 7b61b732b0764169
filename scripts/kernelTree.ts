// Locates Debian's linux-source-<version> tree for benchmarks, installing and unpacking it if absent.
// Order: $FLUSHGUARD_KERNEL_<major>_<minor> (and, for 6.1, the older $FLUSHGUARD_KERNEL),
// .bench/linux-source-<version>, then apt-get install linux-source-<version> + untar into .bench/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function kernelTree(version = '6.1'): string {
  const envNames = [`FLUSHGUARD_KERNEL_${version.replace(/\./g, '_')}`];
  if (version === '6.1') envNames.push('FLUSHGUARD_KERNEL');
  for (const name of envNames) {
    const fromEnv = process.env[name];
    if (!fromEnv) continue;
    if (!existsSync(join(fromEnv, 'Makefile')))
      throw new Error(`${name}=${fromEnv} is not a kernel tree`);
    return resolve(fromEnv);
  }
  const pkg = `linux-source-${version}`;
  const local = resolve('.bench', pkg);
  if (existsSync(join(local, 'Makefile'))) return local;
  const tarball = `/usr/src/${pkg}.tar.xz`;
  if (!existsSync(tarball)) {
    console.error(`bench: installing Debian ${pkg} (apt-get)…`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  console.error(`bench: unpacking ${tarball} into .bench/ …`);
  mkdirSync('.bench', { recursive: true });
  execFileSync('tar', ['-xf', tarball, '-C', '.bench'], { stdio: 'inherit' });
  if (!existsSync(join(local, 'Makefile')))
    throw new Error(`${tarball} did not unpack to ${local}`);
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

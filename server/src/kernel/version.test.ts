import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareKernelVersions,
  describeKernelVersion,
  KernelVersionDetector,
  makefileKernelVersion,
  newestKernelVersion,
  parseKernelVersion,
  resolveKernelVersion,
  versionInRange,
} from './version';

const TOP_MAKEFILE = (minor: number): string =>
  `# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = ${minor}\nSUBLEVEL = 3\nEXTRAVERSION =\nNAME = Test\n`;
// A library Makefile under tools/ sets the same names from make variables.
const TOOLS_MAKEFILE =
  'VERSION = $(LIB_VERSION).$(LIB_PATCHLEVEL)\nPATCHLEVEL = $(LIB_PATCHLEVEL)\n';
const KBUILD_MAKEFILE = 'obj-y += foo.o\n';

test('parseKernelVersion reads major.minor and ignores sublevel, v prefix and -rc suffix', () => {
  assert.deepEqual(parseKernelVersion('6.12'), { major: 6, minor: 12 });
  assert.deepEqual(parseKernelVersion('v6.1.192'), { major: 6, minor: 1 });
  assert.deepEqual(parseKernelVersion(' 6.13-rc2 '), { major: 6, minor: 13 });
  assert.equal(parseKernelVersion('6'), undefined);
  assert.equal(parseKernelVersion('six.one'), undefined);
  assert.equal(parseKernelVersion('6.12; rm'), undefined);
});

test('compareKernelVersions orders by major then minor, numerically (6.9 < 6.12)', () => {
  const v = (s: string) => parseKernelVersion(s)!;
  assert.ok(compareKernelVersions(v('6.9'), v('6.12')) < 0);
  assert.ok(compareKernelVersions(v('7.0'), v('6.19')) > 0);
  assert.equal(compareKernelVersions(v('6.12'), v('6.12.5')), 0);
  assert.deepEqual(newestKernelVersion([v('6.1'), v('6.16'), v('6.9')]), v('6.16'));
  assert.equal(newestKernelVersion([]), undefined);
});

test('versionInRange: since is inclusive, until is the first version without the fact', () => {
  const v = (s: string) => parseKernelVersion(s)!;
  assert.equal(versionInRange(v('6.16'), v('6.16')), true);
  assert.equal(versionInRange(v('6.15'), v('6.16')), false);
  assert.equal(versionInRange(v('6.1'), undefined, v('6.2')), true);
  assert.equal(versionInRange(v('6.2'), undefined, v('6.2')), false);
  assert.equal(versionInRange(v('6.5'), v('6.1'), v('6.12')), true);
  assert.equal(versionInRange(v('6.12'), v('6.1'), v('6.12')), false);
  assert.equal(versionInRange(v('4.19')), true);
});

test('makefileKernelVersion accepts only the top-level kernel Makefile', () => {
  assert.deepEqual(makefileKernelVersion(TOP_MAKEFILE(12)), { major: 6, minor: 12 });
  assert.equal(makefileKernelVersion(TOOLS_MAKEFILE), undefined);
  assert.equal(makefileKernelVersion(KBUILD_MAKEFILE), undefined);
  assert.equal(makefileKernelVersion('VERSION = 6\nPATCHLEVEL = 1\n'), undefined, 'no SUBLEVEL');
});

function fakeTree(files: Record<string, string>): {
  reads: string[];
  io: { readFile(p: string): string | undefined };
} {
  const reads: string[] = [];
  return {
    reads,
    io: {
      readFile(p: string) {
        reads.push(p);
        return files[p];
      },
    },
  };
}

test('the detector walks up past kbuild and tools Makefiles to the tree top, once per tree', () => {
  const { reads, io } = fakeTree({
    '/src/linux/Makefile': TOP_MAKEFILE(12),
    '/src/linux/fs/Makefile': KBUILD_MAKEFILE,
    '/src/linux/fs/ext4/Makefile': KBUILD_MAKEFILE,
    '/src/linux/tools/lib/perf/Makefile': TOOLS_MAKEFILE,
  });
  const d = new KernelVersionDetector(io);
  const a = d.detect('/src/linux/fs/ext4/inode.c');
  assert.deepEqual(a, { version: { major: 6, minor: 12 }, makefile: '/src/linux/Makefile' });
  const walked = reads.length;
  assert.equal(walked, 3, 'ext4, fs, then the top');
  assert.deepEqual(d.detect('/src/linux/fs/ext4/super.c'), a);
  assert.deepEqual(d.detect('/src/linux/fs/namei.c'), a);
  assert.equal(reads.length, walked, 'the second and third files read no Makefile');
  assert.deepEqual(d.detect('/src/linux/tools/lib/perf/evlist.c')?.version, {
    major: 6,
    minor: 12,
  });
});

test('two trees side by side keep their own versions; outside a tree there is none', () => {
  const { io } = fakeTree({
    '/k/linux-6.1/Makefile': TOP_MAKEFILE(1),
    '/k/linux-6.12/Makefile': TOP_MAKEFILE(12),
  });
  const d = new KernelVersionDetector(io);
  assert.deepEqual(d.detect('/k/linux-6.1/mm/filemap.c')?.version, { major: 6, minor: 1 });
  assert.deepEqual(d.detect('/k/linux-6.12/mm/filemap.c')?.version, { major: 6, minor: 12 });
  assert.equal(d.detect('/home/me/demo.c'), undefined);
  assert.equal(d.detect('demo.c'), undefined, 'a bare name has no directory to search');
});

test('Windows paths are walked with backslashes', () => {
  const { io } = fakeTree({ 'C:\\linux\\Makefile': TOP_MAKEFILE(6) });
  const d = new KernelVersionDetector(io);
  assert.deepEqual(d.detect('C:\\linux\\drivers\\block\\brd.c'), {
    version: { major: 6, minor: 6 },
    makefile: 'C:\\linux\\Makefile',
  });
});

test('the setting overrides the Makefile; without either the newest behaviour applies, and says so', () => {
  const detected = { version: { major: 6, minor: 1 }, makefile: '/k/Makefile' };
  const setting = { major: 6, minor: 12 };
  assert.deepEqual(resolveKernelVersion(setting, detected), {
    source: 'setting',
    version: setting,
  });
  const fromTree = resolveKernelVersion(undefined, detected);
  assert.deepEqual(fromTree, {
    source: 'makefile',
    version: detected.version,
    makefile: '/k/Makefile',
  });
  const none = resolveKernelVersion(undefined, undefined);
  assert.equal(none.version, undefined);
  assert.match(describeKernelVersion(fromTree), /6\.1 \(from \/k\/Makefile\)/);
  assert.match(
    describeKernelVersion(none, { major: 6, minor: 16 }),
    /newest behaviour known, 6\.16/,
  );
  assert.match(
    describeKernelVersion(resolveKernelVersion(setting, undefined)),
    /kernelVersion setting/,
  );
});

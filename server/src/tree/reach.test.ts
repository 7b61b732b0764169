import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readKconfig } from './kconfig';
import { ReachIndex } from './reach';
import type { Reach } from './reach';
import { evaluate, parseExpr, printExpr } from './kconfigExpr';

/** A small tree in kernel shapes: the files the reach code reads, nothing else. */
const TREE: Record<string, string> = {
  Kconfig: 'mainmenu "Test"\nsource "arch/$(SRCARCH)/Kconfig"\nsource "drivers/Kconfig"\n',
  Kbuild: 'obj-y += arch/$(SRCARCH)/\nobj-y += drivers/\nobj-$(CONFIG_MMU) += mm/\n',
  Makefile: 'core-y :=\nlibs-y := lib/\n',
  'arch/arm/Kconfig':
    'config ARM\n\tbool\n\tdefault y\n\tselect HAVE_THING\n\nconfig MMU\n\tbool "MMU"\n',
  'arch/arm64/Kconfig': 'config ARM64\n\tdef_bool y\n\nconfig MMU\n\tdef_bool y\n',
  'arch/x86/Kconfig':
    'config X86\n\tdef_bool y\n\nconfig X86_64\n\tdef_bool y\n\nconfig MMU\n\tdef_bool y\n',
  'arch/s390/Kconfig': 'config S390\n\tdef_bool y\n\nconfig CCW\n\tdef_bool y\n',
  'arch/sparc/Kconfig':
    'config SPARC\n\tbool\n\tdefault y\n\nconfig 64BIT\n\tbool "64-bit kernel"\n\nconfig SPARC64\n\tdef_bool 64BIT\n',
  'arch/x86/Kbuild': 'obj-y += kernel/\n',
  'arch/x86/kernel/Makefile': 'obj-y += setup.o\n',
  'arch/arm/Kbuild': 'obj-y += mm/\n',
  'arch/arm/mm/Makefile': 'obj-y += flush.o\n',
  'drivers/Kconfig': [
    'menu "Device drivers"',
    'source "drivers/gpu/Kconfig"',
    'source "drivers/block/Kconfig"',
    'if X86',
    'source "drivers/platform/Kconfig"',
    'endif',
    'menu "Bus"',
    '\tdepends on ARM64',
    'config BUSDEV',
    '\ttristate "bus device"',
    'endmenu',
    'endmenu',
    '',
  ].join('\n'),
  'drivers/gpu/Kconfig': [
    'config GFX',
    '\ttristate "A graphics driver"',
    '\tdepends on PCI',
    '\tdepends on X86 && PCI',
    '\tselect SHMEM',
    '\thelp',
    '\t  Not a dependency: depends on ARM here is help text.',
    '',
    'config GFX_SEL',
    '\tbool "self tests"',
    '\tdepends on GFX',
    '',
    'config SOC_GFX',
    '\ttristate "An SoC graphics driver"',
    '\tdepends on ARM64 || COMPILE_TEST',
    '',
    'config ANY_GFX',
    '\ttristate "Either"',
    '\tdepends on ARM || X86',
    '',
    'config NOT_X86',
    '\ttristate "Anywhere but x86"',
    '\tdepends on !X86',
    '',
    'config SPARC_GFX',
    '\ttristate "sparc64 only"',
    '\tdepends on SPARC64',
    '',
    'config MYSTERY',
    '\ttristate "depends on a symbol no Kconfig defines"',
    '\tdepends on SOMETHING_UNDEFINED',
    '',
    'config SELECTS_X86_ONLY',
    '\ttristate "selects, does not depend"',
    '\tselect X86_64',
    '',
  ].join('\n'),
  'drivers/block/Kconfig': 'config BLK\n\ttristate "block"\n',
  'drivers/platform/Kconfig': 'config PLAT\n\ttristate "platform"\n',
  'drivers/Makefile': [
    'obj-y += gpu/',
    'obj-$(CONFIG_S390) += s390/',
    'obj-$(CONFIG_PLAT) += platform/',
    'obj-$(subst m,y,$(CONFIG_BLK)) += block/',
    'obj-$(CONFIG_BUSDEV) += bus/',
    '',
  ].join('\n'),
  'drivers/gpu/Makefile': [
    'gfx-y := gfx_main.o \\',
    '\tcore/gfx_core.o',
    'gem-y += gem/gfx_gem.o',
    'gfx-y += $(gem-y)',
    'gfx-$(CONFIG_GFX_SEL) += selftest.o',
    'obj-$(CONFIG_GFX) += gfx.o',
    'soc-gfx-objs := soc_main.o',
    'obj-$(CONFIG_SOC_GFX) += soc-gfx.o',
    'obj-$(CONFIG_ANY_GFX) += any.o',
    'obj-$(CONFIG_NOT_X86) += notx86.o',
    'obj-$(CONFIG_SPARC_GFX) += sparc.o',
    'obj-$(CONFIG_MYSTERY) += mystery.o',
    'obj-$(CONFIG_SELECTS_X86_ONLY) += selects.o',
    'obj-$(CONFIG_GFX) += xe/',
    'ifdef CONFIG_X86',
    'obj-y += x86_glue.o',
    'else',
    'obj-y += other_glue.o',
    'endif',
    '',
  ].join('\n'),
  'drivers/gpu/xe/Makefile': 'xe-y += xe_main.o sub/xe_sub.o\nobj-$(CONFIG_GFX) += xe.o\n',
  'drivers/s390/Makefile': 'obj-y += dasd.o\n',
  'drivers/platform/Makefile': 'obj-y += plat.o\n',
  'drivers/block/Makefile': 'obj-$(CONFIG_BLK) += blk.o\n',
  'drivers/bus/Makefile': 'obj-y += bus.o\n',
  'mm/Makefile': 'mmu-y := nommu.o\nmmu-$(CONFIG_MMU) := memory.o\nobj-y := $(mmu-y)\n',
};

const ARCHES = ['arm', 'arm64', 's390', 'sparc', 'x86'];

function index(files: Record<string, string> = TREE): ReachIndex {
  const read = (p: string): string | undefined => files[p];
  return new ReachIndex(readKconfig({ read, arches: ARCHES }), { read }, ARCHES);
}

const contractOnly = (r: Reach): boolean => !r.aliasing;

test('reach: a driver that depends on X86 is contract-only, with the Kconfig line that says so', () => {
  const r = index().reach('drivers/gpu/gfx_main.c');
  assert.equal(r.aliasing, false);
  assert.equal(r.why, 'drivers/gpu/Kconfig:4: depends on X86 && PCI');
  assert.equal(r.short, 'depends on X86');
});

test('reach: composite objects in subdirectories and $(var) lists follow to the goal', () => {
  const idx = index();
  for (const f of [
    'drivers/gpu/core/gfx_core.c',
    'drivers/gpu/gem/gfx_gem.c',
    'drivers/gpu/selftest.c',
  ])
    assert.equal(idx.reach(f).why, 'drivers/gpu/Kconfig:4: depends on X86 && PCI', f);
});

test('reach: ARM64 || COMPILE_TEST is contract-only (COMPILE_TEST counts as not set)', () => {
  const r = index().reach('drivers/gpu/soc_main.c');
  assert.ok(contractOnly(r));
  assert.equal(r.short, 'depends on ARM64 || COMPILE_TEST');
});

test('reach: code an aliasing architecture can build stays aliasing', () => {
  const idx = index();
  assert.equal(idx.reach('drivers/gpu/any.c').aliasing, true, 'ARM || X86');
  assert.equal(idx.reach('drivers/gpu/notx86.c').aliasing, true, '!X86');
  assert.equal(idx.reach('drivers/block/blk.c').aliasing, true, '$(subst m,y,…)');
  assert.match(
    idx.reach('drivers/gpu/sparc.c').why,
    /can be built for sparc$/,
    'SPARC64 = 64BIT on sparc',
  );
  assert.equal(idx.reach('drivers/gpu/other_glue.c').aliasing, true, 'else of ifdef CONFIG_X86');
  assert.equal(idx.reach('arch/arm/mm/flush.c').aliasing, true);
});

test('reach: select is not a dependency; help text is not read; unknown symbols can be set', () => {
  const idx = index();
  assert.equal(idx.reach('drivers/gpu/selects.c').aliasing, true);
  assert.equal(idx.reach('drivers/gpu/mystery.c').aliasing, true);
  const noHelp = {
    ...TREE,
    'drivers/gpu/Kconfig': TREE['drivers/gpu/Kconfig']!.replace(
      'depends on X86 && PCI',
      'depends on PCI',
    ),
  };
  assert.equal(
    index(noHelp).reach('drivers/gpu/gfx_main.c').aliasing,
    true,
    'the help text must not count',
  );
});

test('reach: a directory built only with an arch-only symbol, arch/ directories, if blocks, menus', () => {
  const idx = index();
  const s390 = idx.reach('drivers/s390/dasd.c');
  assert.equal(s390.aliasing, false);
  assert.equal(
    s390.why,
    'drivers/Makefile:2: obj-$(CONFIG_S390) += s390/ (S390 exists only for s390)',
  );
  const x86 = idx.reach('arch/x86/kernel/setup.c');
  assert.deepEqual([x86.aliasing, x86.short], [false, 'built only for x86']);
  const plat = idx.reach('drivers/platform/plat.c');
  assert.deepEqual(
    [plat.aliasing, plat.why, plat.short],
    [false, 'drivers/Kconfig:4: if X86', 'inside if X86'],
  );
  const bus = idx.reach('drivers/bus/bus.c');
  assert.deepEqual([bus.aliasing, bus.why], [false, 'drivers/Kconfig:8: depends on ARM64']);
  assert.equal(idx.reach('drivers/gpu/x86_glue.c').aliasing, false, 'ifdef CONFIG_X86');
});

test('reach: mmu-$(CONFIG_MMU) listed as $(mmu-y) is followed', () => {
  const r = index().reach('mm/memory.c');
  assert.match(r.why, /can be built for arm/);
});

test('reach: what cannot be decided counts as aliasing, and says so', () => {
  const idx = index();
  const header = idx.reach('include/linux/thing.h');
  assert.equal(header.aliasing, true);
  assert.match(header.why, /^reach not decided \(a header/);
  const stray = idx.reach('drivers/misc/stray.c');
  assert.equal(stray.aliasing, true);
  assert.match(stray.why, /^reach not decided/);
});

test('reach: a file no Makefile names is judged by the directory around it', () => {
  const idx = index();
  assert.equal(
    idx.reach('drivers/gpu/xe/sub/xe_sub.c').why,
    'drivers/gpu/Kconfig:4: depends on X86 && PCI',
  );
  const mock = idx.reach('drivers/gpu/xe/sub/selftests/mock.c');
  assert.equal(mock.why, 'drivers/gpu/Kconfig:4: depends on X86 && PCI');
  assert.equal(idx.reach('drivers/gpu/xe/xe_regs.h').aliasing, false);
  assert.equal(
    idx.reach('drivers/gpu/gfx_regs.h').aliasing,
    true,
    'drivers/gpu/ is built for every arch',
  );
  assert.equal(idx.reach('arch/x86/include/asm/thing.h').short, 'built only for x86');
});

test('kconfig expressions: precedence, comparisons, printing', () => {
  const v: Record<string, 'y' | 'n' | '?'> = { A: 'y', B: 'n', C: '?' };
  const ev = (s: string): string => evaluate(parseExpr(s), (x) => v[x] ?? '?');
  assert.equal(ev('A && B || A'), 'y');
  assert.equal(ev('A && (B || C)'), '?');
  assert.equal(ev('!B && A'), 'y');
  assert.equal(ev('B = n'), 'y');
  assert.equal(ev('B != n'), 'n');
  assert.equal(ev('B = y'), 'n');
  assert.equal(ev('A = "x"'), '?');
  assert.equal(ev('$(cc-option,-mfoo) && A'), '?');
  assert.equal(ev('A &&'), '?');
  assert.equal(
    printExpr(parseExpr('(X86 && HYPERVISOR_GUEST) || ARM64')),
    '(X86 && HYPERVISOR_GUEST) || ARM64',
  );
  assert.equal(printExpr(parseExpr('!(A || B) && C')), '!(A || B) && C');
});

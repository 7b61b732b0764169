import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionRanges, guardsAt, parseCondition } from './ppGuards';
import { printExpr } from './kconfigExpr';

const show = (text: string): string => printExpr(parseCondition(text));

test('#if conditions: the forms include/linux/kconfig.h defines, and nothing else', () => {
  assert.equal(show('defined(CONFIG_X86)'), 'X86');
  assert.equal(show('defined CONFIG_X86 && !defined(CONFIG_64BIT)'), 'X86 && !64BIT');
  assert.equal(show('IS_ENABLED(CONFIG_PCI) || IS_REACHABLE(CONFIG_BLK)'), 'PCI || BLK');
  assert.equal(show('(CONFIG_A && IS_BUILTIN(CONFIG_B)) || IS_MODULE(CONFIG_C)'), '(A && B) || C');
  // Not modelled, so unknown: a comparison, a number, a broken line.
  assert.equal(parseCondition('ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE == 1').k, 'unknown');
  assert.equal(parseCondition('0').k, 'unknown');
  assert.equal(parseCondition('CONFIG_A ||').k, 'unknown');
  // An unknown part of a conjunction leaves the known part standing.
  assert.equal(show('defined(CONFIG_X86) && __GNUC__'), 'X86 && __GNUC__');
});

test('#if chains: each branch confines the lines strictly inside it; #else negates', () => {
  const source = [
    '#include <linux/mm.h>', // 1
    '#ifdef CONFIG_X86', // 2
    'int a;', // 3
    '#elif defined(CONFIG_ARM) /* arm */', // 4
    'int b;', // 5
    '#else', // 6
    'int c;', // 7
    '#endif', // 8
    '#ifndef CONFIG_MMU', // 9
    '#if IS_ENABLED(CONFIG_PCI) && \\', // 10
    '    defined(CONFIG_BLK)', // 11
    'int d;', // 12
    '#endif', // 13
    '#endif', // 14
    '#ifndef _FOO_H', // 15
    'int e;', // 16
    '#endif', // 17
  ].join('\n');
  const ranges = conditionRanges(source, 'drivers/x.c');
  const at = (line: number): string[] =>
    guardsAt(ranges, line).map((c) => `${c.line} ${printExpr(c.expr)}`);
  assert.deepEqual(at(1), []);
  assert.deepEqual(at(3), ['2 X86']);
  assert.deepEqual(at(5), ['4 !X86 && ARM']);
  assert.deepEqual(at(7), ['6 !X86 && !ARM']);
  assert.deepEqual(at(12), ['9 !MMU', '10 PCI && BLK']);
  // An include guard is not a Kconfig symbol: nothing is known.
  assert.deepEqual(at(16), []);
  assert.equal(guardsAt(ranges, 7)[0]?.text, '#else of #ifdef CONFIG_X86');
  assert.equal(guardsAt(ranges, 7)[0]?.file, 'drivers/x.c');
});

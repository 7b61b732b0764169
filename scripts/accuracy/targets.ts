/**
 * Issue 12's named targets (bench/accuracy/targets.json): functions a tree's lint must flag, or
 * keep silent, as they are (the 6.1 functions 6.12 fixed; f2fs __clone_blkaddrs). Each listed
 * file is linted untouched, with the tree's index when there is one.
 */
import { join } from 'node:path';
import type { Parser } from '../../server/src/parsing/parser';
import { lintSource } from '../../server/src/linter';
import type { KernelVersion } from '../../server/src/kernel/version';
import type { TreeFacts } from '../../server/src/xref/types';
import { readSource } from '../../server/src/cli/files';

export interface NamedTarget {
  tree: string;
  file: string;
  function: string;
  rule: string;
  expect: 'flagged' | 'silent';
  why: string;
}

export function parseTargets(text: string, path: string): NamedTarget[] {
  const data = JSON.parse(text) as { targets?: unknown };
  if (!Array.isArray(data.targets)) throw new Error(`${path}: no "targets" array`);
  return data.targets.map((t: unknown, i) => {
    const o = t as Record<string, unknown>;
    const strings = ['tree', 'file', 'function', 'rule', 'why'] as const;
    for (const k of strings)
      if (typeof o[k] !== 'string') throw new Error(`${path}: targets[${i}].${k} is not a string`);
    if (o['expect'] !== 'flagged' && o['expect'] !== 'silent')
      throw new Error(`${path}: targets[${i}].expect is neither "flagged" nor "silent"`);
    return o as unknown as NamedTarget;
  });
}

/** One line per target that does not hold, after a summary line. */
export function checkTargets(
  parser: Parser,
  tree: string,
  targets: readonly NamedTarget[],
  options: { kernelVersion: KernelVersion | undefined; index?: TreeFacts },
): string[] {
  if (targets.length === 0) return [];
  const failed: string[] = [];
  for (const t of targets) {
    const read = readSource(join(tree, t.file));
    if (!read.ok) {
      failed.push(`  TARGET ${t.file} ${t.function}: file not readable`);
      continue;
    }
    const { findings } = lintSource(parser, read.text, {
      kernelVersion: options.kernelVersion,
      ...(options.index ? { tree: { tree: options.index, file: t.file } } : {}),
    });
    const flagged = findings.some((f) => f.function === t.function && f.rule === t.rule);
    if (flagged !== (t.expect === 'flagged'))
      failed.push(`  TARGET ${t.file} ${t.function}: expected ${t.expect} (${t.why})`);
  }
  const held = targets.length - failed.length;
  return [
    `named targets: ${held}/${targets.length} hold   ${failed.length === 0 ? 'PASS' : 'FAIL'}`,
    ...failed,
  ];
}

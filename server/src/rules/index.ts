/** The rule registry: id → rule. A test checks every rule has its test and its doc. */
import { rule as missingFlushDcachePage } from './missing-flush-dcache-page';
import { rule as deprecatedFlushKernelDcachePage } from './deprecated-flush-kernel-dcache-page';
import { rule as missingFlushKernelVmapRange } from './missing-flush-kernel-vmap-range';
import { rule as missingInvalidateKernelVmapRange } from './missing-invalidate-kernel-vmap-range';
import { rule as vmapRangeMismatch } from './vmap-range-mismatch';
import { rule as invalidateBeforeWriteIo } from './invalidate-before-write-io';
import { rule as missingFlushBeforeKernelRead } from './missing-flush-before-kernel-read';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  missingFlushDcachePage,
  deprecatedFlushKernelDcachePage,
  missingFlushKernelVmapRange,
  missingInvalidateKernelVmapRange,
  vmapRangeMismatch,
  invalidateBeforeWriteIo,
  missingFlushBeforeKernelRead,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

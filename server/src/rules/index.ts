/** The rule registry: id → rule. A test checks every rule has its test and its doc. */
import { rule as missingFlushDcachePage } from './missing-flush-dcache-page';
import { rule as deprecatedFlushKernelDcachePage } from './deprecated-flush-kernel-dcache-page';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [missingFlushDcachePage, deprecatedFlushKernelDcachePage];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

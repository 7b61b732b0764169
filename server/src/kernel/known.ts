/**
 * The kernel-API table's versions, for the front ends: which releases the table knows, and
 * whether an entry's fact holds for the kernel being checked (knowledge/versions.ts decides).
 */
import { holdsAt, newestKnownKernelVersion } from '../knowledge/versions';
import type { KernelApi } from '../knowledge/types';
import type { KernelVersion } from './version';

export { newestKnownKernelVersion };

/**
 * Whether the table's entry holds for `version` (since inclusive, until exclusive); no version:
 * the newest behaviour known.
 */
export function apiHolds(
  api: Pick<KernelApi, 'since' | 'until'>,
  version: KernelVersion | undefined,
  newest: KernelVersion | undefined = newestKnownKernelVersion(),
): boolean {
  return holdsAt(api, version, newest);
}

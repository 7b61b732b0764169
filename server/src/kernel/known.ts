/**
 * The kernel-API table's versions, read through the version helpers: which releases the table
 * knows, and whether an API's fact holds for the kernel being checked.
 */
import { APIS } from '../knowledge/apis';
import type { KernelApi } from '../knowledge/types';
import { newestKernelVersion, parseKernelVersion, versionInRange } from './version';
import type { KernelVersion } from './version';

function parsed(v: string | undefined): KernelVersion | undefined {
  return v === undefined ? undefined : parseKernelVersion(v);
}

/** The newest release any entry of the table names: the behaviour used outside a kernel tree. */
export function newestKnownKernelVersion(
  apis: readonly KernelApi[] = APIS,
): KernelVersion | undefined {
  return newestKernelVersion(
    apis.flatMap((a) => [parsed(a.since), parsed(a.until)]).filter((v): v is KernelVersion => !!v),
  );
}

/**
 * Whether the table's entry holds for `version` (since inclusive, until exclusive); no version:
 * the newest behaviour known.
 */
export function apiHolds(
  api: Pick<KernelApi, 'since' | 'until'>,
  version: KernelVersion | undefined,
  newest: KernelVersion | undefined = newestKnownKernelVersion(),
): boolean {
  const v = version ?? newest;
  if (!v) return api.until === undefined;
  return versionInRange(v, parsed(api.since), parsed(api.until));
}

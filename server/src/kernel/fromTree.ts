/**
 * The kernel version of a file on disk, for the CLI and the language server: the `kernelVersion`
 * setting, else the tree's top Makefile (read once per tree), else the newest behaviour known.
 */
import { MIB, readBounded } from '../host/boundedRead';

/** The kernel's top Makefile is about 70 KiB. */
const MAX_MAKEFILE_BYTES = 4 * MIB;
import { resolve } from 'node:path';
import { KernelVersionDetector, resolveKernelVersion } from './version';
import type { KernelVersion, ResolvedKernelVersion } from './version';

// One per thread: the main thread, each lint worker and the server learn each tree once.
const detector = new KernelVersionDetector({
  readFile(path) {
    // A top Makefile that is a FIFO or a link to /dev/zero must not hang or fill memory.
    const read = readBounded(path, MAX_MAKEFILE_BYTES);
    return read.ok ? read.bytes.toString('latin1') : undefined;
  },
});

/** `path` undefined: a document that is not a file (untitled); only the setting applies. */
export function fileKernelVersion(
  path: string | undefined,
  setting?: KernelVersion,
): ResolvedKernelVersion {
  const detected = setting || path === undefined ? undefined : detector.detect(resolve(path));
  return resolveKernelVersion(setting, detected);
}

/** A Makefile changed on disk: forget the trees learnt so far. */
export function forgetKernelTrees(): void {
  detector.clear();
}

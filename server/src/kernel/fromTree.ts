/**
 * The kernel version of a file on disk, for the CLI and the language server: the `kernelVersion`
 * setting, else the tree's top Makefile (read once per tree), else the newest behaviour known.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KernelVersionDetector, resolveKernelVersion } from './version';
import type { KernelVersion, ResolvedKernelVersion } from './version';

// One per thread: the main thread, each lint worker and the server learn each tree once.
const detector = new KernelVersionDetector({
  readFile(path) {
    try {
      return readFileSync(path, 'latin1');
    } catch {
      return undefined;
    }
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

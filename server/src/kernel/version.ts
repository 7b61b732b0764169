/**
 * The kernel version of the code being checked: facts about kernel APIs hold for a range of
 * versions (`memcpy_to_folio` flushes, `bio_add_vmalloc` exists only from 6.16), so the linter is
 * told which kernel a file belongs to. The version comes from the `VERSION`/`PATCHLEVEL` lines of
 * the tree's top `Makefile` (the kernel's own definition, see the top of any kernel tree's
 * Makefile), or from a `kernelVersion` setting that overrides it.
 *
 * Pure: the detector is handed a file reader, so the CLI and the language server bring their own
 * I/O and the engine stays free of it.
 */

export interface KernelVersion {
  major: number;
  minor: number;
}

/** `6.12`, `v6.12`, `6.12.118`, `6.13-rc2`: the major and minor numbers; undefined otherwise. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.\d+)?(?:-[\w.]+)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function formatKernelVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}`;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * Whether a fact that holds from `since` (inclusive) until `until` (exclusive: the first version
 * where it no longer holds) applies to `version`. Either bound may be absent.
 */
export function versionInRange(
  version: KernelVersion,
  since?: KernelVersion,
  until?: KernelVersion,
): boolean {
  if (since && compareKernelVersions(version, since) < 0) return false;
  if (until && compareKernelVersions(version, until) >= 0) return false;
  return true;
}

/** The newest of some versions (the newest behaviour a table of facts knows), if any. */
export function newestKernelVersion(versions: Iterable<KernelVersion>): KernelVersion | undefined {
  let newest: KernelVersion | undefined;
  for (const v of versions) if (!newest || compareKernelVersions(v, newest) > 0) newest = v;
  return newest;
}

/**
 * The version a top-level kernel `Makefile` declares. Library Makefiles under `tools/` also set
 * `VERSION`/`PATCHLEVEL`, but from make variables; only plain numbers for all of VERSION,
 * PATCHLEVEL and SUBLEVEL mark the kernel's own.
 */
export function makefileKernelVersion(text: string): KernelVersion | undefined {
  const head = text.slice(0, 4096);
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}[ \\t]*=[ \\t]*(\\d+)[ \\t]*$`, 'm').exec(head);
    return m ? Number(m[1]) : undefined;
  };
  const major = field('VERSION');
  const minor = field('PATCHLEVEL');
  if (major === undefined || minor === undefined || field('SUBLEVEL') === undefined)
    return undefined;
  return { major, minor };
}

export interface DetectedKernelVersion {
  version: KernelVersion;
  /** The Makefile the version was read from. */
  makefile: string;
}

export interface VersionIo {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
}

/** The directory part of a path, for `/` and `\` separators; undefined at a root. */
function parentDir(path: string): string | undefined {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return undefined;
  if (cut === 0) return trimmed[0];
  const dir = trimmed.slice(0, cut);
  return /^[A-Za-z]:$/.test(dir) ? `${dir}${trimmed[cut]}` : dir;
}

function join(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/**
 * Finds the kernel tree above a file and the version its top `Makefile` declares. Every directory
 * visited on the way up is remembered with the answer, so the files of one tree cost one walk.
 */
export class KernelVersionDetector {
  private readonly cache = new Map<string, DetectedKernelVersion | null>();

  constructor(
    private readonly io: VersionIo,
    private readonly maxDepth = 64,
  ) {}

  /** `file` is an absolute path of a source file; undefined outside a kernel tree. */
  detect(file: string): DetectedKernelVersion | undefined {
    const visited: string[] = [];
    let found: DetectedKernelVersion | null = null;
    let dir = parentDir(file);
    for (let depth = 0; dir !== undefined && depth < this.maxDepth; depth++) {
      const cached = this.cache.get(dir);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      visited.push(dir);
      const makefile = join(dir, 'Makefile');
      const text = this.io.readFile(makefile);
      const version = text === undefined ? undefined : makefileKernelVersion(text);
      if (version) {
        found = { version, makefile };
        break;
      }
      const up = parentDir(dir);
      dir = up === dir ? undefined : up;
    }
    for (const d of visited) this.cache.set(d, found);
    return found ?? undefined;
  }

  /** Forgets what was learnt (a Makefile was edited). */
  clear(): void {
    this.cache.clear();
  }
}

/** Which version applies to a file, and why. */
export type ResolvedKernelVersion =
  | { source: 'setting'; version: KernelVersion }
  | { source: 'makefile'; version: KernelVersion; makefile: string }
  /** No version known: the linter applies the newest behaviour it knows. */
  | { source: 'newest'; version?: undefined };

/** A `kernelVersion` setting wins over the tree's Makefile; without either, the newest behaviour. */
export function resolveKernelVersion(
  setting: KernelVersion | undefined,
  detected: DetectedKernelVersion | undefined,
): ResolvedKernelVersion {
  if (setting) return { source: 'setting', version: setting };
  if (detected)
    return { source: 'makefile', version: detected.version, makefile: detected.makefile };
  return { source: 'newest' };
}

/** One line for `--verbose` and the server's log: which version applies and why. */
export function describeKernelVersion(r: ResolvedKernelVersion, newest?: KernelVersion): string {
  switch (r.source) {
    case 'setting':
      return `kernel version ${formatKernelVersion(r.version)} (from the kernelVersion setting)`;
    case 'makefile':
      return `kernel version ${formatKernelVersion(r.version)} (from ${r.makefile})`;
    case 'newest': {
      const what = newest ? `, ${formatKernelVersion(newest)}` : '';
      return `kernel version not detected (no kernel Makefile above the file): applying the newest behaviour known${what}`;
    }
  }
}

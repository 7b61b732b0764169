/**
 * Finds the kernel tree a path belongs to: the nearest directory above it holding a top
 * `Makefile`, a `Kconfig` and an `arch/` directory (the three a kernel build starts from).
 * Answers are kept per directory, so a whole-tree run asks the file system once per directory.
 */
import { readdirSync, statSync } from 'node:fs';
import { MIB, readBounded } from '../host/boundedRead';

/** Largest Kconfig or Makefile read (the kernel's largest are under 100 KiB). */
const MAX_TREE_FILE_BYTES = 16 * MIB;
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface KernelTree {
  /** Absolute path of the tree's top directory. */
  root: string;
  /** The directories under arch/ that have a Kconfig (the SRCARCH values). */
  arches: string[];
}

export class TreeFinder {
  private readonly byDir = new Map<string, KernelTree | null>();
  private readonly byRoot = new Map<string, KernelTree>();

  /** The tree holding `path` (a file or a directory), or undefined outside any tree. */
  find(path: string): KernelTree | undefined {
    const abs = resolve(path);
    const st = stat(abs);
    return this.fromDir(st?.isDirectory() ? abs : dirname(abs)) ?? undefined;
  }

  /** The tree holding a path known to be a file (no stat of the file itself). */
  findFile(path: string): KernelTree | undefined {
    return this.fromDir(dirname(resolve(path))) ?? undefined;
  }

  private fromDir(dir: string): KernelTree | null {
    const known = this.byDir.get(dir);
    if (known !== undefined) return known;
    let found: KernelTree | null;
    if (isTreeRoot(dir)) {
      found = this.byRoot.get(dir) ?? { root: dir, arches: archDirs(dir) };
      this.byRoot.set(dir, found);
    } else {
      const parent = dirname(dir);
      found = parent === dir ? null : this.fromDir(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }
}

/** stat that answers undefined for any failure (ENOTDIR is thrown even with throwIfNoEntry). */
function stat(path: string): ReturnType<typeof statSync> {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function isTreeRoot(dir: string): boolean {
  const file = (name: string): boolean => stat(join(dir, name))?.isFile() === true;
  return file('Makefile') && file('Kconfig') && stat(join(dir, 'arch'))?.isDirectory() === true;
}

function archDirs(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'arch'));
  } catch {
    return [];
  }
  return names.filter((a) => stat(join(root, 'arch', a, 'Kconfig'))?.isFile() === true).sort();
}

/** `path` relative to the tree's top, with `/` separators. */
export function treeRelative(tree: KernelTree, path: string): string {
  const abs = resolve(path);
  // The common case without path.relative's work: a path below the root.
  if (sep === '/' && abs.startsWith(`${tree.root}/`)) return abs.slice(tree.root.length + 1);
  return relative(tree.root, abs).split(sep).join('/');
}

/** Reads tree-relative files; undefined when absent or unreadable. */
export function readTreeFile(tree: KernelTree, rel: string): string | undefined {
  // Regular files only, size first: a Kconfig that is a FIFO or a link to /dev/zero costs a stat.
  const read = readBounded(join(tree.root, rel), MAX_TREE_FILE_BYTES);
  return read.ok ? read.bytes.toString('utf8') : undefined;
}

/**
 * Lint results per file, kept between runs so an unchanged tree is not parsed again.
 *
 * One cache file per tree and per configuration (engine id, rules, severities, budget, the tree
 * index's digest, the kernel version of the tree's Makefile: anything that changes a file's
 * findings), holding for each tree-relative path its size, its mtime, its outcome and the SHA-1
 * of its text. A file is taken from the cache when its size and mtime are those recorded, or
 * when only its mtime moved and its text has the recorded hash.
 * A file modified within the last two seconds is not stored: its mtime could still change
 * without changing (the "racily clean" case git guards against), so it is linted again next
 * time. Outcomes that depend on the machine (time budget exceeded, crashed worker) or on an
 * unreadable file are not stored either.
 */
import { statSync } from 'node:fs';
import { MIB, readBounded } from '../host/boundedRead';

/** Largest file hashed to tell a touched file from a changed one (the CLI reads no larger C). */
const MAX_HASHED_BYTES = 64 * MIB;
import { join } from 'node:path';
import { isRecord, readCacheFile, sha1, treeCacheDir, writeCacheFile } from './store';
import { TreeFinder, treeRelative } from './kernelTree';
import { fileKernelVersion } from '../kernel/fromTree';

/** What the cache needs to know of an outcome: where it is shown, and whether it is final. */
export interface CacheableOutcome {
  display: string;
  findings: { file: string }[];
  skipped?: string;
  error?: string;
  /** SHA-1 of the text, set by the linter for files worth not parsing again after a touch. */
  hash?: string;
}

/** Sizes and mtimes of a tree's files taken in this run, by tree-relative path. */
export interface WalkedTree {
  root: string;
  stamps: ReadonlyMap<string, { size: number; mtimeMs: number }>;
}

interface InputFile {
  path: string;
  display: string;
}

type Entry = [size: number, mtimeMs: number, outcome: CacheableOutcome, hash?: string];

interface CacheFile {
  key: string;
  entries: Record<string, Entry>;
}

const RACY_MS = 2000;

const isCacheFile = (v: unknown): v is CacheFile =>
  isRecord(v) && typeof v['key'] === 'string' && isRecord(v['entries']);

function validEntry(e: unknown): e is Entry {
  return (
    Array.isArray(e) &&
    (e.length === 3 || (e.length === 4 && typeof e[3] === 'string')) &&
    typeof e[0] === 'number' &&
    typeof e[1] === 'number' &&
    isRecord(e[2]) &&
    Array.isArray(e[2]['findings'])
  );
}

interface TreeState {
  file: string;
  loaded: CacheFile;
  dirty: boolean;
  seen: Set<string>;
}

export class LintCache<T extends CacheableOutcome> {
  private readonly trees = new Map<string, TreeState>();
  /** Per input file: its tree state, relative path and stat, or undefined outside any tree. */
  private readonly slots: (
    { tree: TreeState; rel: string; size: number; mtimeMs: number } | undefined
  )[];
  /** Outcomes found in the cache, by index into the input files. */
  readonly hits = new Map<number, T>();
  /** Indices of the input files that must be linted. */
  readonly misses: number[] = [];
  private readonly now = Date.now();

  /**
   * `configuration`: everything besides the file that changes its findings (hashed).
   * `walked`: sizes and mtimes this run already has (the index's walk of a tree, by
   * tree-relative path), so that a whole tree is not stat'ed twice.
   */
  constructor(
    files: readonly InputFile[],
    home: string,
    configuration: unknown,
    finder = new TreeFinder(),
    walked?: WalkedTree,
  ) {
    const base = sha1(JSON.stringify(configuration));
    this.slots = files.map((f, i) => {
      const tree = finder.findFile(f.path);
      const st = tree
        ? ((walked?.root === tree.root
            ? walked.stamps.get(treeRelative(tree, f.path))
            : undefined) ?? statSync(f.path, { throwIfNoEntry: false }))
        : undefined;
      if (!tree || !st) {
        this.misses.push(i);
        return undefined;
      }
      let state = this.trees.get(tree.root);
      if (!state) {
        // The kernel version the tree's Makefile gives changes what some rules say.
        const version = JSON.stringify(fileKernelVersion(join(tree.root, 'Makefile')).version);
        const key = sha1(`${base}\n${version}`);
        const file = join(treeCacheDir(home, tree.root), `lint-${key.slice(0, 16)}.json`);
        const read = readCacheFile(file, isCacheFile);
        const loaded = read && read.key === key ? read : { key, entries: {} };
        state = { file, loaded, dirty: read === undefined || read.key !== key, seen: new Set() };
        this.trees.set(tree.root, state);
      }
      const rel = treeRelative(tree, f.path);
      state.seen.add(rel);
      const entry = Object.hasOwn(state.loaded.entries, rel)
        ? state.loaded.entries[rel]
        : undefined;
      const slot = { tree: state, rel, size: st.size, mtimeMs: st.mtimeMs };
      if (validEntry(entry) && entry[0] === st.size && sameContent(entry, st.mtimeMs, f.path)) {
        this.hits.set(i, relabel(entry[2], f.display) as T);
        if (entry[1] !== st.mtimeMs) {
          // Touched, not changed (a checkout): remember the new mtime.
          entry[1] = st.mtimeMs;
          state.dirty = true;
        }
      } else this.misses.push(i);
      return slot;
    });
  }

  /** Records the outcome of a linted file (by its index in the input files). */
  record(index: number, outcome: T): void {
    const slot = this.slots[index];
    if (!slot) return;
    const entries = slot.tree.loaded.entries;
    const cacheable =
      outcome.error === undefined &&
      outcome.skipped === undefined &&
      this.now - slot.mtimeMs > RACY_MS &&
      slot.mtimeMs <= this.now;
    if (cacheable) {
      const entry: Entry = [slot.size, slot.mtimeMs, relabel(outcome, '')];
      if (outcome.hash) entry.push(outcome.hash);
      entries[slot.rel] = entry;
    } else delete entries[slot.rel];
    slot.tree.dirty = true;
  }

  /** The outcomes of all input files in order: `linted` answers the misses, in their order. */
  merge(linted: readonly T[]): T[] {
    linted.forEach((o, k) => this.record(this.misses[k]!, o));
    const byIndex = new Map(this.misses.map((i, k) => [i, linted[k]!]));
    return this.slots.map((_, i) => this.hits.get(i) ?? byIndex.get(i)!);
  }

  /**
   * Writes the trees whose entries changed. Entries under `roots` (the paths this run walked)
   * whose files were not seen are dropped: those files were deleted.
   */
  save(roots: readonly string[]): void {
    const finder = new TreeFinder();
    for (const [root, state] of this.trees) {
      const walked = roots.flatMap((r) => {
        const tree = finder.find(r);
        return tree?.root === root ? [treeRelative(tree, r)] : [];
      });
      const under = (rel: string): boolean =>
        walked.some((w) => w === '' || rel === w || rel.startsWith(`${w}/`));
      for (const rel of Object.keys(state.loaded.entries)) {
        if (state.seen.has(rel)) continue;
        if (under(rel)) {
          delete state.loaded.entries[rel];
          state.dirty = true;
        }
      }
      if (state.dirty) writeCacheFile(state.file, state.loaded);
    }
  }
}

/** Same mtime, or same SHA-1 of the text (a file touched by a checkout is not linted again). */
function sameContent(entry: Entry, mtimeMs: number, path: string): boolean {
  if (entry[1] === mtimeMs) return true;
  if (!entry[3]) return false;
  try {
    const read = readBounded(path, MAX_HASHED_BYTES);
    return read.ok && sha1(read.bytes) === entry[3];
  } catch {
    return false;
  }
}

/** The outcome shown under another path: `display` and each finding's `file`. */
function relabel(o: CacheableOutcome, display: string): CacheableOutcome {
  return { ...o, display, findings: o.findings.map((f) => ({ ...f, file: display })) };
}

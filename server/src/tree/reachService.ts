/**
 * Reach for files on disk: finds each file's kernel tree, reads the tree's Kconfig once (or takes
 * it from the cache when none of its Kconfig files changed) and answers per file, keeping the
 * answers in the cache while no Kconfig file and no Makefile they were computed from changed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readKconfig } from './kconfig';
import type { KconfigDb } from './kconfig';
import { ReachIndex } from './reach';
import { conditionRanges, guardsAt } from './ppGuards';
import type { Reach } from './reach';
import { TreeFinder, readTreeFile, treeRelative } from './kernelTree';
import type { KernelTree } from './kernelTree';
import { isRecord, readCacheFile, treeCacheDir, writeCacheFile } from './store';

/** A file's size and mtime when it was read (-1, -1: absent). */
type Stamp = [rel: string, size: number, mtimeMs: number];

interface KconfigCache {
  arches: string[];
  stamps: Stamp[];
  db: KconfigDb;
}

interface ReachCache {
  engine: string;
  kconfig: Stamp[];
  makefiles: Stamp[];
  entries: Record<string, Reach>;
}

const isKconfigCache = (v: unknown): v is KconfigCache =>
  isRecord(v) &&
  Array.isArray(v['arches']) &&
  Array.isArray(v['stamps']) &&
  isRecord(v['db']) &&
  isRecord(v['db']['defs']);
const isReachCache = (v: unknown): v is ReachCache =>
  isRecord(v) &&
  typeof v['engine'] === 'string' &&
  Array.isArray(v['kconfig']) &&
  Array.isArray(v['makefiles']) &&
  isRecord(v['entries']);

interface TreeState {
  tree: KernelTree;
  dir: string | undefined;
  entries: Record<string, Reach>;
  kconfig?: Stamp[];
  makefiles: Stamp[];
  index?: ReachIndex;
  dirty: boolean;
}

export interface ReachServiceOptions {
  /** The cache home; undefined: no cache (`--no-cache`). */
  home?: string;
  /** Identifies the code computing reach; cached answers from other code are dropped. */
  engine: string;
}

export class ReachService {
  private readonly finder = new TreeFinder();
  private readonly trees = new Map<string, TreeState>();
  /** Milliseconds spent parsing Kconfig (not counting a Kconfig taken from the cache). */
  kconfigParseMs = 0;

  constructor(private readonly options: ReachServiceOptions) {}

  /** The reach of a file, or undefined when it is not inside a kernel tree. */
  reachOf(path: string): Reach | undefined {
    const tree = this.finder.find(path);
    if (!tree) return undefined;
    const state = this.state(tree);
    const rel = treeRelative(tree, path);
    const known = Object.hasOwn(state.entries, rel) ? state.entries[rel] : undefined;
    if (known) return known;
    const index = (state.index ??= this.buildIndex(state));
    const reach = index.reach(rel);
    state.entries[rel] = reach;
    state.dirty = true;
    return reach;
  }

  /**
   * The reach of line `line` (1-based) of a file: its file's, narrowed by the preprocessor
   * conditions around the line (`#ifdef CONFIG_X86`, or a symbol that depends on it).
   */
  reachAt(path: string, line: number): Reach | undefined {
    const whole = this.reachOf(path);
    if (!whole?.aliasing) return whole;
    const ranges = this.rangesOf(path);
    const guards = guardsAt(ranges, line);
    if (guards.length === 0) return whole;
    const tree = this.finder.find(path)!;
    const state = this.state(tree);
    const index = (state.index ??= this.buildIndex(state));
    return index.reachUnder(treeRelative(tree, path), guards);
  }

  private readonly ranges = new Map<string, ReturnType<typeof conditionRanges>>();

  private rangesOf(path: string): ReturnType<typeof conditionRanges> {
    let r = this.ranges.get(path);
    if (!r) {
      let source = '';
      try {
        source = readFileSync(path, 'utf8');
      } catch {
        // Unreadable now: no condition narrows the file's reach.
      }
      const tree = this.finder.find(path);
      r = conditionRanges(source, tree ? treeRelative(tree, path) : path);
      this.ranges.set(path, r);
    }
    return r;
  }

  /** Writes the answers computed in this run, with what they depend on. */
  save(): void {
    for (const state of this.trees.values()) {
      if (!state.dirty || state.dir === undefined || !state.kconfig) continue;
      const read = [...(state.index?.makefilesRead ?? [])];
      const known = new Set(state.makefiles.map((s) => s[0]));
      const makefiles = [
        ...state.makefiles,
        ...stamps(
          state.tree,
          read.filter((f) => !known.has(f)),
        ),
      ];
      const out: ReachCache = {
        engine: this.options.engine,
        kconfig: state.kconfig,
        makefiles,
        entries: state.entries,
      };
      writeCacheFile(join(state.dir, 'reach.json'), out);
    }
  }

  private state(tree: KernelTree): TreeState {
    let state = this.trees.get(tree.root);
    if (state) return state;
    const dir =
      this.options.home === undefined ? undefined : treeCacheDir(this.options.home, tree.root);
    state = { tree, dir, entries: {}, makefiles: [], dirty: false };
    const cached =
      dir === undefined ? undefined : readCacheFile(join(dir, 'reach.json'), isReachCache);
    if (
      cached &&
      cached.engine === this.options.engine &&
      unchanged(tree, cached.kconfig) &&
      unchanged(tree, cached.makefiles)
    ) {
      state.entries = cached.entries;
      state.kconfig = cached.kconfig;
      state.makefiles = cached.makefiles;
    }
    this.trees.set(tree.root, state);
    return state;
  }

  private buildIndex(state: TreeState): ReachIndex {
    const { tree, dir } = state;
    const file = dir === undefined ? undefined : join(dir, 'kconfig.json');
    const cached = file === undefined ? undefined : readCacheFile(file, isKconfigCache);
    let db: KconfigDb;
    if (cached && sameList(cached.arches, tree.arches) && unchanged(tree, cached.stamps)) {
      db = cached.db;
      state.kconfig = cached.stamps;
    } else {
      const t0 = performance.now();
      db = readKconfig({ read: (p) => readTreeFile(tree, p), arches: tree.arches });
      this.kconfigParseMs += performance.now() - t0;
      const kconfig = stamps(tree, db.files);
      if (file !== undefined)
        writeCacheFile(file, { arches: tree.arches, stamps: kconfig, db } satisfies KconfigCache);
      // Answers computed from another Kconfig are dropped.
      if (state.kconfig === undefined || !sameStamps(state.kconfig, kconfig)) {
        state.entries = {};
        state.makefiles = [];
      }
      state.kconfig = kconfig;
    }
    return new ReachIndex(db, { read: (p) => readTreeFile(tree, p) }, tree.arches);
  }
}

function stamp(tree: KernelTree, rel: string): Stamp {
  const st = statSync(join(tree.root, rel), { throwIfNoEntry: false });
  return st ? [rel, st.size, st.mtimeMs] : [rel, -1, -1];
}

function stamps(tree: KernelTree, rels: readonly string[]): Stamp[] {
  return rels.map((r) => stamp(tree, r));
}

function unchanged(tree: KernelTree, list: readonly unknown[]): boolean {
  return list.every((s) => {
    if (!Array.isArray(s) || typeof s[0] !== 'string') return false;
    const now = stamp(tree, s[0]);
    return now[1] === s[1] && now[2] === s[2];
  });
}

function sameList(a: readonly unknown[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameStamps(a: readonly Stamp[], b: readonly Stamp[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x[0] === b[i]![0] && x[1] === b[i]![1] && x[2] === b[i]![2])
  );
}

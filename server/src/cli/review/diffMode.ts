/**
 * `--diff [REV|REV1..REV2] [PATH...]`: the files a change touches, as they are before it (read
 * from git's objects) and after it (git's objects, or the work tree).
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  changedFiles,
  git,
  mergeBase,
  readBlobs,
  resolveTreeish,
  ReviewError,
  workTreeTop,
} from './git';
import type { Pair, Section } from './review';

const C_FILE = /\.[ch]$/;

export interface DiffRequest {
  /** `--diff=REV` when given that way. */
  value?: string;
  /** The positional arguments: a REV first, perhaps, then PATHs. */
  positional: string[];
  cwd: string;
}

export function diffSections(req: DiffRequest): Section[] {
  const top = workTreeTop(req.cwd);
  if (!top)
    throw new ReviewError(
      `${req.cwd} is not inside a git work tree (--diff reads the change from git)`,
    );
  const { spec, paths } = splitRev(top, req);
  const pathspecs = paths.map((p) => {
    const rel = relative(top, resolve(req.cwd, p));
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new ReviewError(`${p}: outside the git work tree ${top}`);
    return `:(top,literal)${rel === '' ? '.' : rel.split(sep).join('/')}`;
  });
  const range = resolveRange(top, spec);
  const changes = changedFiles(top, range.from, range.to, pathspecs).filter(
    (c) => C_FILE.test(c.to ?? '') || C_FILE.test(c.from ?? ''),
  );
  const before = readBlobs(
    top,
    changes.filter((c) => c.from).map((c) => `${range.from}:${c.from!}`),
  );
  const after = range.to
    ? readBlobs(
        top,
        changes.filter((c) => c.to).map((c) => `${range.to!}:${c.to!}`),
      )
    : [];
  const show = (p: string): string => relative(req.cwd, join(top, p)).split(sep).join('/');
  let b = 0;
  let a = 0;
  const pairs: Pair[] = changes.map((c) => {
    const pair: Pair = { abs: join(top, c.to ?? c.from!) };
    if (c.from) {
      const content = before[b++];
      if (content) pair.before = { display: show(c.from), content };
    }
    if (c.to) {
      if (range.to) {
        const content = after[a++];
        if (content) pair.after = { display: show(c.to), content };
      } else if (statSync(join(top, c.to), { throwIfNoEntry: false })?.isFile()) {
        pair.after = { display: show(c.to), path: join(top, c.to) };
      }
    }
    return pair;
  });
  return [{ pairs }];
}

/** The first positional is a REV when it names a range or git knows it, and no file has its name. */
function splitRev(top: string, req: DiffRequest): { spec?: string; paths: string[] } {
  if (req.value !== undefined && req.value !== '')
    return { spec: req.value, paths: req.positional };
  const [first, ...rest] = req.positional;
  if (first === undefined) return { paths: [] };
  const isPath = statSync(resolve(req.cwd, first), { throwIfNoEntry: false }) !== undefined;
  const range = first.includes('..');
  const isRev = range || resolveTreeish(top, first) !== undefined;
  if (isRev && isPath)
    throw new ReviewError(
      `'${first}' is both a revision and a file: write --diff=${first}, or -- before the paths`,
    );
  if (isRev) return { spec: first, paths: rest };
  if (!isPath) throw new ReviewError(`'${first}': unknown revision, and no such file or directory`);
  return { paths: req.positional };
}

interface Range {
  from: string;
  /** Undefined: the work tree (staged and unstaged changes). */
  to?: string;
}

function resolveRange(top: string, spec: string | undefined): Range {
  const known = (rev: string): string => {
    const oid = resolveTreeish(top, rev);
    if (!oid) throw new ReviewError(`unknown revision '${rev}'`);
    return oid;
  };
  if (spec === undefined) {
    // A repository without a commit yet: everything in the work tree is new.
    return { from: resolveTreeish(top, 'HEAD') ?? emptyTree(top) };
  }
  const three = spec.indexOf('...');
  if (three >= 0) {
    const a = spec.slice(0, three) || 'HEAD';
    const b = spec.slice(three + 3) || 'HEAD';
    known(a);
    const to = known(b);
    const base = mergeBase(top, a, b);
    if (!base) throw new ReviewError(`'${a}' and '${b}' have no common ancestor`);
    return { from: known(base), to };
  }
  const two = spec.indexOf('..');
  if (two >= 0)
    return { from: known(spec.slice(0, two) || 'HEAD'), to: known(spec.slice(two + 2) || 'HEAD') };
  return { from: known(spec) };
}

function emptyTree(top: string): string {
  return git(top, ['hash-object', '-t', 'tree', '--stdin'], '').stdout.toString('utf8').trim();
}

/** Git plumbing for the review modes: every read goes through git's objects, nothing is checked out. */
import { spawnSync } from 'node:child_process';

export class ReviewError extends Error {}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function git(
  cwd: string,
  args: string[],
  input?: Buffer | string,
  env?: NodeJS.ProcessEnv,
): GitResult {
  const r = spawnSync('git', args, {
    cwd,
    input,
    env: env ?? process.env,
    maxBuffer: 1 << 30,
  });
  if (r.error) throw new ReviewError(`cannot run git: ${r.error.message}`);
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** The top of the work tree holding `dir`, or undefined outside one. */
export function workTreeTop(dir: string): string | undefined {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/** The object name of a commit or tree, or undefined when git does not know `rev`. */
export function resolveTreeish(top: string, rev: string): string | undefined {
  const r = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{tree}`]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

export function mergeBase(top: string, a: string, b: string): string | undefined {
  const r = git(top, ['merge-base', a, b]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

export interface Change {
  status: string;
  /** Path before the change (undefined for an added file), relative to the top. */
  from?: string;
  /** Path after the change (undefined for a deleted file). */
  to?: string;
}

/** `git diff --name-status -M -z`: the files changed between `from` and `to` (the work tree when undefined). */
export function changedFiles(
  top: string,
  from: string,
  to: string | undefined,
  pathspecs: string[],
): Change[] {
  const args = [
    'diff',
    '--name-status',
    '-M',
    '-z',
    '--no-ext-diff',
    from,
    ...(to ? [to] : []),
    '--',
    ...pathspecs,
  ];
  const r = git(top, args);
  if (r.code !== 0) throw new ReviewError(`git diff failed: ${r.stderr.trim()}`);
  const parts = r.stdout.toString('utf8').split('\0');
  const out: Change[] = [];
  for (let i = 0; i + 1 < parts.length;) {
    const status = parts[i++]!;
    const kind = status[0];
    if (kind === 'R' || kind === 'C') {
      const from = parts[i++]!;
      const to = parts[i++]!;
      out.push({ status, from: kind === 'R' ? from : undefined, to });
    } else {
      const path = parts[i++]!;
      out.push({
        status,
        from: kind === 'A' ? undefined : path,
        to: kind === 'D' ? undefined : path,
      });
    }
  }
  return out;
}

/** Blob contents for `REV:path` names, in one `git cat-file --batch`; undefined for a missing one. */
export function readBlobs(top: string, names: string[]): (Buffer | undefined)[] {
  if (names.length === 0) return [];
  const r = git(top, ['cat-file', '--batch'], names.map((n) => n + '\n').join(''));
  if (r.code !== 0) throw new ReviewError(`git cat-file failed: ${r.stderr.trim()}`);
  const out: (Buffer | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    const eol = r.stdout.indexOf(10, at);
    const header = r.stdout.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      out.push(undefined);
      continue;
    }
    const size = Number(m[2]);
    out.push(m[1] === 'blob' ? r.stdout.subarray(at, at + size) : undefined);
    at += size + 1;
  }
  return out;
}

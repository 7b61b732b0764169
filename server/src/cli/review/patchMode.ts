/**
 * `--patch FILE|- [--tree DIR]`: a patch, or an mbox series, applied with `git apply` to a scratch
 * copy of the C files it touches (the tree at DIR is only read). A patch that the tree already
 * holds is recognised by its reverse applying, and the reverse gives the "before" side.
 */
import { MAX_SOURCE_BYTES } from '../files';
import { readBounded, readDescriptorBounded } from '../../host/boundedRead';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import parseDiff from 'parse-diff';
import { git, ReviewError } from './git';
import type { Pair, Section } from './review';

const C_FILE = /\.[ch]$/;

export interface PatchRequest {
  /** The patch file, or `-` for standard input. */
  file: string;
  /** The tree the patch applies to. */
  tree: string;
}

interface Message {
  subject?: string;
  patch: string;
  files: PatchedFile[];
  chunks: parseDiff.File[];
}

interface PatchedFile {
  from?: string;
  to?: string;
}

/** A patch series larger than this is refused before it is read. */
const MAX_PATCH_BYTES = MAX_SOURCE_BYTES;

export function patchSections(req: PatchRequest): Section[] {
  if (!existsSync(req.tree)) throw new ReviewError(`--tree ${req.tree}: no such directory`);
  let raw: Buffer;
  try {
    const read =
      req.file === '-'
        ? readDescriptorBounded(0, MAX_PATCH_BYTES)
        : readBounded(req.file, MAX_PATCH_BYTES);
    if (!read.ok) throw new ReviewError(`${req.file}: ${read.reason}`);
    raw = read.bytes;
  } catch (e) {
    if (e instanceof ReviewError) throw e;
    throw new ReviewError(`${req.file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const work = mkdtempSync(join(tmpdir(), 'flushguard-patch-'));
  // git must not take the scratch directory for part of a repository above it.
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: dirname(work) };
  try {
    // A message without a diff (a cover letter, [PATCH 0/N]) is no patch of the series.
    const messages = splitMessages(raw, work, env).filter((m) => m.chunks.length > 0);
    if (messages.length === 0) throw new ReviewError(`${req.file}: no patch in it`);
    const state = join(work, 'tree');
    const paths = new Set(
      messages
        .flatMap((m) => m.files.flatMap((f) => [f.from, f.to]))
        .filter((p) => p !== undefined),
    );
    const copy = (): void => {
      rmSync(state, { recursive: true, force: true });
      mkdirSync(state, { recursive: true });
      for (const p of paths) {
        const src = join(req.tree, p);
        if (!existsSync(src)) continue;
        mkdirSync(dirname(join(state, p)), { recursive: true });
        copyFileSync(src, join(state, p));
      }
    };
    const apply = (m: Message, i: number, reverse: boolean): string | undefined => {
      if (m.files.length === 0) return undefined;
      const file = join(work, `patch-${i}`);
      for (const text of [m.patch, m.patch.replace(/\r\n/g, '\n')]) {
        writeFileSync(file, text);
        const r = git(
          state,
          [
            'apply',
            '--whitespace=nowarn',
            '--include=*.c',
            '--include=*.h',
            ...(reverse ? ['-R'] : []),
            file,
          ],
          undefined,
          env,
        );
        if (r.code === 0) return undefined;
        if (text === m.patch && m.patch.includes('\r\n')) continue;
        return whichHunk(r.stderr, m, reverse);
      }
      return 'does not apply';
    };
    const read = (p: string | undefined, display: string | undefined): Pair['before'] => {
      if (p === undefined) return undefined;
      const full = join(state, p);
      // A file of the patched tree may be a FIFO or a link to /dev/zero: read regular files only.
      const read = existsSync(full) ? readBounded(full, MAX_SOURCE_BYTES) : undefined;
      return read?.ok === true ? { display: display ?? p, content: read.bytes } : undefined;
    };
    const label = (m: Message, i: number): string =>
      m.subject ?? (messages.length > 1 ? `patch ${i + 1}` : 'the patch');
    const pairs: Pair[][] = messages.map(() => []);

    copy();
    let failed: string | undefined;
    for (let i = 0; i < messages.length && failed === undefined; i++) {
      const m = messages[i]!;
      const before = m.files.map((f) => read(f.from, undefined));
      const why = apply(m, i, false);
      if (why !== undefined) {
        failed = `${label(m, i)}: ${why}`;
        if (i > 0) throw new ReviewError(failed);
        break;
      }
      pairs[i] = m.files.map((f, j) => ({
        before: before[j],
        after: read(f.to, undefined),
        abs: join(req.tree, f.to ?? f.from!),
      }));
    }
    if (failed !== undefined) {
      // Already applied? Then the tree is the "after" side of the last patch, and each reverse
      // gives the side before it.
      copy();
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]!;
        const after = m.files.map((f) => read(f.to, undefined));
        if (apply(m, i, true) !== undefined) throw new ReviewError(failed);
        pairs[i] = m.files.map((f, j) => ({
          before: read(f.from, undefined),
          after: after[j],
          abs: join(req.tree, f.to ?? f.from!),
        }));
      }
    }
    return messages.map((m, i) => ({
      subject: m.subject,
      pairs: pairs[i]!.filter((p) => p.before || p.after),
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** An mbox (git format-patch, b4 am) split with git's own mailsplit and mailinfo; else one patch. */
function splitMessages(raw: Buffer, work: string, env: NodeJS.ProcessEnv): Message[] {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ')
    return [message(undefined, raw.toString('utf8'))];
  const mail = join(work, 'mail');
  mkdirSync(mail);
  const mbox = join(work, 'in.mbox');
  writeFileSync(mbox, raw);
  const split = git(work, ['mailsplit', `-o${mail}`, mbox], undefined, env);
  if (split.code !== 0) throw new ReviewError(`cannot split the mbox: ${split.stderr.trim()}`);
  return readdirSync(mail)
    .sort()
    .map((name) => {
      const msg = join(work, `${name}.msg`);
      const patch = join(work, `${name}.patch`);
      const info = git(work, ['mailinfo', '-k', msg, patch], readFileSync(join(mail, name)), env);
      if (info.code !== 0)
        throw new ReviewError(`cannot read message ${name}: ${info.stderr.trim()}`);
      const subject = /^Subject: (.*)$/m.exec(info.stdout.toString('utf8'))?.[1]?.trim();
      return message(subject || undefined, readFileSync(patch, 'utf8'));
    });
}

function message(subject: string | undefined, patch: string): Message {
  const chunks = parseDiff(patch.replace(/\r\n/g, '\n'));
  const gitStyle = /^diff --git /m.test(patch);
  // Outside git's a/ b/ prefixes, `git apply` strips one leading directory (-p1): so do we.
  const name = (p: string | undefined): string | undefined => {
    if (p === undefined || p === '/dev/null') return undefined;
    return gitStyle || !p.includes('/') ? p : p.slice(p.indexOf('/') + 1);
  };
  const files = chunks
    .map((f) => ({ from: name(f.from), to: name(f.to) }))
    .filter((f) => C_FILE.test(f.from ?? '') || C_FILE.test(f.to ?? ''));
  return { subject, patch, files, chunks };
}

/** git apply's complaint, with the hunk it names (number, header) when it names a line. */
function whichHunk(stderr: string, m: Message, reverse: boolean): string {
  const failed = /^error: patch failed: (.+):(\d+)$/m.exec(stderr);
  if (failed) {
    const [, file, line] = failed;
    const f = m.chunks.find(
      (c) => (reverse ? c.to : c.from) === file || (reverse ? c.to : c.from)?.endsWith(`/${file!}`),
    );
    const chunks = f?.chunks ?? [];
    const i = chunks.findIndex((c) => (reverse ? c.newStart : c.oldStart) === Number(line));
    if (i >= 0) return `hunk #${i + 1} of ${file!} does not apply (${chunks[i]!.content.trim()})`;
    return `the hunk of ${file!} at line ${line!} does not apply`;
  }
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^error: /, '').trim())
    .filter((l) => l !== '');
  return lines.join('; ') || 'does not apply';
}

/** Real git repositories in temporary directories, and the CLI run in them. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../../server/src/cli/args';
import { reviewCommand } from '../../server/src/cli/review/command';

export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'server', 'src', 'cli', 'main.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** A clean git environment: no user or system configuration, a fixed identity. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.org',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.org',
};

export class Repo {
  readonly dir: string;
  constructor(files: Record<string, string> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'fg-review-'));
    this.git('init', '-q', '-b', 'main');
    this.write(files);
  }

  git(...args: string[]): string {
    const r = spawnSync('git', args, { cwd: this.dir, env: GIT_ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  write(files: Record<string, string | Buffer>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), text);
    }
  }

  commit(message: string, files: Record<string, string | Buffer> = {}): string {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** The review modes in this process (fast): `argv` as after `flushguard lint`, run in `cwd`. */
export async function review(cwd: string, ...argv: string[]): Promise<Run> {
  const before = process.cwd();
  let out = '';
  let err = '';
  process.chdir(cwd);
  try {
    const code = await reviewCommand(parseArgs(['lint', ...argv]), {
      out: (s) => (out += s),
      err: (s) => (err += s),
      isTTY: false,
    });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

export function reviewJson(r: Run): ReviewJson {
  return JSON.parse(r.out) as ReviewJson;
}

export interface ReviewJson {
  findings: { rule: string; file: string; line: number; function: string; patch?: string }[];
  resolved: { rule: string; file: string; line: number; function: string; patch?: string }[];
  unchanged: number;
  filesScanned: number;
}

/** The real command line, in a child process (for stdin, --version, the hooks). */
export function cli(cwd: string, args: string[], input?: string): Run {
  // tsx by path: the working directory is a temporary repository without node_modules.
  const r = spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...GIT_ENV, NODE_OPTIONS: '' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A directory with a `flushguard` executable that runs this checkout's CLI, for hooks and scripts. */
export function shimBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'fg-bin-'));
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  writeFileSync(join(bin, 'flushguard'), `#!/bin/sh\nexec "${tsx}" "${MAIN}" "$@"\n`);
  chmodSync(join(bin, 'flushguard'), 0o755);
  return bin;
}

/** Kernel-shaped fixtures (our own): a page written through kmap, flushed or not. */
export function writer(name: string, flush: boolean, index = 0): string {
  return [
    `static void ${name}(struct page *page, const char *src, size_t len)`,
    '{',
    '\tchar *kaddr = kmap_local_page(page);',
    '',
    `\tmemcpy(kaddr + ${index}, src, len);`,
    '\tkunmap_local(kaddr);',
    ...(flush ? ['\tflush_dcache_page(page);'] : []),
    '}',
    '',
  ].join('\n');
}

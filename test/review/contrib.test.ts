import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GIT_ENV, Repo, ROOT, shimBin, writer } from './repo';

const CONTRIB = join(ROOT, 'contrib');
const BIN = shimBin();
const ENV = { ...GIT_ENV, PATH: `${BIN}:${process.env['PATH'] ?? ''}` };

function sh(
  cwd: string,
  cmd: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = ENV,
): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function withHook(name: string): Repo {
  const repo = new Repo();
  copyFileSync(join(CONTRIB, 'git-hooks', name), join(repo.dir, '.git', 'hooks', name));
  return repo;
}

test('contrib pre-commit: blocks a commit that introduces a finding; a suppression comment lets it through', () => {
  const repo = withHook('pre-commit');
  repo.write({ 'fs/a.c': writer('fill_old', false) + writer('fill_good', true, 1) });
  repo.git('add', '-A');
  // The first commit: a finding in a new file is introduced.
  const first = sh(repo.dir, 'git', ['commit', '-q', '-m', 'first']);
  assert.equal(first.code, 1, first.err);
  assert.match(first.err, /introduces the finding/);
  // git sends a hook's standard output to its standard error.
  assert.match(first.out + first.err, /fs\/a\.c:5:2: warning: .*fill_old/);
  const suppressed = writer('fill_old', false).replace(
    '\tmemcpy',
    '\t/* flushguard-disable-next-line missing-flush-dcache-page -- test buffer, never mapped */\n\tmemcpy',
  );
  repo.write({ 'fs/a.c': suppressed + writer('fill_good', true, 1) });
  repo.git('add', '-A');
  const second = sh(repo.dir, 'git', ['commit', '-q', '-m', 'first']);
  assert.equal(second.code, 0, second.err);
  // Dropping a flush is blocked; only the staged content counts (an unstaged fix does not help).
  repo.write({ 'fs/a.c': suppressed + writer('fill_good', false, 1) });
  repo.git('add', '-A');
  repo.write({ 'fs/a.c': suppressed + writer('fill_good', true, 1) });
  const drop = sh(repo.dir, 'git', ['commit', '-q', '-m', 'drop']);
  assert.equal(drop.code, 1);
  assert.match(drop.out + drop.err, /fill_good/);
  // Back to HEAD, another file staged: passes.
  repo.git('checkout', 'HEAD', '--', 'fs/a.c');
  repo.write({ 'fs/b.c': writer('fill_b', true) });
  repo.git('add', 'fs/b.c');
  assert.equal(sh(repo.dir, 'git', ['commit', '-q', '-m', 'more']).code, 0);
});

test('contrib sendemail-validate: refuses a patch that introduces a finding, passes the cover letter', () => {
  const repo = withHook('sendemail-validate');
  const base = repo.commit('base', { 'fs/a.c': writer('fill_good', true) });
  repo.commit('fs: drop the flush', { 'fs/a.c': writer('fill_good', false) });
  repo.commit('fs: a comment', { 'fs/b.c': '/* nothing to see */\n' });
  const out = join(repo.dir, '.out');
  repo.git('format-patch', '-q', '--cover-letter', '-o', out, `${base}..HEAD`);
  const hook = join(repo.dir, '.git', 'hooks', 'sendemail-validate');
  const files = [
    '0000-cover-letter.patch',
    '0001-fs-drop-the-flush.patch',
    '0002-fs-a-comment.patch',
  ].map((f) => join(out, f));
  // As git send-email runs it: from the top of the work tree, the message's file as $1. The
  // branch holds the series: each patch is found already applied.
  const codes = files.map((f) => sh(repo.dir, hook, [f]).code);
  assert.deepEqual(codes, [0, 1, 0]);
  // On the base, the patch applies forward: the same answer.
  repo.git('checkout', '-q', base);
  const onBase = sh(repo.dir, hook, [files[1]!]);
  assert.equal(onBase.code, 1);
  assert.match(onBase.out, /^\[PATCH 1\/2\] fs: drop the flush\nfs\/a\.c:5:2: warning/);
});

test('contrib kernel: Makefile targets and the kbuild CHECK wrapper', () => {
  const repo = new Repo();
  repo.commit('base', { 'fs/a.c': writer('fill_good', true), 'mm/b.c': writer('fill_old', false) });
  repo.write({ 'fs/a.c': writer('fill_good', false) });
  const mk = join(CONTRIB, 'kernel', 'Makefile.flushguard');
  const all = sh(repo.dir, 'make', ['-s', '-f', mk, 'flushguard', 'M=mm']);
  assert.notEqual(all.code, 0);
  assert.match(all.out, /mm\/b\.c:5:2: warning/);
  assert.doesNotMatch(all.out, /fs\/a\.c/);
  const diff = sh(repo.dir, 'make', ['-s', '-f', mk, 'flushguard-diff']);
  assert.notEqual(diff.code, 0);
  assert.match(diff.out, /^fs\/a\.c:5:2: warning[^]*1 introduced, 0 resolved, 0 unchanged/);
  const sarif = sh(repo.dir, 'make', [
    '-s',
    '-f',
    mk,
    'flushguard-sarif',
    'FLUSHGUARD_SARIF=out.sarif',
  ]);
  assert.equal(sarif.code, 0, sarif.err);
  const log = JSON.parse(readFileSync(join(repo.dir, 'out.sarif'), 'utf8')) as {
    runs: { results: { baselineState: string }[] }[];
  };
  assert.deepEqual(
    log.runs[0]!.results.map((r) => r.baselineState),
    ['new'],
  );
  // kbuild's cmd_checksrc: $(CHECK) $(CHECKFLAGS) $(c_flags) file.c
  const check = join(CONTRIB, 'kernel', 'flushguard-check');
  const flags = [
    '-D__linux__',
    '-Dlinux',
    '-D__STDC__',
    '-Wbitwise',
    '-Wp,-MMD,fs/.a.o.d',
    '-nostdinc',
    '-I./include',
    '-DKBUILD_MODNAME="a"',
  ];
  const warn = sh(repo.dir, check, [...flags, 'fs/a.c']);
  assert.equal(warn.code, 0);
  assert.match(warn.out, /^fs\/a\.c:5:2: warning: .*\[missing-flush-dcache-page\]/);
  assert.equal(
    sh(repo.dir, check, flags.concat('fs/a.c'), { ...ENV, FLUSHGUARD_WERROR: '1' }).code,
    1,
  );
  assert.equal(sh(repo.dir, check, [...flags, 'arch/x86/entry/entry_64.S']).out, '');
});

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

test('contrib GitHub workflow: valid YAML whose review step, run in a fixture repository, writes the SARIF it uploads', () => {
  const wf = parse(readFileSync(join(CONTRIB, 'github', 'flushguard.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
  };
  assert.ok('push' in wf.on && 'pull_request' in wf.on);
  assert.equal(wf.permissions['security-events'], 'write');
  const steps = Object.values(wf.jobs)[0]!.steps;
  const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'));
  assert.equal(checkout?.with?.['fetch-depth'], 0);
  const step = steps.find((s) => s.id === 'review')!;
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
  assert.match(upload.if ?? '', /steps\.review\.outcome == 'success'/);
  const fail = steps.find((s) => s.if?.includes('steps.review.outputs.status'))!;
  assert.match(
    step.env!['BASE']!,
    /github\.event\.pull_request\.base\.sha \|\| github\.event\.before/,
  );

  const run = (
    base: string,
    head: string,
    dir: string,
  ): { code: number; outputs: Record<string, string> } => {
    const output = join(dir, '.github-output');
    writeFileSync(output, '');
    // GitHub's default shell for `run` on Linux: bash -e.
    const r = sh(dir, 'bash', ['-e', '-c', step.run!], {
      ...ENV,
      BASE: base,
      HEAD_SHA: head,
      GITHUB_OUTPUT: output,
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('=') as [string, string]),
    );
    return { code: r.code, outputs };
  };

  const repo = new Repo();
  const base = repo.commit('base', {
    'fs/a.c': writer('fill_good', true) + writer('fill_old', false, 1),
  });
  const head = repo.commit('drop', {
    'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1),
  });
  const pr = run(base, head, repo.dir);
  assert.equal(pr.code, 0);
  assert.equal(pr.outputs['status'], '1');
  const file = join(repo.dir, upload.with!['sarif_file'] as string);
  assert.ok(existsSync(file));
  const log = JSON.parse(readFileSync(file, 'utf8')) as {
    version: string;
    runs: { results: { baselineState: string; partialFingerprints: Record<string, string> }[] }[];
  };
  assert.equal(log.version, '2.1.0');
  assert.deepEqual(log.runs[0]!.results.map((r) => r.baselineState).sort(), ['new', 'unchanged']);
  assert.ok(log.runs[0]!.results.every((r) => r.partialFingerprints['flushguardIdentity/v1']));
  // The last step fails the job on status 1: its command exits non-zero.
  assert.notEqual(sh(repo.dir, 'bash', ['-e', '-c', fail.run!]).code, 0);

  // A push that creates a branch: `before` is all zeros; the last commit is reviewed.
  const fixed = repo.commit('fix', {
    'fs/a.c': writer('fill_good', true) + writer('fill_old', true, 1),
  });
  const push = run('0'.repeat(40), fixed, repo.dir);
  assert.equal(push.code, 0);
  assert.equal(push.outputs['status'], '0');
  const full = JSON.parse(readFileSync(join(repo.dir, 'flushguard.sarif'), 'utf8')) as {
    runs: { results: { baselineState: string }[] }[];
  };
  assert.deepEqual(
    full.runs[0]!.results.map((r) => r.baselineState),
    ['absent', 'absent'],
  );
  const uploaded = JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: unknown[] }[] };
  assert.deepEqual(uploaded.runs[0]!.results, []);
});

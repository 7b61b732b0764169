import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, review, reviewJson, writer } from './repo';

/** A repository at `base` with the given commits on top, their patches, and the tree reset to base. */
function series(
  changes: Record<string, string | Buffer>[],
  subjects: string[],
  opts: { binary?: boolean } = {},
): { repo: Repo; patches: string[]; base: string } {
  const repo = new Repo();
  const base = repo.commit('base', {
    'fs/a.c': writer('fill_good', true) + writer('fill_old', false, 1),
    'fs/b.c': writer('fill_b', true),
  });
  changes.forEach((c, i) => repo.commit(subjects[i]!, c));
  const out = join(repo.dir, '.patches');
  repo.git(
    'format-patch',
    '-q',
    ...(opts.binary === false ? ['--no-binary'] : []),
    '-o',
    out,
    `${base}..HEAD`,
  );
  const patches = readdirSync(out)
    .sort()
    .map((n) => join(out, n));
  return { repo, patches, base };
}

test('review --patch: a format-patch file that drops a flush (exit 1, subject first)', async () => {
  const { repo, patches, base } = series(
    [{ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) }],
    ['fs: copy without the flush'],
  );
  repo.git('checkout', '-q', base);
  const res = await review(repo.dir, '--patch', patches[0]!);
  assert.equal(res.code, 1, res.err);
  const lines = res.out.split('\n');
  assert.equal(lines[0], '[PATCH] fs: copy without the flush');
  assert.match(lines[1]!, /^fs\/a\.c:5:2: warning: .*\[missing-flush-dcache-page\]$/);
  assert.match(res.out, /1 introduced, 0 resolved, 1 unchanged/);
  // The tree is only read.
  assert.equal(repo.git('status', '--porcelain', '--untracked-files=no'), '');
  assert.match(readFileSync(join(repo.dir, 'fs/a.c'), 'utf8'), /flush_dcache_page/);
});

test('review --patch: a patch the tree already holds is reviewed through its reverse', async () => {
  const { repo, patches } = series(
    [{ 'fs/a.c': writer('fill_good', false) + writer('fill_old', true, 1) }],
    ['fs: swap the flush'],
  );
  const j = reviewJson(await review(repo.dir, '--patch', patches[0]!, '--format', 'json'));
  assert.deepEqual(
    j.findings.map((f) => f.function),
    ['fill_good'],
  );
  assert.deepEqual(
    j.resolved.map((f) => f.function),
    ['fill_old'],
  );
});

test('review --patch: a two-patch mbox is a series, reported per patch', async () => {
  const { repo, patches, base } = series(
    [
      { 'fs/a.c': writer('fill_good', true) + writer('fill_old', true, 1) },
      { 'fs/b.c': writer('fill_b', false) },
    ],
    ['fs: flush in fill_old', 'fs: drop the flush in fill_b'],
  );
  repo.git('checkout', '-q', base);
  const mbox = join(repo.dir, '.patches', 'series.mbox');
  writeFileSync(mbox, patches.map((p) => readFileSync(p, 'utf8')).join(''));
  const text = await review(repo.dir, '--patch', mbox, '--tree', repo.dir);
  assert.equal(text.code, 1);
  const first = text.out.indexOf('[PATCH 1/2] fs: flush in fill_old\n');
  const second = text.out.indexOf('[PATCH 2/2] fs: drop the flush in fill_b\n');
  assert.ok(first === 0 && second > first, text.out);
  assert.match(text.out.slice(0, second), /0 introduced, 1 resolved, 0 unchanged/);
  assert.match(
    text.out.slice(second),
    /fs\/b\.c:5:2: warning:[^]*1 introduced, 0 resolved, 0 unchanged/,
  );
  const j = reviewJson(await review(repo.dir, '--patch', mbox, '--format', 'json'));
  assert.deepEqual(
    j.findings.map((f) => [f.function, f.patch]),
    [['fill_b', '[PATCH 2/2] fs: drop the flush in fill_b']],
  );
  assert.deepEqual(
    j.resolved.map((f) => [f.function, f.patch]),
    [['fill_old', '[PATCH 1/2] fs: flush in fill_old']],
  );
});

test('review --patch: a series already applied is reviewed patch by patch in reverse', async () => {
  const { repo, patches } = series(
    [
      { 'fs/b.c': writer('fill_b', false) },
      { 'fs/b.c': writer('fill_b', true) + writer('fill_b2', false) },
    ],
    ['fs: drop', 'fs: restore, add another'],
  );
  const mbox = join(repo.dir, '.patches', 'series.mbox');
  writeFileSync(mbox, patches.map((p) => readFileSync(p, 'utf8')).join(''));
  const j = reviewJson(await review(repo.dir, '--patch', mbox, '--format', 'json'));
  assert.deepEqual(
    j.findings.map((f) => [f.function, f.patch]),
    [
      ['fill_b', '[PATCH 1/2] fs: drop'],
      ['fill_b2', '[PATCH 2/2] fs: restore, add another'],
    ],
  );
  assert.deepEqual(
    j.resolved.map((f) => [f.function, f.patch]),
    [['fill_b', '[PATCH 2/2] fs: restore, add another']],
  );
});

const SPACER = [
  'static int spacer(int x)',
  '{',
  ...Array.from({ length: 10 }, (_, i) => `\tx += ${i};`),
  '\treturn x;',
  '}',
  '',
].join('\n');

test('review --patch: a patch that does not apply is exit 2 and names the hunk', async () => {
  const repo = new Repo();
  const base = repo.commit('base', {
    'fs/a.c': writer('fill_good', true) + SPACER + writer('fill_old', false, 1),
  });
  repo.commit('fs: two hunks', {
    'fs/a.c': writer('fill_good', false) + SPACER + writer('fill_old', false, 2),
  });
  const p = join(repo.dir, '.patch');
  writeFileSync(p, repo.git('format-patch', '--stdout', '-1'));
  repo.git('checkout', '-q', base);
  // The second function changed under the patch: its hunk (the second) no longer applies.
  repo.write({
    'fs/a.c':
      writer('fill_good', true) +
      SPACER +
      writer('fill_old', false, 1).replace('src, len', 'source, length'),
  });
  const res = await review(repo.dir, '--patch', p);
  assert.equal(res.code, 2);
  assert.match(
    res.err,
    /\[PATCH\] fs: two hunks: hunk #2 of fs\/a\.c does not apply \(@@ -\d+,\d+ \+\d+,\d+ @@ static void fill_old\(/,
  );
  assert.equal(res.out, '');
});

test('review --patch: a file added and a file deleted by the patch', async () => {
  const repo = new Repo();
  const base = repo.commit('base', {
    'fs/a.c': writer('fill_old', false),
    'fs/keep.c': writer('fill_keep', true),
  });
  repo.git('rm', '-q', 'fs/a.c');
  repo.commit('fs: replace a.c by new.c', { 'fs/new.c': writer('fill_new', false) });
  const p = join(repo.dir, '.patch');
  writeFileSync(p, repo.git('format-patch', '--no-renames', '--stdout', '-1'));
  assert.match(readFileSync(p, 'utf8'), /deleted file mode[^]*new file mode/);
  repo.git('checkout', '-q', base);
  const res = await review(repo.dir, '--patch', p, '--format', 'json');
  assert.equal(res.code, 1, res.err);
  const j = reviewJson(res);
  assert.deepEqual(
    j.findings.map((f) => [f.file, f.function]),
    [['fs/new.c', 'fill_new']],
  );
  assert.deepEqual(
    j.resolved.map((f) => [f.file, f.function]),
    [['fs/a.c', 'fill_old']],
  );
});

test('review --patch: a renamed file keeps its findings', async () => {
  const repo = new Repo();
  const base = repo.commit('base', {
    'fs/a.c': writer('fill_good', true) + SPACER + writer('fill_old', false, 1),
  });
  repo.git('mv', 'fs/a.c', 'fs/moved.c');
  repo.commit('fs: move a.c', {
    'fs/moved.c':
      '/* moved from a.c */\n' + writer('fill_good', true) + SPACER + writer('fill_old', false, 1),
  });
  const p = join(repo.dir, '.patch');
  writeFileSync(p, repo.git('format-patch', '-M', '--stdout', '-1'));
  assert.match(readFileSync(p, 'utf8'), /rename from fs\/a\.c/);
  repo.git('checkout', '-q', base);
  const res = await review(repo.dir, '--patch', p, '--format', 'json');
  assert.equal(res.code, 0, res.err);
  const j = reviewJson(res);
  assert.deepEqual([j.findings, j.resolved, j.unchanged], [[], [], 1]);
});

test('review --patch: binary hunks (with and without --binary) do not stop the C files', async () => {
  for (const binary of [true, false]) {
    const repo = new Repo();
    const base = repo.commit('base', {
      'fs/a.c': writer('fill_good', true),
      'fw/blob.bin': Buffer.from([0, 1, 2, 0, 3]),
    });
    repo.commit('update', {
      'fs/a.c': writer('fill_good', false),
      'fw/blob.bin': Buffer.from([0, 7, 7, 0, 7, 7]),
    });
    const p = join(repo.dir, '.patch');
    writeFileSync(
      p,
      repo.git('format-patch', '--stdout', ...(binary ? ['--binary'] : ['--no-binary']), '-1'),
    );
    assert.match(readFileSync(p, 'utf8'), binary ? /GIT binary patch/ : /Binary files .* differ/);
    repo.git('checkout', '-q', base);
    const res = await review(repo.dir, '--patch', p, '--format', 'json');
    assert.equal(res.code, 1, `${binary}: ${res.err}`);
    assert.deepEqual(
      reviewJson(res).findings.map((f) => f.function),
      ['fill_good'],
    );
  }
});

test('review --patch: a patch with CRLF line ends (saved from a mail client) applies', async () => {
  const { repo, patches, base } = series(
    [{ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) }],
    ['fs: crlf'],
  );
  repo.git('checkout', '-q', base);
  const crlf = join(repo.dir, '.patches', 'crlf.patch');
  const text = readFileSync(patches[0]!, 'utf8').replace(/\n/g, '\r\n');
  writeFileSync(crlf, text);
  const mail = await review(repo.dir, '--patch', crlf, '--format', 'json');
  assert.equal(mail.code, 1, mail.err);
  assert.deepEqual(
    reviewJson(mail).findings.map((f) => f.function),
    ['fill_good'],
  );
  // A plain diff (no mail headers) with CRLF line ends.
  const plain = join(repo.dir, '.patches', 'crlf.diff');
  writeFileSync(plain, text.slice(text.indexOf('diff --git')));
  const diff = await review(repo.dir, '--patch', plain, '--format', 'json');
  assert.equal(diff.code, 1, diff.err);
  assert.equal(reviewJson(diff).findings.length, 1);
});

test('review --patch: usage errors and a file that is no patch', async () => {
  const repo = new Repo();
  repo.commit('base', { 'fs/a.c': writer('fill_good', true) });
  assert.equal((await review(repo.dir, '--patch', 'missing.patch')).code, 2);
  writeFileSync(join(repo.dir, 'notes.txt'), 'hello\n');
  const none = await review(repo.dir, '--patch', 'notes.txt');
  assert.equal(none.code, 2);
  assert.match(none.err, /no patch in it/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, review, reviewJson, writer } from './repo';

const base = (): Repo => {
  const r = new Repo();
  r.commit('base', { 'fs/a.c': writer('fill_good', true) + writer('fill_old', false, 1) });
  return r;
};

test('review --diff: a change that drops a flush introduces a finding (exit 1)', async () => {
  const r = base();
  r.write({ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) });
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 1, res.err);
  const j = reviewJson(res);
  assert.deepEqual(
    j.findings.map((f) => [f.file, f.function]),
    [['fs/a.c', 'fill_good']],
  );
  assert.equal(j.unchanged, 1);
  assert.deepEqual(j.resolved, []);
});

test('review --diff: staged and unstaged changes both count against HEAD', async () => {
  const r = base();
  r.write({ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) });
  r.git('add', 'fs/a.c');
  r.write({ 'fs/b.c': writer('fill_new', false) });
  r.git('add', 'fs/b.c');
  r.write({ 'fs/b.c': writer('fill_new', false) + '/* unstaged */\n' });
  const j = reviewJson(await review(r.dir, '--diff', '--format', 'json'));
  assert.deepEqual(j.findings.map((f) => f.function).sort(), ['fill_good', 'fill_new']);
});

test('review --diff: touching a function that already had a finding reports nothing (exit 0)', async () => {
  const r = base();
  const touched = writer('fill_old', false, 1).replace(
    '\tkunmap_local',
    '\tpr_debug("copied %zu\\n", len);\n\tkunmap_local',
  );
  r.write({ 'fs/a.c': writer('fill_good', true) + touched });
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 0, res.out);
  const j = reviewJson(res);
  assert.deepEqual(j.findings, []);
  assert.equal(j.unchanged, 1);
});

test('review --diff: a fix is reported as resolved (exit 0)', async () => {
  const r = base();
  r.write({ 'fs/a.c': writer('fill_good', true) + writer('fill_old', true, 1) });
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 0);
  const j = reviewJson(res);
  assert.deepEqual(j.findings, []);
  assert.deepEqual(
    j.resolved.map((f) => [f.function, f.line]),
    [['fill_old', 13]],
  );
  assert.equal(j.unchanged, 0);
});

test('review --diff: lines added above a known finding do not make it new', async () => {
  const r = base();
  const above = '/* a new helper */\nstatic int helper(void)\n{\n\treturn 0;\n}\n\n';
  r.write({ 'fs/a.c': above + writer('fill_good', true) + writer('fill_old', false, 1) });
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 0, res.out);
  assert.equal(reviewJson(res).unchanged, 1);
});

test('review --diff REV and REV1..REV2 read both sides from git objects', async () => {
  const r = base();
  const first = r.git('rev-parse', 'HEAD').trim();
  r.commit('drop', { 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) });
  r.commit('unrelated', { README: 'text\n' });
  // The work tree is changed too: a range must not look at it.
  r.write({ 'fs/a.c': 'garbage {{{' });
  const range = reviewJson(await review(r.dir, '--diff', `${first}..HEAD`, '--format', 'json'));
  assert.deepEqual(
    range.findings.map((f) => f.function),
    ['fill_good'],
  );
  const last = await review(r.dir, '--diff', 'HEAD~1..HEAD');
  assert.equal(last.code, 0);
  assert.match(last.out, /0 introduced, 0 resolved, 0 unchanged/);
  const eq = reviewJson(await review(r.dir, `--diff=${first}...HEAD`, '--format', 'json'));
  assert.equal(eq.findings.length, 1);
});

test('review --diff: PATHs limit the files; a rename keeps its findings', async () => {
  const r = base();
  r.commit('more', { 'mm/b.c': writer('fill_b', true) });
  r.git('mv', 'fs/a.c', 'fs/renamed.c');
  r.write({ 'mm/b.c': writer('fill_b', false) });
  const fsOnly = reviewJson(await review(r.dir, '--diff', 'HEAD', 'fs', '--format', 'json'));
  assert.deepEqual(fsOnly.findings, []);
  assert.equal(fsOnly.unchanged, 1);
  r.git('add', '-A');
  r.git('commit', '-q', '-m', 'rename');
  const all = reviewJson(await review(r.dir, '--diff', 'HEAD~1..HEAD', '--format', 'json'));
  assert.deepEqual(
    all.findings.map((f) => f.file),
    ['mm/b.c'],
  );
  assert.equal(all.unchanged, 1);
});

test('review --diff: an added file brings its findings, a deleted one takes them away', async () => {
  const r = base();
  r.commit('other', { 'fs/gone.c': writer('fill_gone', false) });
  r.git('rm', '-q', 'fs/gone.c');
  r.write({ 'fs/new.c': writer('fill_new', false) });
  r.git('add', 'fs/new.c');
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 1);
  const j = reviewJson(res);
  assert.deepEqual(
    j.findings.map((f) => f.file),
    ['fs/new.c'],
  );
  assert.deepEqual(
    j.resolved.map((f) => f.file),
    ['fs/gone.c'],
  );
});

test('review --diff: binary files in the change are passed over', async () => {
  const r = base();
  r.commit('blob', {
    'firmware/fw.bin': Buffer.from([0, 1, 2, 3, 0, 255]),
    'fs/blob.c': Buffer.from([0x69, 0, 0x6e]),
  });
  r.write({
    'firmware/fw.bin': Buffer.from([0, 9, 9, 0]),
    'fs/blob.c': Buffer.from([0x69, 0, 0x6f]),
  });
  r.write({ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) });
  const res = await review(r.dir, '--diff', '--format', 'json');
  assert.equal(res.code, 1, res.err);
  assert.deepEqual(
    reviewJson(res).findings.map((f) => f.function),
    ['fill_good'],
  );
  assert.match(res.err, /fs\/blob\.c: skipped: binary/);
});

test('review --diff: an unknown REV, a path outside the tree, no git tree: exit 2', async () => {
  const r = base();
  const unknown = await review(r.dir, '--diff', 'no-such-branch..HEAD');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown revision 'no-such-branch'/);
  const outside = await review(r.dir, '--diff', 'HEAD', tmpdir());
  assert.equal(outside.code, 2);
  assert.match(outside.err, /outside the git work tree/);
  const nogit = await review(mkdtempSync(join(tmpdir(), 'fg-nogit-')), '--diff');
  assert.equal(nogit.code, 2);
  assert.match(nogit.err, /not inside a git work tree/);
});

test('review --diff: SARIF carries baselineState and line-independent partialFingerprints', async () => {
  const r = base();
  r.commit('more', { 'fs/c.c': writer('fill_fixed', false) });
  r.write({
    'fs/a.c': '/* moved */\n\n' + writer('fill_good', false) + writer('fill_old', false, 1),
    'fs/c.c': writer('fill_fixed', true),
  });
  const res = await review(r.dir, '--diff', '--format', 'sarif');
  assert.equal(res.code, 1);
  type Result = {
    baselineState: string;
    kind?: string;
    partialFingerprints: Record<string, string>;
    locations: { logicalLocations: { name: string }[] }[];
  };
  const results = (JSON.parse(res.out) as { runs: { results: Result[] }[] }).runs[0]!.results;
  const state = Object.fromEntries(
    results.map((x) => [x.locations[0]!.logicalLocations[0]!.name, x.baselineState]),
  );
  assert.deepEqual(state, { fill_good: 'new', fill_old: 'unchanged', fill_fixed: 'absent' });
  assert.equal(results.find((x) => x.baselineState === 'absent')!.kind, 'pass');
  type Loc = { physicalLocation: { region: { startLine: number } } };
  const line = (xs: Result[], name: string): number =>
    (
      xs.find((x) => x.locations[0]!.logicalLocations[0]!.name === name)!
        .locations[0] as unknown as Loc
    ).physicalLocation.region.startLine;
  const fp = (xs: Result[], name: string): string | undefined =>
    xs.find((x) => x.locations[0]!.logicalLocations[0]!.name === name)?.partialFingerprints[
      'flushguardIdentity/v1'
    ];
  r.write({ 'fs/a.c': writer('fill_good', false) + writer('fill_old', false, 1) });
  const unmoved = (
    JSON.parse((await review(r.dir, '--diff', '--format', 'sarif')).out) as {
      runs: { results: Result[] }[];
    }
  ).runs[0]!.results;
  assert.equal(line(results, 'fill_old'), line(unmoved, 'fill_old') + 2);
  assert.match(fp(results, 'fill_old') ?? '', /^[0-9a-f]{32}$/);
  assert.equal(fp(results, 'fill_old'), fp(unmoved, 'fill_old'));
  assert.notEqual(fp(results, 'fill_old'), fp(results, 'fill_good'));
});

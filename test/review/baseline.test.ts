import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, Repo, review, reviewJson, writer } from './repo';
import { normaliseStatement, pageExpression } from '../../server/src/cli/review/identity';

test("identity: the page expression comes from each rule's message", () => {
  assert.equal(
    pageExpression(
      'sg_page(sg) is written through a kernel mapping, and on the path shown f() ends',
    ),
    'sg_page(sg)',
  );
  // The standalone wording quotes lines (L19), which move with every edit above the finding.
  assert.equal(
    pageExpression(
      'bv.bv_page is mapped at L19, written at L23, unmapped at L24, and f() ends at L25 without flush_dcache_page(bv.bv_page)',
    ),
    'bv.bv_page',
  );
  assert.equal(
    pageExpression('bh->b_page is written at L40, and f() returns at L41'),
    'bh->b_page',
  );
  assert.equal(
    pageExpression(
      'invalidate_kernel_vmap_range() on log->vbuf, which the CPU wrote, before write I/O',
    ),
    'log->vbuf',
  );
  assert.equal(pageExpression('a new wording at L12 and L14'), 'a new wording at  and ');
  assert.equal(
    pageExpression('pbl->pbl_buf is a vmap alias (its pages go to I/O) and on the path'),
    'pbl->pbl_buf',
  );
  assert.equal(
    pageExpression(
      'the address given to invalidate_kernel_vmap_range() is data, which `data += len` (line 49) moved',
    ),
    'data',
  );
  assert.equal(
    pageExpression('something else (line 12) happened on line 7'),
    'something else  happened on ',
  );
  assert.equal(
    normaliseStatement('memcpy(kaddr, /* dst */ src,\n\t\tlen) // copy'),
    'memcpy(kaddr, src, len)',
  );
});

test('review --baseline: findings already in OLD.json are not reported; gone ones are resolved', async () => {
  const repo = new Repo();
  repo.write({
    'fs/a.c': writer('fill_old', false) + writer('fill_fixed', false, 1),
    'mm/b.c': writer('fill_b', false),
  });
  const first = cli(repo.dir, ['lint', '--format', 'json', '.']);
  assert.equal(first.code, 1, first.err);
  writeFileSync(join(repo.dir, 'old.json'), first.out);
  // Lines move, one finding is fixed, one is new.
  repo.write({
    'fs/a.c':
      '/* header */\n\n' +
      writer('fill_old', false) +
      writer('fill_fixed', true, 1) +
      writer('fill_new', false, 2),
  });
  const res = await review(repo.dir, '--baseline', 'old.json', '--format', 'json');
  assert.equal(res.code, 1, res.err);
  const j = reviewJson(res);
  assert.deepEqual(
    j.findings.map((f) => f.function),
    ['fill_new'],
  );
  assert.deepEqual(
    j.resolved.map((f) => f.function),
    ['fill_fixed'],
  );
  assert.equal(j.unchanged, 2);
  // Limited to fs/: mm/b.c's finding is neither unchanged nor resolved.
  const fsOnly = reviewJson(
    await review(repo.dir, '--baseline', 'old.json', '--format', 'json', 'fs'),
  );
  assert.deepEqual([fsOnly.findings.length, fsOnly.resolved.length, fsOnly.unchanged], [1, 1, 1]);
  // With nothing new, exit 0.
  repo.write({ 'fs/a.c': writer('fill_old', false) + writer('fill_fixed', true, 1) });
  assert.equal((await review(repo.dir, '--baseline', 'old.json')).code, 0);
});

test('review --baseline: not a JSON run is exit 2', async () => {
  const repo = new Repo();
  repo.write({ 'bad.json': '{"findings": 3}', 'a.c': writer('f', false) });
  const res = await review(repo.dir, '--baseline', 'bad.json');
  assert.equal(res.code, 2);
  assert.match(res.err, /not the output of flushguard lint --format json/);
  assert.equal((await review(repo.dir, '--baseline', 'missing.json')).code, 2);
});

test('flushguard --version prints the version of package.json', () => {
  const version = (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  for (const args of [['--version'], ['lint', '--version']]) {
    const r = cli(__dirname, args);
    assert.equal(r.code, 0);
    assert.equal(r.out, `flushguard ${version}\n`);
  }
});

test('lint -: C from standard input, named by --stdin-filename; a patch on stdin is pointed to --patch -', () => {
  const repo = new Repo();
  const named = cli(
    repo.dir,
    ['lint', '--stdin-filename', 'drivers/x.c', '-'],
    writer('fill', false),
  );
  assert.equal(named.code, 1, named.err);
  assert.match(
    named.out,
    /^drivers\/x\.c:5:2: warning: .*\[missing-flush-dcache-page\]\n.*1 finding in 1 file scanned/,
  );
  const plain = cli(repo.dir, ['lint', '--format', 'json', '-'], writer('fill', true));
  assert.equal(plain.code, 0);
  assert.equal((JSON.parse(plain.out) as { filesScanned: number }).filesScanned, 1);
  const base = repo.commit('base', { 'a.c': writer('fill', true) });
  void base;
  repo.write({ 'a.c': writer('fill', false) });
  const diff = repo.git('diff');
  const asC = cli(repo.dir, ['lint', '-'], diff);
  assert.equal(asC.code, 2);
  assert.match(asC.err, /use flushguard lint --patch -/);
  repo.git('checkout', '--', 'a.c');
  const asPatch = cli(repo.dir, ['lint', '--patch', '-'], diff);
  assert.equal(asPatch.code, 1, asPatch.err);
  assert.match(asPatch.out, /^a\.c:5:2: warning/);
});

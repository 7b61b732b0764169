// The accuracy harness's own logic (scripts/accuracy): finding and removing flush sites, the
// label and ledger checks, recall / false alarms / precision arithmetic, and one mutation run on a
// two-file tree written here (kernel shapes, not kernel code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testParser } from './helpers';
import { findSites, removeSite } from '../scripts/accuracy/sites';
import { apiFamily, parseLabels, parseLedger } from '../scripts/accuracy/data';
import type { LabelSite } from '../scripts/accuracy/data';
import {
  falseAlarms,
  markKnown,
  recall,
  recallBy,
  byShape,
  recallNewOrChanged,
  scoreLedger,
} from '../scripts/accuracy/score';
import type { MutationOutcome } from '../scripts/accuracy/score';
import { runMutations } from '../scripts/accuracy/mutate';
import { callerFiles } from '../scripts/accuracy/callers';
import { buildTreeFacts, summarizeText } from '../server/src/xref/build';
import { TreeIndex } from '../server/src/xref/treeIndex';
import { miniTree } from './xref/miniTree';
import { checkTargets, parseTargets } from '../scripts/accuracy/targets';
import type { NamedTarget } from '../scripts/accuracy/targets';

const FILL = `static void demo_fill(struct page *page, const char *src, size_t len)
{
	char *dst = kmap_local_page(page);

	memcpy(dst, src, len);
	kunmap_local(dst);
	flush_dcache_page(page);
}

static int demo_twice(struct page *page, int rw)
{
	if (rw)
		flush_dcache_page(page);
	else
		flush_dcache_page( page );
	return rw ? (flush_dcache_page(page), 0) : 1;
}
`;

test('sites: enclosing function, normalised call text, occurrence, and the removed range', async () => {
  const parser = await testParser();
  const sites = findSites(parser, FILL);
  assert.deepEqual(
    sites.map((s) => [s.function, s.call, s.occurrence, s.statement]),
    [
      ['demo_fill', 'flush_dcache_page(page)', 1, true],
      ['demo_twice', 'flush_dcache_page(page)', 1, true],
      ['demo_twice', 'flush_dcache_page(page)', 2, true],
      ['demo_twice', 'flush_dcache_page(page)', 3, false],
    ],
  );
  const removed = removeSite(FILL, sites[0]!);
  assert.match(removed, /kunmap_local\(dst\);\n\t;\n\}/);
  assert.match(removeSite(FILL, sites[3]!), /return rw \? \(0, 0\) : 1;/);
  assert.equal(findSites(parser, 'int x;\n').length, 0);
});

const site = (over: Partial<LabelSite>): LabelSite => ({
  file: 'fs/demo.c',
  function: 'demo_fill',
  call: 'flush_dcache_page(page)',
  occurrence: 1,
  needed: true,
  shape: 'kmap-write',
  reason: 'written through kmap, read through a user mmap',
  ...over,
});

test('labels: the shape vocabulary, "unsure:" instead of undecided, no site twice', () => {
  const ok = parseLabels(
    JSON.stringify({
      kernel: '6.12.1',
      sites: [site({}), site({ occurrence: 2, shape: 'other: bh-write' })],
    }),
    'l.json',
  );
  assert.equal(ok.sites.length, 2);
  assert.throws(
    () =>
      parseLabels(JSON.stringify({ kernel: '6.1', sites: [site({ shape: 'mystery' })] }), 'l.json'),
    /l\.json: sites\[0\]\.shape: expected one of kmap-write/,
  );
  assert.throws(
    () =>
      parseLabels(
        JSON.stringify({ kernel: '6.1', sites: [site({ reason: 'undecided: maybe' })] }),
        'l.json',
      ),
    /start with "unsure:"/,
  );
  assert.throws(
    () => parseLabels(JSON.stringify({ kernel: '6.1', sites: [site({}), site({})] }), 'l.json'),
    /labelled twice/,
  );
  assert.throws(
    () =>
      parseLedger(
        JSON.stringify({
          kernel: '6.1',
          entries: [{ file: 'a.c', function: 'f', rule: 'r', verdict: 'maybe', reason: 'x' }],
        }),
        'g.json',
      ),
    /verdict: expected one of TP/,
  );
  assert.equal(apiFamily('invalidate_kernel_vmap_range(p, n)'), 'vmap');
  assert.equal(apiFamily('flush_dcache_folio(folio)'), 'dcache');
});

test('score: recall leaves out labels matching no call, counts budget skips as missed; splits by shape and age', () => {
  const o = (
    result: MutationOutcome['result'],
    shape: string,
    age?: MutationOutcome['age'],
  ): MutationOutcome => ({
    site: site({ shape }),
    result,
    ...(age ? { age } : {}),
  });
  const outcomes = [
    o('detected', 'kmap-write', 'unchanged'),
    o('missed', 'kmap-write', 'new'),
    o('skipped', 'user-ring', 'changed'),
    o('detected', 'user-ring', 'changed'),
    o('not-found', 'vmap-io'),
  ];
  assert.deepEqual(recall(outcomes), { hit: 2, total: 4 });
  assert.deepEqual(
    [...recallBy(outcomes, byShape)],
    [
      ['kmap-write', { hit: 1, total: 2 }],
      ['user-ring', { hit: 1, total: 2 }],
      ['vmap-io', { hit: 0, total: 0 }],
    ],
  );
  assert.deepEqual(recallNewOrChanged(outcomes), { hit: 1, total: 3 });
  assert.deepEqual(
    falseAlarms([
      { file: 'a.c', function: 'f', rules: ['missing-flush-dcache-page'] },
      { file: 'a.c', function: 'g', rules: [] },
      { file: 'b.c', function: 'h', rules: [], skipped: 'budget' },
    ]),
    { hit: 1, total: 2 },
  );
});

test('score: a finding the ledger reviewed as true is no false alarm of a labelled function', () => {
  const functions = [
    { file: 'a.c', function: 'bug', rules: ['vmap-range-mismatch'] },
    { file: 'a.c', function: 'noisy', rules: ['missing-flush-dcache-page'] },
    { file: 'a.c', function: 'both', rules: ['vmap-range-mismatch', 'missing-flush-dcache-page'] },
  ];
  const entry = (fn: string, verdict: 'TP' | 'FP') => ({
    file: 'a.c',
    function: fn,
    rule: 'vmap-range-mismatch',
    verdict,
    reason: 'reviewed',
  });
  assert.deepEqual(falseAlarms(functions), { hit: 3, total: 3 });
  markKnown(functions, {
    kernel: '6.1',
    entries: [entry('bug', 'TP'), entry('noisy', 'FP'), entry('both', 'TP')],
  });
  assert.deepEqual(falseAlarms(functions), { hit: 2, total: 3 }, 'noisy: the reviewed bug counted');
});

test('score: ledger precision on file+function+rule; contract-only apart; unreviewed and stale counted', () => {
  const f = (file: string, fn: string, rule = 'missing-flush-dcache-page') => ({
    file,
    function: fn,
    rule,
  });
  const ledger = {
    kernel: '6.1',
    entries: [
      { ...f('a.c', 'tp'), verdict: 'TP' as const, reason: 'user mmap reads it' },
      { ...f('a.c', 'fp'), verdict: 'FP' as const, reason: 'private page' },
      { ...f('b.c', 'co'), verdict: 'contract-only' as const, reason: 'depends on X86' },
      { ...f('b.c', 'gone'), verdict: 'TP' as const, reason: 'fixed since' },
    ],
  };
  const s = scoreLedger(
    [
      f('a.c', 'tp'),
      f('a.c', 'tp'),
      f('a.c', 'fp'),
      f('b.c', 'co'),
      f('c.c', 'new', 'vmap-range-mismatch'),
    ],
    ledger,
  );
  assert.deepEqual(s.byVerdict, { TP: 2, 'contract-only': 1, FP: 1, undecided: 0 });
  assert.deepEqual(s.precision, { hit: 2, total: 3 });
  assert.deepEqual(s.precisionWithContract, { hit: 3, total: 4 });
  assert.equal(s.unreviewed, 1);
  assert.deepEqual([...s.unreviewedByRule], [['vmap-range-mismatch', 1]]);
  assert.equal(s.stale, 1);
  assert.equal(scoreLedger([f('a.c', 'tp')], undefined).unreviewed, 1);
});

test('mutation run: a removed kmap-write flush is detected, a new function is aged, an untouched finding is a false alarm', async () => {
  const parser = await testParser();
  const root = mkdtempSync(join(tmpdir(), 'fg-acc-'));
  const older = join(root, 'old');
  const newer = join(root, 'new');
  mkdirSync(join(older, 'fs'), { recursive: true });
  mkdirSync(join(newer, 'fs'), { recursive: true });
  const noisy = `static void demo_noisy(struct page *page, struct page *other)
{
	char *a = kmap_local_page(other);

	a[0] = 1;
	kunmap_local(a);
	flush_dcache_page(page);
}
`;
  writeFileSync(join(older, 'fs', 'demo.c'), FILL);
  writeFileSync(
    join(newer, 'fs', 'demo.c'),
    FILL.replace('memcpy(dst, src, len);', 'memcpy(dst, src, len + 0);') + noisy,
  );
  const labels = [
    site({ file: 'fs/demo.c' }),
    site({
      file: 'fs/demo.c',
      function: 'demo_noisy',
      needed: false,
      shape: 'other: test',
      reason: 'flushes a page nothing wrote',
    }),
    site({ file: 'fs/demo.c', function: 'demo_gone' }),
  ];
  const { outcomes, functions } = runMutations(parser, newer, labels, {
    budgetMs: 20_000,
    olderTree: older,
  });
  assert.deepEqual(
    outcomes.map((o) => [o.site.function, o.result, o.age]),
    [
      ['demo_fill', 'detected', 'changed'],
      ['demo_gone', 'not-found', undefined],
    ],
  );
  assert.equal(outcomes[0]!.detail, 'missing-flush-dcache-page');
  assert.deepEqual(
    functions.map((f) => [f.function, f.age, f.rules]),
    [
      ['demo_fill', 'changed', []],
      ['demo_noisy', 'new', ['missing-flush-dcache-page']],
    ],
  );
});

test('the committed label files follow the shared format', async () => {
  const { readFileSync } = await import('node:fs');
  for (const v of ['6.1', '6.12']) {
    const path = join(__dirname, '..', 'bench', 'accuracy', `labels-${v}.json`);
    const labels = parseLabels(readFileSync(path, 'utf8'), path);
    assert.match(labels.kernel, new RegExp(`^${v.replace('.', '\\.')}\\.\\d+$`));
    assert.ok(labels.sites.length > 150, `${v}: ${labels.sites.length} sites`);
    assert.ok(labels.sites.every((s) => !s.file.startsWith('arch/')));
  }
});

test("mutation run: a helper's flush removed is detected in a caller that wrote the page, only with callers", async () => {
  const parser = await testParser();
  const helper = `void demo_end_write(struct page *page, unsigned int len)
{
	flush_dcache_page(page);
	SetPageUptodate(page);
}
`;
  const caller = `int demo_write_inline(struct address_space *mapping, const char *name, unsigned int len)
{
	struct page *page = find_or_create_page(mapping, 0, GFP_KERNEL);
	char *kaddr = kmap_local_page(page);

	memcpy(kaddr, name, len);
	kunmap_local(kaddr);
	demo_end_write(page, len);
	return 0;
}
`;
  const root = miniTree({ 'fs/end.c': helper, 'fs/link.c': caller });
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const index = new TreeIndex(facts);
  const labels = [
    site({ file: 'fs/end.c', function: 'demo_end_write', shape: 'other: caller-write' }),
  ];
  const alone = runMutations(parser, root, labels, { budgetMs: 20_000, index });
  assert.equal(alone.outcomes[0]!.result, 'missed', 'without callers only the helper is linted');
  const withCallers = runMutations(parser, root, labels, {
    budgetMs: 20_000,
    index,
    callers: {
      files: callerFiles(root, new Set(['demo_end_write'])),
      facts,
      summarize: (file, text) => summarizeText(parser, file, text).facts,
    },
  });
  const o = withCallers.outcomes[0]!;
  assert.equal(o.result, 'detected', 'missing: demo_write_inline relies on the helper');
  assert.equal(o.byCaller, true);
  assert.match(o.detail ?? '', /demo_write_inline\(\) \(fs\/link\.c\)/);
});

test('named targets: a flagged and a silent expectation checked on untouched files; the committed file parses', async () => {
  const { readFileSync } = await import('node:fs');
  const parser = await testParser();
  const root = mkdtempSync(join(tmpdir(), 'fg-targets-'));
  mkdirSync(join(root, 'fs'), { recursive: true });
  writeFileSync(join(root, 'fs', 'demo.c'), FILL.replace('\tflush_dcache_page(page);\n', ''));
  const target = (fn: string, expect: 'flagged' | 'silent'): NamedTarget => ({
    tree: 'x',
    file: 'fs/demo.c',
    function: fn,
    rule: 'missing-flush-dcache-page',
    expect,
    why: 'test',
  });
  const opts = { kernelVersion: undefined };
  assert.deepEqual(checkTargets(parser, root, [target('demo_fill', 'flagged')], opts), [
    'named targets: 1/1 hold   PASS',
  ]);
  const failing = checkTargets(parser, root, [target('demo_fill', 'silent')], opts);
  assert.equal(failing[0], 'named targets: 0/1 hold   FAIL');
  assert.match(failing[1] ?? '', /demo_fill: expected silent/);
  const path = join(__dirname, '..', 'bench', 'accuracy', 'targets.json');
  const committed = parseTargets(readFileSync(path, 'utf8'), path);
  assert.ok(committed.some((t) => t.tree === '6.1' && t.function === '__clone_blkaddrs'));
  assert.throws(
    () => parseTargets('{"targets":[{"tree":"6.1"}]}', 't.json'),
    /file is not a string/,
  );
});

test('ledger: two verdicts under one file+function+rule key count as the one that must be kept', () => {
  const entry = (verdict: 'TP' | 'FP', reason: string) => ({
    file: 'drivers/x/y.c',
    function: 'y_copy',
    rule: 'missing-flush-dcache-page',
    verdict,
    reason,
  });
  const finding = { file: 'drivers/x/y.c', function: 'y_copy', rule: 'missing-flush-dcache-page' };
  // Whichever order the ledger lists them in, the true verdict is the one scored.
  for (const entries of [
    [entry('FP', 'second write: private'), entry('TP', 'first write: page cache')],
    [entry('TP', 'first write: page cache'), entry('FP', 'second write: private')],
  ]) {
    const s = scoreLedger([finding], { kernel: '6.12', entries });
    assert.equal(s.byVerdict.TP, 1);
    assert.equal(s.byVerdict.FP, 0);
  }
});

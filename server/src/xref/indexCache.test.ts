import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createParser, initParser, parseC } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { buildTreeFacts, summarizeText } from './build';
import { cachePath } from './cache';
import { summarizeFile } from './summarize';
import { forgetKernelTrees } from '../kernel/fromTree';
import { miniTree as sharedMiniTree } from '../../../test/xref/miniTree';

const OLD = new Date(Date.now() - 60_000);

const miniTree = (files: Record<string, string>): string => sharedMiniTree(files, OLD);

const ALLOC = `struct pg_pool { struct page **pages; };
int pool_init(struct pg_pool *pl, int n)
{
\tpl->pages[0] = alloc_page(GFP_KERNEL);
\treturn 0;
}
`;
const FLUSHER = `void my_flush(struct page *page)
{
\tflush_dcache_page(page);
}
`;

test('index cache: a deleted file leaves the index and the cache', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const root = miniTree({ 'lib/pool.c': ALLOC, 'lib/flush.c': FLUSHER });
  const first = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual(first.facts.map((f) => f.file).sort(), ['lib/flush.c', 'lib/pool.c']);
  rmSync(join(root, 'lib', 'flush.c'));
  const second = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual(
    second.facts.map((f) => f.file),
    ['lib/pool.c'],
  );
  assert.notEqual(second.digest, first.digest, 'the lint cache must see another index');
  const third = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual([third.stats.parsed, third.facts.length], [0, 1], 'the cache forgot it too');
});

test('index cache: a touched but unchanged file is not parsed again (content hash)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const root = miniTree({ 'lib/pool.c': ALLOC });
  const first = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  const now = new Date();
  utimesSync(join(root, 'lib', 'pool.c'), now, now);
  const second = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(second.stats.parsed, 0);
  assert.deepEqual(second.facts, first.facts);
  writeFileSync(join(root, 'lib', 'pool.c'), ALLOC.replace('alloc_page', 'alloc_pagf'));
  const third = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(third.stats.parsed, 1, 'same size, other text: parsed again');
  assert.notDeepEqual(third.facts, first.facts);
});

test('index cache: another kernel version in the Makefile is another cache', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const root = miniTree({ 'lib/pool.c': ALLOC });
  await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  writeFileSync(join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  // A process learns a tree's Makefile once (the language server forgets it when it changes).
  forgetKernelTrees();
  const again = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(again.stats.parsed, 1);
});

test('index cache: two builds at once agree and leave one whole cache a third run trusts', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`drivers/d${i}.c`] = i % 2 ? ALLOC : FLUSHER;
  const root = miniTree(files);
  const [a, b] = await Promise.all([
    buildTreeFacts(root, { jobs: 1, cacheHome: home }),
    buildTreeFacts(root, { jobs: 1, cacheHome: home }),
  ]);
  assert.deepEqual(a.facts, b.facts);
  const dir = dirname(cachePath(root, home));
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
  const c = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual([c.stats.parsed, c.stats.reused], [0, 40]);
  assert.deepEqual(c.facts, a.facts);
  assert.ok(statSync(cachePath(root, home)).size > 0);
});

test('index cache: a cache cut in the middle of a write is rebuilt, never trusted', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const root = miniTree({ 'lib/pool.c': ALLOC, 'lib/flush.c': FLUSHER });
  const first = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  const path = cachePath(root, home);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
  const second = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(second.stats.parsed, 2);
  assert.deepEqual(second.facts, first.facts);
});

/** Every C fixture of the repository: the pruned parse gives the facts the whole parse gives. */
function fixtures(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.[ch]$/.test(e.name)) out.push(p);
    }
  };
  walk(join(__dirname, '..', '..', '..', 'test'));
  return out;
}

const INDEX_SHAPES = `struct ops { int (*write_end)(struct page *); void (*done)(void); };
static void helper(struct page *page) { flush_dcache_page(page); }
static int my_write_end(struct page *page) { helper(page); return 0; }
static void unrelated(int x) { pr_info("%d", x); }
static void setup(struct ops *o) { o->write_end = my_write_end; o->done = unrelated; }
static const struct ops table = { .write_end = my_write_end, .done = unrelated };
#define FOO(x) /* a comment that
   goes on */ (x)
struct holder { struct page *pg; };
static void keep(struct holder *h, void *buf) { h->pg = virt_to_page(buf); }
`;

test('index prefilter: pruned parses give the facts whole parses give (repository fixtures)', async () => {
  await initParser(wasmSources());
  const parser = createParser();
  const texts = [
    { rel: 'shapes.c', text: INDEX_SHAPES },
    ...fixtures().map((p) => ({ rel: p, text: readFileSync(p, 'utf8') })),
  ];
  let compared = 0;
  for (const { rel, text } of texts) {
    const parsed = parseC(parser, text);
    const whole = summarizeFile(rel, parsed.tree, text, parsed.pre.iterators);
    parsed.tree.delete();
    const first = summarizeText(parser, rel, text);
    if (first.facts === null && first.registrations === undefined) {
      // Nothing to index: the whole parse must agree.
      if (/page|folio|iget|i_mapping|_operations|flush_dcache/.test(text))
        assert.deepEqual([whole.functions, whole.fields], [[], {}], `noisy skip: ${rel}`);
      continue;
    }
    compared++;
    assert.deepEqual(first.facts?.functions ?? [], whole.functions, `functions of ${rel}`);
    assert.deepEqual(first.facts?.fields ?? {}, whole.fields, `fields of ${rel}`);
    assert.deepEqual(first.facts?.structs, whole.structs, `struct members of ${rel}`);
    for (const [field, names] of Object.entries(whole.callbacks))
      for (const n of names)
        assert.ok(
          first.facts?.callbacks[field]?.includes(n) || first.registrations?.[field]?.includes(n),
          `missing: registration ${field} = ${n} of ${rel}`,
        );
    const second = summarizeText(parser, rel, text, new Set(Object.keys(whole.callbacks)));
    for (const [field, names] of Object.entries(whole.callbacks))
      assert.deepEqual(second.facts?.callbacks[field], names, `second round, ${field} of ${rel}`);
  }
  parser.delete();
  assert.ok(compared > 10, `compared ${compared} files`);
});

test('index cache: callback rounds run to a fixed point, so a warm run parses nothing and keeps the digest', async () => {
  // Round 2 parses b_xfer (registered for `xfer`, which a.c calls with a mapped page); only then
  // is b_xfer a summarised function, which makes c.c's registration of it for `other` matter.
  const root = miniTree({
    'drivers/x/a.c':
      'void x_fill(struct page *page, struct x_dev *d)\n{\n\tvoid *k = kmap_local_page(page);\n\n\td->ops->xfer(d, k, 16);\n\tkunmap_local(k);\n}\n',
    'drivers/x/b.c':
      'void b_hold(struct page *page)\n{\n\tget_page(page);\n}\n\nvoid b_xfer(struct x_dev *d, void *buf, int n)\n{\n\tmemcpy(buf, d->data, n);\n}\n\nstatic const struct x_ops b_ops = {\n\t.xfer = b_xfer,\n};\n',
    'drivers/x/c.c':
      'void c_hold(struct page *page)\n{\n\tget_page(page);\n}\n\nstatic const struct y_ops c_ops = {\n\t.other = b_xfer,\n};\n',
  });
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const cold = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  const warm = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(warm.stats.parsed, 0, 'the warm run parsed files again: the cold run stopped early');
  assert.equal(warm.digest, cold.digest);
  const c = cold.facts.find((f) => f.file === 'drivers/x/c.c');
  assert.deepEqual(
    c?.callbacks['other'],
    ['b_xfer'],
    'c.c registers a summarised function for `other`: its registration is in the facts',
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testParser } from '../../../test/helpers';
import { buildFieldIndex } from './fieldIndex';
import { TreeFinder } from './kernelTree';

/** Two files in kernel shapes: a private page list, a pinned ring, a page-cache buffer. */
const LIST_C = `struct pagelist { struct page *page; };
struct cachebuf { struct page *page; };

static int pl_init(struct pagelist *pl)
{
	pl->page = alloc_page(GFP_KERNEL);
	if (!pl->page)
		return -ENOMEM;
	return 0;
}

static void pl_reset(struct pagelist *pl)
{
	pl->page = NULL;
}

static void cb_fill(struct cachebuf *cb, struct address_space *m)
{
	cb->page = find_get_page(m, 0);
}
`;

const RING_C = `struct ring { struct page **pages; struct page *spare_page; };

static int ring_pin(struct ring *r, unsigned long uaddr, int n)
{
	return pin_user_pages_fast(uaddr, n, FOLL_WRITE, r->pages);
}

static void ring_spare(struct ring *r, void *buf)
{
	r->spare_page = alloc_page(GFP_KERNEL);
	r->spare_page = virt_to_page(buf);
}
`;

const OLD = new Date(Date.now() - 60_000);

function kernelTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-fields-'));
  mkdirSync(join(root, 'arch/arm'), { recursive: true });
  mkdirSync(join(root, 'drivers'), { recursive: true });
  writeFileSync(join(root, 'Makefile'), '');
  writeFileSync(join(root, 'Kconfig'), '');
  writeFileSync(join(root, 'arch/arm/Kconfig'), '');
  for (const [name, text] of [
    ['drivers/list.c', LIST_C],
    ['drivers/ring.c', RING_C],
    ['drivers/none.c', 'int x;\n'],
  ] as const) {
    writeFileSync(join(root, name), text);
    utimesSync(join(root, name), OLD, OLD);
  }
  return root;
}

test('field index: a field is private only when every source is a private allocation', async () => {
  const root = kernelTree();
  const tree = new TreeFinder().find(root)!;
  const files = ['list.c', 'ring.c', 'none.c'].map((f) => join(root, 'drivers', f));
  const { index } = buildFieldIndex(tree, files, await testParser(), { engine: 'e' });
  const pl = index.query('pagelist', 'page');
  assert.equal(pl.verdict, 'private');
  assert.deepEqual(
    pl.sources.map((s) => [s.file, s.line, s.callee]),
    [['drivers/list.c', 6, 'alloc_page']],
  );
  assert.equal(index.query('cachebuf', 'page').verdict, 'visible');
  assert.equal(
    index.query(undefined, 'page').verdict,
    'visible',
    'any struct: the page-cache one counts',
  );
  const ring = index.query('ring', 'pages');
  assert.deepEqual(
    [ring.verdict, ring.sources[0]?.array, ring.sources[0]?.callee],
    ['visible', true, 'pin_user_pages_fast'],
  );
  assert.equal(
    index.query('ring', 'spare_page').verdict,
    'unknown',
    'virt_to_page of an unknown buffer',
  );
  assert.equal(index.query('nothing', 'here').verdict, 'unknown');
});

test('field index: kept in the cache; a second build parses only what changed', async () => {
  const root = kernelTree();
  const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
  const tree = new TreeFinder().find(root)!;
  const files = ['list.c', 'ring.c', 'none.c'].map((f) => join(root, 'drivers', f));
  const parser = await testParser();
  assert.equal(buildFieldIndex(tree, files, parser, { home, engine: 'e' }).parsed, 3);
  assert.equal(buildFieldIndex(tree, files, parser, { home, engine: 'e' }).parsed, 0);
  writeFileSync(files[0]!, LIST_C.replace('find_get_page(m, 0)', 'alloc_page(GFP_KERNEL)'));
  utimesSync(files[0]!, OLD, new Date(OLD.getTime() + 1000));
  const again = buildFieldIndex(tree, files, parser, { home, engine: 'e' });
  assert.equal(again.parsed, 1);
  assert.equal(again.index.query('cachebuf', 'page').verdict, 'private');
  assert.equal(buildFieldIndex(tree, files, parser, { home, engine: 'other' }).parsed, 3);
});

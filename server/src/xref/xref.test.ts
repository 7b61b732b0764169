import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTreeFacts, findKernelRoot } from './build';
import { cachePath } from './cache';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

const POOL_ALLOC = `struct pg_pool {
\tstruct page **pages;
};

int pool_init(struct pg_pool *pl, int n)
{
\tint i;

\tfor (i = 0; i < n; i++)
\t\tpl->pages[i] = alloc_page(GFP_KERNEL);
\treturn 0;
}
`;

const POOL_FILL = `void pool_fill(struct pg_pool *pl, loff_t off, const void *src, size_t len)
{
\tstruct page *page = pl->pages[off >> PAGE_SHIFT];
\tvoid *addr = kmap_local_page(page);

\tmemcpy(addr, src, len);
\tkunmap_local(addr);
}
`;

test('xref: a field only assigned alloc_page in another file is private: silenced', async () => {
  const root = miniTree({ 'lib/pool.c': POOL_ALLOC, 'net/fill.c': POOL_FILL });
  const r = await lintBoth(root, 'net/fill.c');
  assert.equal(r.alone, 1, 'judged alone the page is of unknown origin');
  assert.equal(r.indexed, 0, 'noisy: the index knows pg_pool.pages is private');
  assert.ok(
    r.notes.some((n) =>
      /pg_pool\.pages is only assigned from alloc_page \(lib\/pool\.c:10\)/.test(n),
    ),
    r.notes.join('\n'),
  );
});

test('xref: a field also assigned a page-cache page elsewhere is visible: finding kept', async () => {
  const lookup = `void pool_attach(struct pg_pool *pl, struct address_space *mapping)
{
\tpl->pages[0] = find_get_page(mapping, 0);
}
`;
  const root = miniTree({
    'lib/pool.c': POOL_ALLOC,
    'fs/attach.c': lookup,
    'net/fill.c': POOL_FILL,
  });
  const r = await lintBoth(root, 'net/fill.c');
  assert.equal(r.indexed, 1, 'missing: a page-cache source makes pg_pool.pages user-visible');
});

const USER_COPY = `void fill_cached(struct address_space *mapping, const char *buf, size_t len)
{
\tstruct page *page = find_get_page(mapping, 0);
\tchar *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, buf, len);
\tkunmap_local(kaddr);
\tfinish_page(page);
}
`;

test('xref: a flush in a callee defined in another file silences', async () => {
  const helper = `void finish_page(struct page *page)
{
\tflush_dcache_page(page);
\tput_page(page);
}
`;
  const root = miniTree({ 'mm/finish.c': helper, 'fs/copy.c': USER_COPY });
  const r = await lintBoth(root, 'fs/copy.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: finish_page() flushes in mm/finish.c');
});

test('xref: a static function of another file is not the callee', async () => {
  const helper = `static void finish_page(struct page *page)
{
\tflush_dcache_page(page);
}
`;
  const root = miniTree({ 'mm/finish.c': helper, 'fs/copy.c': USER_COPY });
  assert.equal((await lintBoth(root, 'fs/copy.c')).indexed, 1, 'missing: static elsewhere');
});

test('xref: a callee in another file that does not flush leaves the finding', async () => {
  const helper = `void finish_page(struct page *page)
{
\tput_page(page);
}
`;
  const root = miniTree({ 'mm/finish.c': helper, 'fs/copy.c': USER_COPY });
  const r = await lintBoth(root, 'fs/copy.c');
  assert.equal(r.indexed, 1, 'missing: finish_page() does not flush');
});

const WRITE_END = `int simple_commit(struct file *file, struct address_space *mapping, loff_t pos,
\t\t  unsigned len, unsigned copied, struct page *page, void *fsdata)
{
\tflush_dcache_page(page);
\tset_page_dirty(page);
\treturn copied;
}
`;
const COPY_IN = `int copy_in(struct file *file, struct address_space *mapping, loff_t pos,
\t    const char *buf, unsigned len)
{
\tconst struct address_space_operations *a_ops = mapping->a_ops;
\tstruct page *page;
\tvoid *fsdata;
\tchar *kaddr;

\ta_ops->write_begin(file, mapping, pos, len, &page, &fsdata);
\tkaddr = kmap_local_page(page);
\tmemcpy(kaddr, buf, len);
\tkunmap_local(kaddr);
\treturn a_ops->write_end(file, mapping, pos, len, len, page, fsdata);
}
`;

test('xref: ->write_end whose registered implementations all flush silences the caller', async () => {
  const aops = (fn: string): string =>
    `static const struct address_space_operations aops = {\n\t.write_end = ${fn},\n};\n`;
  const root = miniTree({
    'fs/libfs.c': WRITE_END,
    'fs/a/inode.c': aops('simple_commit'),
    'fs/copy.c': COPY_IN,
  });
  const r = await lintBoth(root, 'fs/copy.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: every ->write_end flushes');
  // One implementation that does not flush is enough to keep it.
  const lazy = `int lazy_commit(struct file *file, struct address_space *mapping, loff_t pos,
\t\tunsigned len, unsigned copied, struct page *page, void *fsdata)
{
\treturn copied;
}
`;
  const mixed = miniTree({
    'fs/libfs.c': WRITE_END,
    'fs/a/inode.c': aops('simple_commit'),
    'fs/b/inode.c': lazy + aops('lazy_commit'),
    'fs/copy.c': COPY_IN,
  });
  assert.equal(
    (await lintBoth(mixed, 'fs/copy.c')).indexed,
    1,
    'missing: lazy_commit does not flush',
  );
});

const BITMAP = `void myfs_set_bit(struct myfs_sb_info *sbi, int nr)
{
\tstruct address_space *mapping = sbi->bitmap_inode->i_mapping;
\tstruct page *page = read_mapping_page(mapping, 0, NULL);
\tunsigned long *p = kmap_local_page(page);

\tp[0] |= 1UL << nr;
\tset_page_dirty(page);
\tkunmap_local(p);
}
`;
const fillSuper = (ino: string): string => `struct myfs_sb_info {
\tstruct inode *bitmap_inode;
};

int myfs_fill_super(struct super_block *sb, struct myfs_sb_info *sbi, unsigned long ino)
{
\tstruct inode *inode;

\tinode = myfs_iget(sb, ${ino});
\tif (IS_ERR(inode))
\t\treturn PTR_ERR(inode);
\tsbi->bitmap_inode = inode;
\treturn 0;
}
`;

test('xref: the mapping of an internal inode (iget of a reserved number) silences', async () => {
  const root = miniTree({
    'fs/myfs/super.c': fillSuper('MYFS_BITMAP_INO'),
    'fs/myfs/bitmap.c': BITMAP,
  });
  const r = await lintBoth(root, 'fs/myfs/bitmap.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: the bitmap inode is internal');
  assert.ok(
    r.notes.some((n) => /internal inode: myfs_iget\(sb, MYFS_BITMAP_INO\)/.test(n)),
    r.notes.join('\n'),
  );
  // Through a static inline helper in a header that returns the inode field's mapping.
  const helper = `static inline struct address_space *MYFS_BITMAP(struct myfs_sb_info *sbi)
{
\treturn sbi->bitmap_inode->i_mapping;
}
`;
  const viaHelper = BITMAP.replace('sbi->bitmap_inode->i_mapping', 'MYFS_BITMAP(sbi)');
  const inlined = miniTree({
    'fs/myfs/super.c': fillSuper('MYFS_BITMAP_INO'),
    'fs/myfs/myfs.h': helper,
    'fs/myfs/bitmap.c': viaHelper,
  });
  assert.equal(
    (await lintBoth(inlined, 'fs/myfs/bitmap.c')).indexed,
    0,
    'noisy: via MYFS_BITMAP()',
  );
  // An inode number chosen at run time is any file: the finding stays.
  const other = miniTree({ 'fs/myfs/super.c': fillSuper('ino'), 'fs/myfs/bitmap.c': BITMAP });
  assert.equal((await lintBoth(other, 'fs/myfs/bitmap.c')).indexed, 1);
});

test('xref: a page-cache lookup in a local inode from an iget of a reserved number silences', async () => {
  const create = (
    ino: string,
  ): string => `int myfs_create_attr(struct super_block *sb, unsigned long ino)
{
\tstruct inode *attr = myfs_iget(sb, ${ino});
\tstruct address_space *mapping = attr->i_mapping;
\tstruct page *page = read_mapping_page(mapping, 0, NULL);
\tchar *kaddr = kmap_local_page(page);

\tmemset(kaddr, 0, PAGE_SIZE);
\tkunmap_local(kaddr);
\treturn 0;
}
`;
  const internal = miniTree({ 'fs/myfs/xattr.c': create('MYFS_ATTR_CNID') });
  assert.equal((await lintBoth(internal, 'fs/myfs/xattr.c')).indexed, 0, 'noisy: internal inode');
  const any = miniTree({ 'fs/myfs/xattr.c': create('ino') });
  assert.equal((await lintBoth(any, 'fs/myfs/xattr.c')).indexed, 1, 'missing: any inode');
});

test('xref: the kernel tree is found from a file inside it, and not from outside', () => {
  const root = miniTree({ 'net/fill.c': POOL_FILL });
  assert.equal(findKernelRoot(join(root, 'net', 'fill.c')), root);
  assert.equal(findKernelRoot(mkdtempSync(join(tmpdir(), 'fg-notree-'))), undefined);
});

test('xref: the cache is reused, refreshed for a changed file, and rebuilt when corrupt', async () => {
  const home = mkdtempSync(join(tmpdir(), 'fg-cache-'));
  const root = miniTree({ 'lib/pool.c': POOL_ALLOC, 'net/fill.c': POOL_FILL });
  const first = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(first.stats.parsed, 2);
  const second = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual([second.stats.parsed, second.stats.reused], [0, 2]);
  assert.deepEqual(second.facts, first.facts);
  writeFileSync(join(root, 'lib', 'pool.c'), POOL_ALLOC + '\n/* changed page */\n');
  const third = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.deepEqual([third.stats.parsed, third.stats.reused], [1, 1]);
  const path = cachePath(root, home);
  writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
  const fourth = await buildTreeFacts(root, { jobs: 1, cacheHome: home });
  assert.equal(fourth.stats.parsed, 2, 'a truncated cache is rebuilt, never trusted');
  assert.deepEqual(fourth.facts, third.facts);
});

test('xref: the CLI lints a tree file with the index and says why in --verbose', () => {
  const root = miniTree({ 'lib/pool.c': POOL_ALLOC, 'net/fill.c': POOL_FILL });
  const home = mkdtempSync(join(tmpdir(), 'fg-cache-'));
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, '..', 'cli', 'main.ts'),
      'lint',
      '--verbose',
      join(root, 'net', 'fill.c'),
    ],
    { encoding: 'utf8', env: { ...process.env, FLUSHGUARD_CACHE_DIR: home } },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /fill\.c:\d+: note: pool_fill\(\): index: page is private: pg_pool\.pages/,
  );
});

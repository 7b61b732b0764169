import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPRESS_SUPER, lintBoth, miniTree } from '../../../test/xref/miniTree';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import { buildTreeFacts } from './build';
import { TreeIndex } from './treeIndex';

const RULE = 'missing-flush-before-kernel-read';

/** A filesystem keeps a bitmap in the page cache of an inode of a reserved number. */
const SUPER = `struct bfs_sb_info {
\tstruct inode *bitmap_inode;
};

int bfs_load_bitmap_inode(struct bfs_sb_info *sbi, struct super_block *sb)
{
\tstruct inode *inode = bfs_iget(sb, BFS_BITMAP_INO);

\tif (IS_ERR(inode))
\t\treturn PTR_ERR(inode);
\tsbi->bitmap_inode = inode;
\treturn 0;
}
`;

const SCAN = `int bfs_count_free(struct bfs_sb_info *sbi, pgoff_t idx, unsigned long *out)
{
\tstruct page *page = read_mapping_page(sbi->bitmap_inode->i_mapping, idx, NULL);
\tunsigned long *map;

\tif (IS_ERR(page))
\t\treturn PTR_ERR(page);
\tmap = kmap_local_page(page);
\tmemcpy(out, map, 64);
\tkunmap_local(map);
\tput_page(page);
\treturn 0;
}
`;

async function readFindings(root: string, rel: string): Promise<number> {
  await initParser(wasmSources());
  const parser = createParser();
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const text = readFileSync(join(root, rel), 'utf8');
  const r = lintSource(parser, text, {
    rules: [RULE],
    tree: { tree: new TreeIndex(facts), file: rel },
  });
  parser.delete();
  return r.findings.length;
}

test(`${RULE}: a read of an internal inode's page cache is silent with the tree index`, async () => {
  const root = miniTree({ 'fs/bfs/super.c': SUPER, 'fs/bfs/bitmap.c': SCAN });
  assert.equal(await readFindings(root, 'fs/bfs/bitmap.c'), 0, 'noisy: internal inode');
  // The same field given an inode of any number may be a file user space maps.
  const any = miniTree({
    'fs/bfs/super.c': SUPER.replace('BFS_BITMAP_INO', 'ino'),
    'fs/bfs/bitmap.c': SCAN,
  });
  assert.equal(await readFindings(any, 'fs/bfs/bitmap.c'), 1, 'missing: any inode');
});

const CACHE = `void cfs_cache_block(struct cfs_sb_info *sbi, struct page *page, pgoff_t blk)
{
\tstruct page *cpage = alloc_page(GFP_NOFS);

\tif (!cpage)
\t\treturn;
\tif (add_to_page_cache_lru(cpage, COMPRESS_MAPPING(sbi), blk, GFP_NOFS)) {
\t\tput_page(cpage);
\t\treturn;
\t}
\tmemcpy(page_address(cpage), page_address(page), PAGE_SIZE);
\tSetPageUptodate(cpage);
\tunlock_page(cpage);
\tput_page(cpage);
}
`;

test('tree: a fresh page added to the page cache of an internal inode stays private', async () => {
  const root = miniTree({ 'fs/cfs/super.c': COMPRESS_SUPER, 'fs/cfs/cache.c': CACHE });
  const r = await lintBoth(root, 'fs/cfs/cache.c');
  assert.equal(r.indexed, 0, 'noisy: the compress inode is internal');
  assert.ok(
    r.notes.some((n) => /internal inode/.test(n)),
    r.notes.join('\n'),
  );
  // Added to a mapping the caller names: any file's page cache, user space may map it.
  const anyMapping = miniTree({
    'fs/cfs/super.c': COMPRESS_SUPER,
    'fs/cfs/cache.c': CACHE.replace(
      'struct page *page, pgoff_t blk',
      'struct page *page, struct address_space *m, pgoff_t blk',
    ).replace('COMPRESS_MAPPING(sbi)', 'm'),
  });
  assert.equal((await lintBoth(anyMapping, 'fs/cfs/cache.c')).indexed, 1, 'missing: published');
});

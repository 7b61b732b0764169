import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { miniTree } from '../../../test/xref/miniTree';
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

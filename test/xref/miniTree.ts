/** Multi-file kernel trees for the tree index's tests: a top Makefile and Kconfig, arch/, files. */
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createParser, initParser } from '../../server/src/parsing/parser';
import { wasmSources } from '../../server/src/host/wasmPaths';
import { lintSource } from '../../server/src/linter';
import { buildTreeFacts } from '../../server/src/xref/build';
import { TreeIndex } from '../../server/src/xref/treeIndex';

/**
 * A mini kernel tree: top Makefile with VERSION/PATCHLEVEL, Kconfig, arch/, and `files`, each
 * dated `mtime` when given (a cache test then tells a touched file from an untouched one).
 */
export function miniTree(files: Record<string, string>, mtime?: Date): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-xref-'));
  writeFileSync(join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n');
  writeFileSync(join(root, 'Kconfig'), 'mainmenu "mini"\nsource "arch/$(SRCARCH)/Kconfig"\n');
  mkdirSync(join(root, 'arch', 'arm'), { recursive: true });
  writeFileSync(join(root, 'arch', 'arm', 'Kconfig'), 'config ARM\n\tdef_bool y\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
    if (mtime) utimesSync(join(root, rel), mtime, mtime);
  }
  return root;
}

/** Findings of `rel` judged alone, and with the tree's index. */
export async function lintBoth(
  root: string,
  rel: string,
): Promise<{ alone: number; indexed: number; notes: string[] }> {
  await initParser(wasmSources());
  const parser = createParser();
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const text = readFileSync(join(root, rel), 'utf8');
  const alone = lintSource(parser, text, { rules: ['missing-flush-dcache-page'] });
  const indexed = lintSource(parser, text, {
    rules: ['missing-flush-dcache-page'],
    tree: { tree: new TreeIndex(facts), file: rel },
  });
  parser.delete();
  return {
    alone: alone.findings.length,
    indexed: indexed.findings.length,
    notes: (indexed.notes ?? []).map((n) => n.note),
  };
}

/**
 * A page list kept in list heads: growth takes a fresh page (or one off the spare list), a
 * reserve puts fresh pages on the spare list. Shared by the field-provenance and cycle tests.
 */
export const PAGELIST = `struct rfs_pagelist {
\tstruct list_head head;
\tstruct list_head spare;
\tvoid *tail;
};

static int pagelist_addpage(struct rfs_pagelist *pl)
{
\tstruct page *page;

\tif (list_empty(&pl->spare))
\t\tpage = __page_cache_alloc(GFP_NOFS);
\telse
\t\tpage = list_first_entry(&pl->spare, struct page, lru);
\tif (!page)
\t\treturn -ENOMEM;
\tlist_add_tail(&page->lru, &pl->head);
\treturn 0;
}

int pagelist_reserve(struct rfs_pagelist *pl)
{
\tstruct page *page = __page_cache_alloc(GFP_NOFS);

\tlist_add_tail(&page->lru, &pl->spare);
\treturn 0;
}
`;

/** Another subsystem patches the first page of that page list, reached through its own struct. */
export const PAGELIST_PATCH = `struct rstate {
\tstruct rfs_pagelist *pl;
\tint nr;
};

void rstate_patch(struct rstate *st)
{
\tstruct page *page = list_first_entry(&st->pl->head, struct page, lru);
\t__le32 *addr = kmap_atomic(page);

\t*addr = cpu_to_le32(st->nr);
\tkunmap_atomic(addr);
}
`;

/** A filesystem's compressed-page cache: an internal inode's mapping behind a getter. */
export const COMPRESS_SUPER = `struct cfs_sb_info {
\tstruct inode *compress_inode;
};

int cfs_init_compress_inode(struct cfs_sb_info *sbi, struct super_block *sb)
{
\tstruct inode *inode = cfs_iget(sb, CFS_COMPRESS_INO(sbi));

\tif (IS_ERR(inode))
\t\treturn PTR_ERR(inode);
\tsbi->compress_inode = inode;
\treturn 0;
}

struct address_space *COMPRESS_MAPPING(struct cfs_sb_info *sbi)
{
\treturn sbi->compress_inode->i_mapping;
}
`;

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintSource } from '../linter';
import { buildTreeFacts } from './build';
import { TreeIndex } from './treeIndex';

/** A block of a cached file filled through a kernel mapping and left unflushed. */
const CACHE_FILL = `static int mcache_fill(struct inode *inode, pgoff_t index, const void *src, size_t len)
{
\tstruct page *page;
\tvoid *kaddr;

\tpage = find_or_create_page(inode->i_mapping, index, GFP_NOFS);
\tif (!page)
\t\treturn -ENOMEM;
\tkaddr = kmap_local_page(page);
\tmemcpy(kaddr, src, len);
\tkunmap_local(kaddr);
\tunlock_page(page);
\tput_page(page);
\treturn 0;
}
`;

/** Bytes of a cached file read through a kernel mapping with no flush before. */
const CACHE_READ = `static int mcache_get(struct inode *inode, pgoff_t index, void *buf, size_t len)
{
\tstruct page *page;
\tvoid *kaddr;

\tpage = read_mapping_page(inode->i_mapping, index, NULL);
\tif (IS_ERR(page))
\t\treturn PTR_ERR(page);
\tkaddr = kmap(page);
\tmemcpy(buf, kaddr, len);
\tkunmap(page);
\tput_page(page);
\treturn 0;
}
`;

const covered = [
  ['fs/jfs/jfs_metapage.c', /JFS metapages live in the mapping of the filesystem's direct inode/],
  ['fs/btrfs/free-space-cache.c', /free-space inodes that btrfs creates in the root tree/],
  ['fs/nilfs2/page.c', /b-tree node cache \(btnode\.c\) and the shadow maps/],
  ['crypto/async_tx/async_raid6_recov.c', /stripe cache's own pages/],
  ['drivers/gpu/drm/gx/selftests/gx_coherency.c', /in-kernel self-tests/],
  ['drivers/vfio/pci/vx/migrate.c', /VFIO PCI variant drivers/],
  ['drivers/gpu/drm/i915/gt/shmem_utils.c', /engine default context images/],
  ['arch/x86/kernel/crash.c', /elfcorehdr segment/],
  ['mm/swapfile.c', /swap-count continuation pages/],
  ['drivers/gpu/drm/vmwgfx/vmwgfx_mob.c', /memory-object page tables/],
  ['fs/btrfs/lzo.c', /btrfs's compressors write their own output pages/],
  ['fs/smb/client/smbdirect.c', /SMB Direct is a transport/],
  ['fs/ufs/dir.c', /pages of directory inodes/],
  ['drivers/target/tcm_fc/tfc_io.c', /target core's own allocation/],
  ['crypto/af_alg.c', /AF_ALG copies a sender's data only into pages it allocates/],
  ['net/rds/message.c', /RDS copies user data into pages it allocates/],
] as const;

test('tree: metadata page caches and self-test objects are written without a user alias', async () => {
  for (const [file, why] of covered) {
    const r = await lintBoth(miniTree({ [file]: CACHE_FILL }), file);
    assert.equal(r.alone, 1, `${file}: judged alone (no path) the write is reported`);
    assert.equal(r.indexed, 0, `noisy: ${file} is under a subsystem contract`);
    assert.ok(
      r.notes.some((n) => n.startsWith('subsystem contract: ') && why.test(n)),
      r.notes.join('\n'),
    );
  }
  // The same fill next to a covered file, or in user-space self-tests, is reported.
  for (const file of [
    'fs/jfs/file.c',
    'fs/btrfs/inode.c',
    'fs/nilfs2/file.c',
    'crypto/async_tx/async_memcpy.c',
    'drivers/gpu/drm/gx/gx_coherency.c',
    'drivers/vfio/vfio_main.c',
    'drivers/gpu/drm/i915/gem/i915_gem_shmem.c',
    'arch/x86/kernel/crash_dump_64.c',
    'mm/swap_state.c',
    'fs/smb/client/file.c',
    'fs/ufs/file.c',
    'drivers/target/loopback/tcm_loop.c',
    'crypto/algif_skcipher.c',
    'net/rds/recv.c',
    'drivers/gpu/drm/vmwgfx/vmwgfx_blit.c',
    'tools/testing/selftests/mm/gx_fill.c',
  ]) {
    const r = await lintBoth(miniTree({ [file]: CACHE_FILL }), file);
    assert.equal(r.indexed, 1, `missing: no contract covers ${file}`);
  }
});

async function readFindings(root: string, rel: string): Promise<number> {
  await initParser(wasmSources());
  const parser = createParser();
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const r = lintSource(parser, readFileSync(join(root, rel), 'utf8'), {
    rules: ['missing-flush-before-kernel-read'],
    tree: { tree: new TreeIndex(facts), file: rel },
  });
  parser.delete();
  return r.findings.length;
}

test('missing-flush-before-kernel-read: hidden xattr files, internal shmem files, read-only subvolumes, pages under writeback, huge pages', async () => {
  for (const file of [
    'fs/reiserfs/xattr.c',
    'fs/xfs/scrub/xfile.c',
    'fs/btrfs/send.c',
    'fs/btrfs/zlib.c',
  ])
    assert.equal(
      await readFindings(miniTree({ [file]: CACHE_READ }), file),
      0,
      `noisy: ${file} reads pages no user maps`,
    );
  for (const file of [
    'fs/reiserfs/file.c',
    'fs/xfs/xfs_file.c',
    'fs/btrfs/file.c',
    'fs/ramfs/inode.c',
  ])
    assert.equal(
      await readFindings(miniTree({ [file]: CACHE_READ }), file),
      1,
      `missing: ${file} reads a page user space may map`,
    );
});

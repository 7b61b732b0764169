import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';
import { lint } from '../../../test/helpers';

const RULE = 'missing-flush-dcache-page';

/** A page named by its frame (an image copy, a pool object's page): the origin alone says nothing. */
const FRAME_COPY = `static void img_copy_frame(unsigned long dst_pfn, const void *src)
{
\tstruct page *d_page = pfn_to_page(dst_pfn);
\tvoid *dst = kmap_local_page(d_page);

\tmemcpy(dst, src, PAGE_SIZE);
\tkunmap_local(dst);
}
`;

test('tree: a file under a subsystem contract writes only memory the subsystem owns', async () => {
  const owned = await lintBoth(
    miniTree({ 'kernel/power/snapshot.c': FRAME_COPY }),
    'kernel/power/snapshot.c',
  );
  assert.equal(owned.alone, 1, 'judged alone (no path) the write is reported');
  assert.equal(owned.indexed, 0, 'noisy: the hibernation image is the snapshot code’s own');
  assert.ok(
    owned.notes.some((n) =>
      /^subsystem contract: the hibernation image .*kernel\/power\/hibernate\.c:752/.test(n),
    ),
    owned.notes.join('\n'),
  );
  const pool = await lintBoth(miniTree({ 'mm/zsmalloc.c': FRAME_COPY }), 'mm/zsmalloc.c');
  assert.equal(pool.indexed, 0, 'noisy: zspages are the pool’s own');
  // The same frame-named write elsewhere (a driver's IOTLB page may be a user page): reported.
  const other = await lintBoth(
    miniTree({ 'drivers/vhost/iotlb_copy.c': FRAME_COPY }),
    'drivers/vhost/iotlb_copy.c',
  );
  assert.equal(other.indexed, 1, 'missing: no contract covers this file');
  // A file next to a covered one is not covered.
  const swap = await lintBoth(
    miniTree({ 'kernel/power/swap.c': FRAME_COPY }),
    'kernel/power/swap.c',
  );
  assert.equal(swap.indexed, 1, 'missing: only the named files are covered');
});

/** A trailer appended into the last fragment of a socket buffer. */
const TRAILER = `static int fcx_xmit(struct sk_buff *skb, u32 crc)
{
\tskb_frag_t *frag = &skb_shinfo(skb)->frags[skb_shinfo(skb)->nr_frags - 1];
\tstruct fcx_trailer *cp;

\tcp = kmap_atomic(skb_frag_page(frag)) + skb_frag_off(frag);
\tcp->crc = cpu_to_le32(~crc);
\tkunmap_atomic(cp);
\treturn 0;
}
`;

test(`${RULE}: a page of a socket-buffer fragment belongs to the network stack`, async () => {
  const frag = await lint(TRAILER, [RULE]);
  assert.equal(frag.findings.length, 0, 'noisy: a fragment the stack owns');
  assert.ok(
    frag.notes?.some((n) =>
      /skb_frag_page\(frag\) is a page of a socket-buffer fragment/.test(n.note),
    ),
    JSON.stringify(frag.notes),
  );
  // The same store into a page of unknown origin is reported.
  const plain = TRAILER.replace(
    'cp = kmap_atomic(skb_frag_page(frag))',
    'cp = kmap_atomic(fcx_trailer_page(skb))',
  );
  assert.equal((await lint(plain, [RULE])).findings.length, 1, 'missing: not a fragment page');
});

/** Bytes stored into a socket buffer's fragments, page by page. */
const STORE = `int sbx_store(struct sk_buff *skb, int offset, const void *from, int len)
{
\tint i;

\tfor (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
\t\tskb_frag_t *frag = &skb_shinfo(skb)->frags[i];
\t\tu32 p_off, p_len, copied;
\t\tstruct page *p;
\t\tu8 *vaddr;

\t\tskb_frag_foreach_page(frag, skb_frag_off(frag) + offset, len,
\t\t\t\t      p, p_off, p_len, copied) {
\t\t\tvaddr = kmap_atomic(p);
\t\t\tmemcpy(vaddr + p_off, from + copied, p_len);
\t\t\tkunmap_atomic(vaddr);
\t\t}
\t}
\treturn 0;
}
`;

test(`${RULE}: the page cursor of skb_frag_foreach_page is a fragment's page`, async () => {
  assert.equal((await lint(STORE, [RULE])).findings.length, 0, 'noisy: fragment pages');
  // A walk of some other list of pages gives no such page.
  const other = STORE.replace('skb_frag_foreach_page(frag', 'sbx_for_each_page(frag');
  assert.equal((await lint(other, [RULE])).findings.length, 1, 'missing: not a fragment walk');
});

/** A get_block that copies a symlink's block into the buffer's page through a helper. */
const GET_BLOCK = `static int lfs_link_get_block(struct inode *inode, sector_t iblock,
\t\t\t      struct buffer_head *bh_result, int create)
{
\tvoid *kaddr = kmap_atomic(bh_result->b_page);

\tmemcpy(kaddr, lfs_inline_data(inode), bh_result->b_size);
\tkunmap_atomic(kaddr);
\treturn 0;
}

int lfs_get_block(struct inode *inode, sector_t iblock,
\t\t  struct buffer_head *bh_result, int create)
{
\tif (S_ISLNK(inode->i_mode))
\t\treturn lfs_link_get_block(inode, iblock, bh_result, create);
\treturn lfs_map_extent(inode, iblock, bh_result, create);
}

static int lfs_locked_get_block(struct inode *inode, sector_t iblock,
\t\t\t\tstruct buffer_head *bh_result, int create)
{
\tint ret;

\tdown_read(&LFS_I(inode)->alloc_sem);
\tret = lfs_get_block(inode, iblock, bh_result, create);
\tup_read(&LFS_I(inode)->alloc_sem);
\treturn ret;
}
`;

test(`${RULE}: a write under S_ISLNK/S_ISDIR is to a page user space cannot mmap`, async () => {
  // The helper's name says nothing; its callers' inode test does.
  const named = GET_BLOCK.replaceAll('lfs_link_get_block', 'lfs_copy_block');
  const quiet = await lint(named, [RULE]);
  assert.deepEqual(
    quiet.findings.map((f) => f.function),
    ['lfs_copy_block'],
    'noisy: the callers write a symlink page; only the helper itself (no inode test) is reported',
  );
  assert.ok(
    quiet.notes?.some((n) =>
      /S_ISLNK\(inode->i_mode\): a symlink's or directory's page/.test(n.note),
    ),
    JSON.stringify(quiet.notes),
  );
  // The same call under a test of a regular file writes a page user space may map.
  const regular = named.replace('S_ISLNK(inode->i_mode)', 'S_ISREG(inode->i_mode)');
  assert.deepEqual(
    (await lint(regular, [RULE])).findings.map((f) => f.function).sort(),
    ['lfs_copy_block', 'lfs_get_block', 'lfs_locked_get_block'],
    'missing: a regular file',
  );
  // `!S_ISLNK(...)`: the branch is every other inode.
  const negated = named.replace('if (S_ISLNK(inode->i_mode))', 'if (!S_ISLNK(inode->i_mode))');
  assert.equal((await lint(negated, [RULE])).findings.length, 3, 'missing: negated test');
});

/** A filesystem's verity backend: metadata pages past i_size, read and filled in the page cache. */
const VERITY = `static int vfs1_meta_read(struct inode *inode, void *buf, size_t count, loff_t pos)
{
\twhile (count) {
\t\tsize_t n = min_t(size_t, count, PAGE_SIZE - offset_in_page(pos));
\t\tstruct page *page;

\t\tpage = read_mapping_page(inode->i_mapping, pos >> PAGE_SHIFT, NULL);
\t\tif (IS_ERR(page))
\t\t\treturn PTR_ERR(page);
\t\tmemcpy_from_page(buf, page, offset_in_page(pos), n);
\t\tput_page(page);
\t\tbuf += n;
\t\tpos += n;
\t\tcount -= n;
\t}
\treturn 0;
}

static struct page *vfs1_read_tree_page(struct inode *inode, pgoff_t index)
{
\tstruct page *page = find_or_create_page(inode->i_mapping, index, GFP_NOFS);
\tvoid *kaddr;

\tif (!page)
\t\treturn ERR_PTR(-ENOMEM);
\tkaddr = kmap_local_page(page);
\tvfs1_fill_from_items(inode, index, kaddr);
\tmemset(kaddr + 64, 0, PAGE_SIZE - 64);
\tkunmap_local(kaddr);
\tSetPageUptodate(page);
\treturn page;
}
`;
const VERITY_OPS = `
const struct fsverity_operations vfs1_verityops = {
\t.read_merkle_tree_page = vfs1_read_tree_page,
};
`;

test('a file implementing fsverity_operations touches only verity metadata (past i_size, read-only file)', async () => {
  const rules = [RULE, 'missing-flush-before-kernel-read'];
  const plain = await lint(VERITY, rules);
  assert.deepEqual(
    plain.findings.map((f) => `${f.function} ${f.rule}`).sort(),
    [
      'vfs1_meta_read missing-flush-before-kernel-read',
      'vfs1_read_tree_page missing-flush-dcache-page',
    ],
    'missing: page-cache pages of an ordinary file',
  );
  const backend = await lint(VERITY + VERITY_OPS, rules);
  assert.deepEqual(backend.findings, [], 'noisy: the verity backend');
  assert.ok(
    backend.notes?.some((n) => n.function === 'vfs1_meta_read' && /fs-verity backend/.test(n.note)),
    JSON.stringify(backend.notes),
  );
  // Only a definition counts: a pointer to another file's table is no backend.
  const user = `${VERITY}\nstatic const struct fsverity_operations *vfs1_vops;\n`;
  assert.equal((await lint(user, rules)).findings.length, 2, 'missing: not a backend');
});

/** An architecture's copy of an instruction into the uprobes XOL page, with its own I-cache flush. */
const IXOL = `void arch_uprobe_copy_ixol(struct page *page, unsigned long vaddr,
\t\t\t   void *src, unsigned long len)
{
\tvoid *kaddr = kmap_atomic(page);
\tu32 *dst = (u32 *)(kaddr + (vaddr & ~PAGE_MASK));

\tmemcpy(dst, src, len);
\tarch_flushi(dst);
\tkunmap_atomic(kaddr);
}
`;

test('tree: an arch’s own arch_uprobe_copy_ixol keeps the XOL page coherent by its contract', async () => {
  const arch = await lintBoth(
    miniTree({ 'arch/sparc/kernel/uprobes.c': IXOL }),
    'arch/sparc/kernel/uprobes.c',
  );
  assert.equal(arch.indexed, 0, 'noisy: the architecture implements the hook');
  assert.ok(
    arch.notes.some((n) => /sparc's own implementation/.test(n)),
    arch.notes.join('\n'),
  );
  // The generic definition (outside arch/) is judged: it must flush what it copied.
  const generic = await lintBoth(
    miniTree({ 'kernel/events/uprobes.c': IXOL }),
    'kernel/events/uprobes.c',
  );
  assert.equal(generic.indexed, 1, 'missing: the generic hook writes without its flush');
});

/** An HBA's DIF error handler patching the protection tuple of the failing block. */
const DIF = `static int hba_fix_dif_error(struct scsi_cmnd *cmd, unsigned int blocks_done)
{
\tstruct scatterlist *sg;
\tstruct t10_pi_tuple *spt;
\tunsigned int k = 0, j = 0;
\tint i;

\tscsi_for_each_prot_sg(cmd, sg, scsi_prot_sg_count(cmd), i) {
\t\tunsigned int n = sg_dma_len(sg) / 8;

\t\tif (k + n >= blocks_done) {
\t\t\tj = blocks_done - k - 1;
\t\t\tbreak;
\t\t}
\t\tk += n;
\t}
\tspt = page_address(sg_page(sg)) + sg->offset;
\tspt += j;
\tspt->app_tag = T10_PI_APP_ESCAPE;
\treturn 0;
}
`;

test(`${RULE}: a page of a SCSI command's protection scatterlist is the block layer's integrity buffer`, async () => {
  const prot = await lint(DIF, [RULE]);
  assert.equal(prot.findings.length, 0, 'noisy: the integrity buffer');
  assert.ok(
    prot.notes?.some((n) => /protection-information scatterlist/.test(n.note)),
    JSON.stringify(prot.notes),
  );
  // The same walk over the command's data scatterlist: its pages are the I/O's.
  const data = DIF.replace('scsi_for_each_prot_sg(', 'scsi_for_each_sg(');
  assert.equal((await lint(data, [RULE])).findings.length, 1, 'missing: the data scatterlist');
});

/** A record layer writing its header into the first page of the encrypted message. */
const RECORD = `static int rl_push_record(struct sock *sk, struct rl_rec *rec, int len, u8 type)
{
\tstruct sk_msg *msg_en = &rec->msg_encrypted;
\tu8 *hdr;
\tint i = msg_en->sg.start;

\thdr = page_address(sg_page(&msg_en->sg.data[i])) + msg_en->sg.data[i].offset;
\thdr[0] = type;
\thdr[1] = len >> 8;
\thdr[2] = len & 0xff;
\treturn rl_encrypt(sk, rec);
}
`;

test(`${RULE}: a page of a socket message (struct sk_msg) belongs to the socket`, async () => {
  const own = await lint(RECORD, [RULE]);
  assert.equal(own.findings.length, 0, 'noisy: a message page the socket allocated');
  assert.ok(
    own.notes?.some((n) => /a page of a socket message \(struct sk_msg\)/.test(n.note)),
    JSON.stringify(own.notes),
  );
  // The same scatterlist shape in another structure says nothing about its pages.
  const other = RECORD.replace('struct sk_msg *msg_en', 'struct rl_sgbuf *msg_en');
  assert.equal((await lint(other, [RULE])).findings.length, 1, 'missing: not a socket message');
});

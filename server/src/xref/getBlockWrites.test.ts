import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/** The generic side: runs the filesystem's get_block on the page's buffers (fs/buffer.c shape). */
const BUFFER = `int __block_write_begin(struct page *page, loff_t pos, unsigned len, get_block_t *get_block)
{
\tstruct buffer_head *bh = page_buffers(page);
\tstruct inode *inode = page->mapping->host;
\tint err = get_block(inode, pos >> inode->i_blkbits, bh, 1);

\tif (!err && buffer_new(bh))
\t\tzero_user_segments(page, 0, pos, pos + len, PAGE_SIZE);
\treturn err;
}
`;

/** Moving a file's tail out of a metadata item copies it into the buffer's page. */
const ITEM = `int qfs_cut_item(struct qfs_handle *th, struct qfs_key *key, struct buffer_head *un_bh)
{
\tchar *data;

\tif (un_bh) {
\t\tdata = kmap_atomic(un_bh->b_page);
\t\tmemcpy(data + qfs_off(key), qfs_item_body(th, key), qfs_len(key));
\t\tkunmap_atomic(data);
\t}
\treturn 0;
}
`;

const GET_BLOCK = (
  body: string,
): string => `static int qfs_get_block(struct inode *inode, sector_t block,
\t\t\t struct buffer_head *bh_result, int create)
{
\tstruct buffer_head *unbh = NULL;
\tstruct qfs_handle *th = qfs_handle(inode);

\tif (qfs_is_tail(inode, block))
\t\tunbh = bh_result;
${body}\tif (unbh && unbh->b_page)
\t\tmark_buffer_dirty(unbh);
\treturn 0;
}

int qfs_prepare_page(struct page *page, unsigned from, unsigned len)
{
\treturn __block_write_begin(page, from, len, qfs_get_block);
}
`;

const UNPACK = (tail: string): string => `int qfs_unpack(struct inode *inode)
{
\tstruct page *page;
\tint ret;

\tpage = grab_cache_page(inode->i_mapping, inode->i_size >> PAGE_SHIFT);
\tif (!page)
\t\treturn -ENOMEM;
\tret = qfs_prepare_page(page, 1, 0);
\tif (ret)
\t\tgoto out;
${tail}\tret = qfs_commit_write(page);
out:
\tunlock_page(page);
\tput_page(page);
\treturn ret;
}
`;

const tree = (getBlockBody: string, tail: string): string =>
  miniTree({
    'fs/buffer.c': BUFFER,
    'fs/qfs/stree.c': ITEM,
    'fs/qfs/inode.c': GET_BLOCK(getBlockBody),
    'fs/qfs/ioctl.c': UNPACK(tail),
  });

const CONVERTS = '\tif (unbh)\n\t\tqfs_cut_item(th, qfs_key(inode, block), unbh);\n';

test('xref: a get_block that copies a tail into bh->b_page writes the page __block_write_begin got', async () => {
  const r = await lintBoth(tree(CONVERTS, ''), 'fs/qfs/ioctl.c');
  assert.equal(r.alone, 0, 'judged alone the file writes nothing');
  assert.equal(r.indexed, 1, 'missing: qfs_get_block() copies the tail into the page, unflushed');
});

test('xref: the same caller flushing after the conversion is silent', async () => {
  const r = await lintBoth(tree(CONVERTS, '\tflush_dcache_page(page);\n'), 'fs/qfs/ioctl.c');
  assert.equal(r.indexed, 0, 'noisy: the page is flushed after the get_block wrote it');
});

test('xref: a get_block that only maps blocks writes nothing into the page', async () => {
  const r = await lintBoth(tree('\tqfs_map_block(th, bh_result, block);\n', ''), 'fs/qfs/ioctl.c');
  assert.equal(r.indexed, 0, 'noisy: qfs_get_block() never touches bh->b_page');
});

/** The conversion's caller in the helper's own file: the same-file summary must see it too. */
const HOLE = (tail: string): string => `
static int qfs_convert_tail(struct inode *inode, loff_t tail_offset)
{
\tstruct page *tail_page = grab_cache_page(inode->i_mapping, tail_offset >> PAGE_SHIFT);
\tint ret;

\tif (!tail_page)
\t\treturn -ENOMEM;
\tret = qfs_prepare_page(tail_page, 1, 0);
\tif (!ret) {
${tail}\t\tret = qfs_commit_write(tail_page);
\t}
\tunlock_page(tail_page);
\tput_page(tail_page);
\treturn ret;
}
`;

const sameFile = (tail: string): string =>
  miniTree({
    'fs/buffer.c': BUFFER,
    'fs/qfs/stree.c': ITEM,
    'fs/qfs/inode.c': GET_BLOCK(CONVERTS) + HOLE(tail),
  });

test('xref: a same-file helper running the converting get_block writes the page for its caller', async () => {
  const r = await lintBoth(sameFile(''), 'fs/qfs/inode.c');
  assert.equal(r.indexed, 1, 'missing: qfs_prepare_page() has the tail copied into tail_page');
  const flushed = await lintBoth(sameFile('\t\tflush_dcache_page(tail_page);\n'), 'fs/qfs/inode.c');
  assert.equal(flushed.indexed, 0, 'noisy: the caller flushes after the conversion');
});

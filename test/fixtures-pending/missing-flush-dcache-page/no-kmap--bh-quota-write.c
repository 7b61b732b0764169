/* Shape 15: quota-file writes through bh->b_data (the lowmem mapping), flushed with flush_dcache_page(bh->b_page). */

/* Shape 15, silent: memcpy into b_data, flush the buffer's page, then dirty it. */
static ssize_t qx_quota_write(struct super_block *sb, int type, const char *data, size_t len, loff_t off)
{
	struct inode *inode = qx_quota_inode(sb, type);
	sector_t blk = off >> sb->s_blocksize_bits;
	int offset = off & (sb->s_blocksize - 1);
	struct buffer_head *bh;

	bh = qx_bread(inode, blk, true);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	lock_buffer(bh);
	memcpy(bh->b_data + offset, data, len);
	flush_dcache_page(bh->b_page);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return len;
}

/* Shape 15, must flag: the same quota write without the flush. */
static ssize_t qy_quota_write(struct super_block *sb, int type, const char *data, size_t len, loff_t off)
{
	struct inode *inode = qx_quota_inode(sb, type);
	int offset = off & (sb->s_blocksize - 1);
	struct buffer_head *bh;

	bh = qx_bread(inode, off >> sb->s_blocksize_bits, true);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	lock_buffer(bh);
	memcpy(bh->b_data + offset, data, len); // expect: missing-flush-dcache-page
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return len;
}

/* Shape 15, silent: a quota write loop over blocks; each block's page is flushed after the copy. */
static ssize_t qz_quota_write(struct super_block *sb, int type, const char *data, size_t len, loff_t off)
{
	size_t towrite = len;
	struct buffer_head tmp_bh, *bh;
	int err;

	while (towrite > 0) {
		size_t tocopy = min_t(size_t, sb->s_blocksize, towrite);

		err = qz_get_block(sb, type, off, &tmp_bh);
		if (err)
			return err;
		bh = sb_getblk(sb, tmp_bh.b_blocknr);
		lock_buffer(bh);
		memcpy(bh->b_data, data, tocopy);
		flush_dcache_page(bh->b_page);
		set_buffer_uptodate(bh);
		unlock_buffer(bh);
		mark_buffer_dirty(bh);
		brelse(bh);
		data += tocopy;
		towrite -= tocopy;
		off += tocopy;
	}
	return len;
}

/* Shape 15, silent: filesystem metadata (a block bitmap from sb_bread) is written through b_data; never user-mapped file data. */
static void qx_init_block_bitmap(struct super_block *sb, sector_t bitmap_blk)
{
	struct buffer_head *bh = sb_getblk(sb, bitmap_blk);

	lock_buffer(bh);
	memset(bh->b_data, 0, sb->s_blocksize);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
}

/* Shape 15, silent: superblock fields written through the buffer head (metadata). */
static void qx_commit_super(struct super_block *sb, struct buffer_head *sbh, u32 free_blocks)
{
	struct qx_disk_super *ds = (struct qx_disk_super *)sbh->b_data;

	ds->s_free_blocks = cpu_to_le32(free_blocks);
	mark_buffer_dirty(sbh);
}

/* Shape 15, must flag: a quota write whose only flush is on the path that extends the file. */
static ssize_t qw_quota_write(struct super_block *sb, int type, const char *data, size_t len, loff_t off)
{
	struct inode *inode = qx_quota_inode(sb, type);
	struct buffer_head *bh = qx_bread(inode, off >> sb->s_blocksize_bits, true);

	if (IS_ERR(bh))
		return PTR_ERR(bh);
	memcpy(bh->b_data + (off & (sb->s_blocksize - 1)), data, len); // expect: missing-flush-dcache-page
	if (inode->i_size < off + len) {
		flush_dcache_page(bh->b_page);
		i_size_write(inode, off + len);
	}
	mark_buffer_dirty(bh);
	brelse(bh);
	return len;
}

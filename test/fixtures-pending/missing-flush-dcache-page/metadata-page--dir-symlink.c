/* Shape 13 (metadata): directory, symlink, b-tree and xattr pages cannot be mmapped by user space. */

/* Silent: a new directory's first page is initialised with "." and ".." entries. */
static int mx_make_empty(struct inode *inode, struct inode *parent)
{
	struct page *page = grab_cache_page(inode->i_mapping, 0);
	struct mx_dirent *de;
	void *kaddr;

	if (!page)
		return -ENOMEM;
	kaddr = kmap_atomic(page);
	memset(kaddr, 0, PAGE_SIZE);
	de = kaddr;
	de->inode = cpu_to_le32(inode->i_ino);
	de->name_len = 1;
	kunmap_atomic(kaddr);
	mx_commit_chunk(page, 0, PAGE_SIZE);
	put_page(page);
	return 0;
}

/* Silent: a directory entry is added in place in a directory page. */
static int mx_add_dir_entry(struct page *page, unsigned int offset, const char *name, int len, ino_t ino)
{
	char *kaddr = kmap_local_page(page);
	struct mx_dirent *de = (struct mx_dirent *)(kaddr + offset);

	de->inode = cpu_to_le32(ino);
	de->name_len = len;
	memcpy(de->name, name, len);
	kunmap_local(kaddr);
	return 0;
}

/* Silent: a symlink body is written into the symlink inode's page. */
static int mx_page_symlink(struct inode *inode, const char *symname, int len)
{
	struct page *page = grab_cache_page(inode->i_mapping, 0);
	char *kaddr;

	if (!page)
		return -ENOMEM;
	kaddr = kmap_local_page(page);
	memcpy(kaddr, symname, len - 1);
	kaddr[len - 1] = 0;
	kunmap_local(kaddr);
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Silent: a b-tree node record is moved inside the node's page. */
static void mx_bnode_move(struct mx_bnode *node, int dst, int src, int len)
{
	struct page *page = node->page[0];
	u8 *kaddr = kmap_local_page(page);

	memmove(kaddr + node->page_offset + dst, kaddr + node->page_offset + src, len);
	kunmap_local(kaddr);
}

/* Silent: b-tree header update. */
static void mx_btree_write_header(struct mx_btree *tree, struct page *page)
{
	struct mx_btree_head *head = kmap_local_page(page);

	head->root = cpu_to_be32(tree->root);
	head->leaf_count = cpu_to_be32(tree->leaf_count);
	kunmap_local(head);
}

/* Silent: an xattr block value is written in place. */
static int mx_xattr_set_value(struct page *page, unsigned int off, const void *value, size_t size)
{
	void *kaddr = kmap_atomic(page);

	memcpy(kaddr + off, value, size);
	kunmap_atomic(kaddr);
	return 0;
}

/* Must flag: a regular file's data page; the function name says nothing about metadata. */
static int mx_write_inline_data(struct inode *inode, struct page *page, const void *data, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, data, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	SetPageUptodate(page);
	return 0;
}

/* Must flag: "direct" I/O is file data; a name containing "dir" as part of a word is not a directory. */
static int mx_direct_fill(struct page *page, const void *data, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, data, len); // expect: missing-flush-dcache-page
	kunmap_local(kaddr);
	return 0;
}

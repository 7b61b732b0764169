import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../../test/helpers';
import { lintBoth, miniTree } from '../../../../test/xref/miniTree';

const RULE = 'missing-flush-dcache-page';

/**
 * A stacked filesystem's read: the lower file's bytes are stored into the page through a kernel
 * mapping, then decrypted in place by a cipher request whose walk flushes the destination page.
 */
const IN_PLACE = `static int xc_crypt_sg(struct xc_stat *st, struct scatterlist *dst_sg,
\t\t      struct scatterlist *src_sg, int size, u8 *iv, int op)
{
\tstruct skcipher_request *req = st->req;

\tskcipher_request_set_crypt(req, src_sg, dst_sg, size, iv);
\treturn op == XC_ENCRYPT ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
}

static int xc_crypt_block(struct xc_stat *st, struct page *dst_page, struct page *src_page,
\t\t\t  unsigned long off, int op)
{
\tstruct scatterlist src_sg, dst_sg;
\tu8 iv[16];

\tsg_init_table(&src_sg, 1);
\tsg_init_table(&dst_sg, 1);
\tsg_set_page(&src_sg, src_page, st->block, off);
\tsg_set_page(&dst_sg, dst_page, st->block, off);
\treturn xc_crypt_sg(st, &dst_sg, &src_sg, st->block, iv, op);
}

int xc_decrypt_page(struct xc_stat *st, struct page *page, const void *lower)
{
\tvoid *virt;

\tvirt = kmap_local_page(page);
\tmemcpy(virt, lower, PAGE_SIZE);
\tkunmap_local(virt);
\treturn xc_crypt_block(st, page, page, 0, XC_DECRYPT);
}
`;

test(`${RULE}: a page decrypted in place is flushed by the cipher walk`, async () => {
  const r = await lint(IN_PLACE, [RULE]);
  assert.deepEqual(
    r.findings.map((f) => f.function),
    [],
    'noisy: the walk flushes the destination page',
  );
  // Decrypted into another page: the page written first is left unflushed.
  const other = IN_PLACE.replace(
    'xc_crypt_block(st, page, page, 0, XC_DECRYPT)',
    'xc_crypt_block(st, st->scratch, page, 0, XC_DECRYPT)',
  );
  assert.deepEqual(
    (await lint(other, [RULE])).findings.map((f) => f.function),
    ['xc_decrypt_page'],
    'missing: the page is only the source of the request',
  );
  // A request set up but handed elsewhere, not run here: no walk has flushed yet.
  const queued = IN_PLACE.replace(
    'return op == XC_ENCRYPT ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);',
    'return xc_queue(st, req, op);',
  );
  assert.deepEqual(
    (await lint(queued, [RULE])).findings.map((f) => f.function),
    ['xc_decrypt_page'],
    'missing: the request has not run',
  );
});

/** The same page decrypted block by block: a walk over the blocks of a page runs at least once. */
const BY_BLOCK = IN_PLACE.replace(
  '\treturn xc_crypt_block(st, page, page, 0, XC_DECRYPT);',
  `\tfor (off = 0; off < (PAGE_SIZE / st->block); off++) {
\t\trc = xc_crypt_block(st, page, page, off, XC_DECRYPT);
\t\tif (rc)
\t\t\tbreak;
\t}
\treturn rc;`,
).replace('\tvoid *virt;\n', '\tvoid *virt;\n\tunsigned long off;\n\tint rc = 0;\n');

test(`${RULE}: a loop over the blocks of a page runs its body at least once`, async () => {
  assert.ok(BY_BLOCK.includes('off < (PAGE_SIZE / st->block)'));
  assert.deepEqual(
    (await lint(BY_BLOCK, [RULE])).findings.map((f) => f.function),
    [],
    'noisy: the first block is decrypted, and the page flushed, on every path',
  );
  // A count the caller gives may be zero: the loop may not run, and the page stays unflushed.
  const counted = BY_BLOCK.replace('off < (PAGE_SIZE / st->block)', 'off < st->nr_blocks');
  assert.deepEqual(
    (await lint(counted, [RULE])).findings.map((f) => f.function),
    ['xc_decrypt_page'],
    'missing: a loop that may run no round',
  );
});

/** A cached page filled in one file and decrypted in place by a helper of another. */
const FILL = `int xc_fill_cached(struct address_space *mapping, struct xc_stat *st, const char *buf)
{
\tstruct page *page = find_get_page(mapping, 0);
\tchar *kaddr = kmap_local_page(page);

\tmemcpy(kaddr, buf, PAGE_SIZE);
\tkunmap_local(kaddr);
\treturn xc_decrypt_in_place(st, page);
}
`;

const HELPER = IN_PLACE.replace(/int xc_decrypt_page[\s\S]*$/, '')
  .concat(`int xc_decrypt_in_place(struct xc_stat *st, struct page *page)
{
\treturn xc_crypt_block(st, page, page, 0, XC_DECRYPT);
}
`);

test(`tree: ${RULE}: a caller in another file sees the walk's flush through the helper`, async () => {
  const flushed = await lintBoth(
    miniTree({ 'fs/xc/crypto.c': HELPER, 'fs/xc/fill.c': FILL }),
    'fs/xc/fill.c',
  );
  assert.equal(flushed.alone, 1, 'judged alone the helper is unknown');
  assert.equal(flushed.indexed, 0, 'noisy: xc_decrypt_in_place flushes the page it decrypts');
  const other = HELPER.replace(
    'xc_crypt_block(st, page, page, 0, XC_DECRYPT)',
    'xc_crypt_block(st, st->scratch, page, 0, XC_DECRYPT)',
  );
  assert.notEqual(other, HELPER);
  const unflushed = await lintBoth(
    miniTree({ 'fs/xc/crypto.c': other, 'fs/xc/fill.c': FILL }),
    'fs/xc/fill.c',
  );
  assert.equal(unflushed.indexed, 1, 'missing: the helper decrypts into another page');
});

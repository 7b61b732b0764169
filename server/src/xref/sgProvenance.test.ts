import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/** A firmware-update buffer: a scatterlist with its own pages, kept in the driver's struct. */
const ALLOC = `struct fw_sglist {
\tint order;
\tunsigned int nents;
\tstruct scatterlist *sgl;
};

struct fw_sglist *fw_alloc_image(u32 len)
{
\tstruct fw_sglist *fl = kzalloc(sizeof(*fl), GFP_KERNEL);

\tif (!fl)
\t\treturn NULL;
\tfl->order = get_order(len);
\tfl->sgl = sgl_alloc_order(len, fl->order, false, GFP_KERNEL, &fl->nents);
\treturn fl;
}
`;

/** Another file copies the image into that scatterlist's pages, walking it with a cursor. */
const COPY = `int fw_copy_image(struct fw_sglist *fl, const u8 *image, u32 len)
{
\tu32 chunk = PAGE_SIZE << fl->order;
\tstruct scatterlist *sg;
\tvoid *kaddr;
\tint i;

\tsg = fl->sgl;
\tfor (i = 0; i < len / chunk; i++, sg = sg_next(sg), image += chunk) {
\t\tstruct page *page = sg_page(sg);

\t\tkaddr = kmap(page);
\t\tmemcpy(kaddr, image, chunk);
\t\tkunmap(page);
\t\tsg->length = chunk;
\t}
\treturn 0;
}
`;

test("xref: a cursor over a scatterlist field that only ever holds the driver's own sgl is private", async () => {
  const root = miniTree({ 'drivers/fw/alloc.c': ALLOC, 'drivers/fw/copy.c': COPY });
  const r = await lintBoth(root, 'drivers/fw/copy.c');
  assert.equal(r.alone, 1, "judged alone a scatterlist's page may be a request's");
  assert.equal(r.indexed, 0, 'noisy: fw_sglist.sgl only holds sgl_alloc_order lists');
  assert.ok(
    r.notes.some((n) => /fw_sglist\.sgl is only assigned from sgl_alloc_order/.test(n)),
    r.notes.join('\n'),
  );
  // The same field also given a caller's scatterlist may hold page-cache or user pages.
  const adopt = `void fw_adopt_sgl(struct fw_sglist *fl, struct scatterlist *sgl)
{
\tfl->sgl = sgl;
}
`;
  const mixed = miniTree({
    'drivers/fw/alloc.c': ALLOC + adopt,
    'drivers/fw/copy.c': COPY,
  });
  assert.equal((await lintBoth(mixed, 'drivers/fw/copy.c')).indexed, 1, 'missing: any sgl');
});

const ZERO = `void fw_zero_image(struct fw_sglist *fl)
{
\tstruct scatterlist *sg;
\tint i;

\tfor_each_sg(fl->sgl, sg, fl->nents, i) {
\t\tvoid *kaddr = kmap_local_page(sg_page(sg));

\t\tmemset(kaddr, 0, sg->length);
\t\tkunmap_local(kaddr);
\t}
}
`;

test('xref: for_each_sg over a private scatterlist field walks private pages', async () => {
  const root = miniTree({ 'drivers/fw/alloc.c': ALLOC, 'drivers/fw/zero.c': ZERO });
  const r = await lintBoth(root, 'drivers/fw/zero.c');
  assert.equal(r.alone, 1);
  assert.equal(r.indexed, 0, 'noisy: fw_sglist.sgl only holds sgl_alloc_order lists');
  const any = miniTree({
    'drivers/fw/alloc.c': ALLOC,
    'drivers/fw/zero.c': ZERO.replace('for_each_sg(fl->sgl,', 'for_each_sg(fl->user_sgl,'),
  });
  assert.equal((await lintBoth(any, 'drivers/fw/zero.c')).indexed, 1, 'missing: another field');
});

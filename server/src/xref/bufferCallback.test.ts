import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/** A PIO transfer method, registered in an operations table, that reads into `buf` on READ. */
const PIO_CORE = `struct pio_cmd;

struct pio_port_operations {
\tunsigned int (*data_xfer)(struct pio_cmd *cmd, unsigned char *buf, unsigned int len, int rw);
};

unsigned int pio_data_xfer(struct pio_cmd *cmd, unsigned char *buf, unsigned int len, int rw)
{
\tvoid __iomem *port = cmd->port;

\tif (rw == READ)
\t\tioread16_rep(port, buf, len >> 1);
\telse
\t\tiowrite16_rep(port, buf, len >> 1);
\treturn len;
}
EXPORT_SYMBOL_GPL(pio_data_xfer);

const struct pio_port_operations pio_default_ops = {
\t.data_xfer = pio_data_xfer,
};
`;

/** A sector moved through the method with a page's kernel mapping; `tail` ends the function. */
const SECTOR = (
  call: string,
  tail: string,
) => `static void pio_sector(struct pio_cmd *cmd, struct page *page,
\t\t       unsigned int offset, size_t len)
{
\tbool do_write = cmd->flags & PIO_WRITE;
\tunsigned char *buf;

\tbuf = kmap_atomic(page);
\t${call};
\tkunmap_atomic(buf);
${tail}}
`;

const CALL = 'cmd->ops->data_xfer(cmd, buf + offset, len, do_write)';

test('xref: a callback that reads into the mapped buffer writes the page: flagged', async () => {
  const root = miniTree({
    'drivers/pio/core.c': PIO_CORE,
    'drivers/pio/sector.c': SECTOR(CALL, ''),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(r.alone, 0, 'judged alone the callback is unknown');
  assert.equal(r.indexed, 1, 'missing: ->data_xfer reads into the page through buf');
});

test('xref: the page flushed when the flag says the callback read into it: silent', async () => {
  const root = miniTree({
    'drivers/pio/core.c': PIO_CORE,
    'drivers/pio/sector.c': SECTOR(
      CALL,
      '\n\tif (!do_write && !PageSlab(page))\n\t\tflush_dcache_page(page);\n',
    ),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(r.indexed, 0, 'noisy: the write happens only when do_write is false');
});

test('xref: a callback told by a constant to write out reads nothing into the page: silent', async () => {
  const root = miniTree({
    'drivers/pio/core.c': PIO_CORE,
    'drivers/pio/sector.c': SECTOR('cmd->ops->data_xfer(cmd, buf + offset, len, 1)', ''),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(r.indexed, 0, 'noisy: rw == WRITE only reads the buffer');
});

test('xref: a flush only on the direction the callback does not read: flagged', async () => {
  const root = miniTree({
    'drivers/pio/core.c': PIO_CORE,
    'drivers/pio/sector.c': SECTOR(CALL, '\n\tif (do_write)\n\t\tflush_dcache_page(page);\n'),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(r.indexed, 1, 'missing: on a READ (do_write false) nothing flushes the page');
});

/** `core` with the method static, registered by the file that defines it. */
const STATIC_CORE = PIO_CORE.replace(
  'unsigned int pio_data_xfer',
  'static unsigned int pio_data_xfer',
).replace('EXPORT_SYMBOL_GPL(pio_data_xfer);\n', '');

/** Another driver's static function of the same name, registered for another field: reads only. */
const OTHER = `struct pio_cmd;

struct pio_other_operations {
\tunsigned int (*send)(struct pio_cmd *cmd, unsigned char *buf, unsigned int len, int rw);
};

static unsigned int pio_data_xfer(struct pio_cmd *cmd, unsigned char *buf, unsigned int len, int rw)
{
\tiowrite16_rep(cmd->port, buf, len >> 1);
\treturn len;
}

const struct pio_other_operations pio_other_ops = {
\t.send = pio_data_xfer,
};
`;

test('xref: a static callback registered in its own file reads into the page: flagged', async () => {
  const root = miniTree({
    'drivers/pio/core.c': STATIC_CORE,
    'drivers/pio/sector.c': SECTOR(CALL.replace('do_write', 'READ'), ''),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(r.indexed, 1, 'missing: the static ->data_xfer of core.c reads into the page');
});

test('xref: a same-named static function of another file is not the callback: silent', async () => {
  const root = miniTree({
    'drivers/pio/core.c': STATIC_CORE.replace(
      'ioread16_rep(port, buf',
      'ioread16_rep(port, cmd->scratch',
    ),
    'drivers/pio/other.c': OTHER.replace(
      'iowrite16_rep(cmd->port, buf',
      'ioread16_rep(cmd->port, buf',
    ),
    'drivers/pio/sector.c': SECTOR(CALL.replace('do_write', 'READ'), ''),
  });
  const r = await lintBoth(root, 'drivers/pio/sector.c');
  assert.equal(
    r.indexed,
    0,
    'noisy: other.c registers its pio_data_xfer for ->send, not ->data_xfer',
  );
});

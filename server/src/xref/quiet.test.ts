import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTreeFacts } from './build';
import { mayReport } from '../linter';
import { miniTree } from '../../../test/xref/miniTree';

const OLD = new Date(Date.now() - 60_000);

const WRITER = `void fill(struct page *page, const char *src)
{
\tchar *p = kmap_local_page(page);
\tmemcpy(p, src, 16);
\tkunmap_local(p);
}
`;
const PLAIN = 'static int count;\nint next(void)\n{\n\treturn ++count;\n}\n';

test('mayReport: a rule word or a suppression comment makes a file worth linting', () => {
  assert.equal(mayReport(PLAIN), false);
  assert.equal(mayReport(WRITER), true);
  assert.equal(mayReport(`${PLAIN}/* flushguard-disable-next-line -- never mapped */\n`), true);
  // Each distinct file test is asked: a vmap word and I/O, or a flush alone.
  assert.equal(mayReport('void f(void *b) { submit_bio(vmap(b)); }\n'), true);
  assert.equal(mayReport('void f(struct page *p) { flush_dcache_page(p); }\n'), true);
  assert.equal(mayReport('int write_begin_count;\n'), false);
});

test('index build: files the lint cannot flag are found quiet where the index reads them', async () => {
  const root = miniTree(
    {
      'lib/plain.c': PLAIN,
      'lib/writer.c': WRITER,
      'lib/kept.c': `${PLAIN}// flushguard-disable-line missing-flush-dcache-page -- kept\n`,
    },
    OLD,
  );
  // What the lint's own read refuses (and reports) is never quiet.
  writeFileSync(join(root, 'lib/latin.c'), Buffer.from('int caf\xe9;\n', 'latin1'));
  writeFileSync(join(root, 'lib/nul.c'), 'int a;\0\n');
  writeFileSync(join(root, 'lib/bom.c'), `\ufeff${PLAIN}`);
  // One job: the main thread's pool (a worker runs the same summarizeJob with its entry's test).
  const built = await buildTreeFacts(root, { jobs: 1, noCache: true, lintable: mayReport });
  assert.deepEqual([...built.quiet].sort(), ['lib/bom.c', 'lib/plain.c']);
  // Without the lint's test, nothing is quiet (the language server's build).
  const plain = await buildTreeFacts(root, { jobs: 1, noCache: true });
  assert.equal(plain.quiet.size, 0);
});

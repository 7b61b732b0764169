import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient } from './client';
import { miniTree } from '../xref/miniTree';

const POOL_ALLOC = `struct pg_pool {
\tstruct page **pages;
};

int pool_init(struct pg_pool *pl, int n)
{
\tint i;

\tfor (i = 0; i < n; i++)
\t\tpl->pages[i] = alloc_page(GFP_KERNEL);
\treturn 0;
}
`;

const POOL_ATTACH = `
void pool_attach(struct pg_pool *pl, struct address_space *mapping)
{
\tpl->pages[0] = find_get_page(mapping, 0);
}
`;

const POOL_FILL = `void pool_fill(struct pg_pool *pl, loff_t off, const void *src, size_t len)
{
\tstruct page *page = pl->pages[off >> PAGE_SHIFT];
\tvoid *addr = kmap_local_page(page);

\tmemcpy(addr, src, len);
\tkunmap_local(addr);
}
`;

type Progress = {
  token: string | number;
  value: { kind: string; percentage?: number; cancellable?: boolean };
};

test('lsp index: first diagnostics alone, refreshed when the background index is ready, and again when a summary changes on disk', async () => {
  const root = miniTree({ 'lib/pool.c': POOL_ALLOC, 'net/fill.c': POOL_FILL });
  process.env['FLUSHGUARD_CACHE_DIR'] = mkdtempSync(join(tmpdir(), 'fg-lsp-home-'));
  const client = await LspClient.start({ rootPath: root, timeoutMs: 60_000 });
  try {
    const uri = pathToFileURL(join(root, 'net', 'fill.c')).href;
    const since = client.mark();
    await client.open(uri, POOL_FILL);
    const flush = (d: Diagnostic[]): Diagnostic[] =>
      d.filter((x) => x.code === 'missing-flush-dcache-page');
    // The file alone: nothing says where pl->pages comes from.
    const first = await client.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri,
      since,
    );
    assert.equal(flush(first.diagnostics).length, 1, 'missing: the file alone keeps the finding');
    const begin = await client.waitFor<Progress>(
      '$/progress',
      (p) => p.value.kind === 'begin',
      since,
    );
    assert.equal(begin.value.cancellable, true);
    assert.equal(begin.value.percentage, 0);
    const end = client.mark();
    await client.waitFor<Progress>('$/progress', (p) => p.value.kind === 'end', since);
    // With the index: pl->pages only ever holds alloc_page() pages.
    await client.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && flush(p.diagnostics).length === 0,
      Math.min(end, client.mark()),
    );
    // Another file now stores a page-cache page there: the open dependant is analysed again.
    writeFileSync(join(root, 'lib', 'pool.c'), POOL_ALLOC + POOL_ATTACH);
    const changed = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(root, 'lib', 'pool.c')).href, type: 2 }],
    });
    await client.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && flush(p.diagnostics).length === 1,
      changed,
    );
  } finally {
    await client.stop();
  }
});

/** Many writers, each flushing its page: a document whose first analysis takes a while. */
function slowDocument(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++)
    parts.push(`void store_${i}(struct page *page, const void *src, size_t len)
{
\tvoid *addr = kmap_local_page(page);

\tif (len > ${i})
\t\tmemcpy(addr, src, len);
\telse
\t\tmemset(addr, 0, len);
\tkunmap_local(addr);
\tflush_dcache_page(page);
}
`);
  return parts.join('\n');
}

test('lsp index: the open document is published before the index starts loading', async () => {
  const slow = slowDocument(300);
  const root = miniTree({ 'lib/pool.c': POOL_ALLOC, 'net/store.c': slow });
  process.env['FLUSHGUARD_CACHE_DIR'] = mkdtempSync(join(tmpdir(), 'fg-lsp-home-'));
  const client = await LspClient.start({ rootPath: root, timeoutMs: 120_000 });
  try {
    const uri = pathToFileURL(join(root, 'net', 'store.c')).href;
    const since = client.mark();
    await client.open(uri, slow);
    await client.waitFor<Progress>('$/progress', (p) => p.value.kind === 'begin', since);
    const order = client.notifications
      .slice(since)
      .map((n) =>
        n.method === '$/progress'
          ? `progress ${(n.params as Progress).value.kind}`
          : n.method === 'textDocument/publishDiagnostics' &&
              (n.params as PublishDiagnosticsParams).uri === uri
            ? 'published'
            : undefined,
      )
      .filter((x) => x !== undefined);
    // Loading the index (its cache is read on the server's thread) must not hold up the first
    // diagnostics: they come first, from the file alone.
    assert.deepEqual(order.slice(0, 2), ['published', 'progress begin']);
  } finally {
    await client.stop();
  }
});

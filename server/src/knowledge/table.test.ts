import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { APIS } from './apis';
import { isKnownApi } from './table';
import { writeLength } from './dcache';

const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Names that are C syntax, not kernel APIs: tree-sitter's node types and field names. */
function grammarWords(): Set<string> {
  const path = require.resolve('tree-sitter-c/src/node-types.json');
  const types = JSON.parse(readFileSync(path, 'utf8')) as {
    type: string;
    fields?: Record<string, unknown>;
  }[];
  return new Set(types.flatMap((t) => [t.type, ...Object.keys(t.fields ?? {})]));
}

/** Struct fields the engine reads by name (they are data, not functions). */
const FIELDS = new Set([
  'transfer_buffer',
  'b_data',
  // struct dm_io_region / dpages (drivers/md/dm-io.c) and dma-buf heap buffers' vmap bookkeeping.
  'vma_invalidate_size',
  'vma_invalidate_address',
  'vmap_cnt',
  'vmap_addr',
  'vmap_ptr',
]);

/** Every string literal in `file` that reads like a C function name (snake_case with a `_`). */
function kernelNames(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
      if (/^_*[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$/.test(n.text) && !/^[A-Z0-9_]+$/.test(n.text))
        out.push(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('every kernel API a rule, a fix or the analysis names is in the table', () => {
  const syntax = grammarWords();
  const unknown: string[] = [];
  for (const dir of ['rules', 'fixes', 'analysis']) {
    for (const file of sourceFiles(join(SRC, dir))) {
      for (const name of kernelNames(file)) {
        if (!isKnownApi(name) && !syntax.has(name) && !FIELDS.has(name))
          unknown.push(`${file.slice(SRC.length + 1)}: '${name}'`);
      }
    }
  }
  assert.deepEqual(unknown, []);
});

test('the name scan sees a kernel name that is missing from the table', () => {
  assert.ok(!isKnownApi('frob_dcache_page'));
  assert.ok(isKnownApi('flush_dcache_page'));
});

test('each API is listed once, with a role and a source', () => {
  const seen = new Set<string>();
  for (const api of APIS) {
    assert.ok(!seen.has(api.name), `${api.name} listed twice`);
    seen.add(api.name);
    assert.ok(api.roles.length > 0, `${api.name} has no role`);
    // A line in a tree checked here, or for a release no local tree has, the public commit.
    assert.match(
      api.source,
      /^(?:[\w./-]+:\d+ \((?:6\.1|6\.12)\)|(?:added|removed) by commit [0-9a-f]{12} \(\d+\.\d+\)|not in 6\.1 or 6\.12 .*)$/,
      api.name,
    );
  }
});

test('write lengths come from the argument the kernel signature names', () => {
  // include/linux/highmem.h (6.1): memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
  assert.equal(writeLength('memcpy_from_page', ['k', 'src', '16', '64']), 64);
  assert.equal(writeLength('memcpy', ['d', 's', '32']), 32);
  // copy_from_iter(void *addr, size_t bytes, struct iov_iter *i)
  assert.equal(writeLength('copy_from_iter', ['d', '8', 'iter']), 8);
  // memset32(uint32_t *s, uint32_t v, size_t count) writes count 4-byte words.
  assert.equal(writeLength('memset32', ['d', '0', '4']), 16);
  assert.equal(writeLength('memcpy', ['d', 's', 'len']), undefined);
});

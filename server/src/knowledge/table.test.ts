import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { APIS } from './apis';
import { API_BY_NAME, isKnownApi } from './table';
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
  'b_page',
  'bv_page',
  'bip_vec',
  'bi_opf',
  'bi_end_io',
  'bi_private',
  // Output cursors of decompression streams (include/linux/zlib.h next_out) and their kin.
  'next_out',
  'out_buf',
  // struct dma_buf_ops (include/linux/dma-buf.h) slots.
  'begin_cpu_access',
  'end_cpu_access',
  // struct dm_io_region / dpages (drivers/md/dm-io.c) and dma-buf heap buffers' vmap bookkeeping.
  'vma_invalidate_size',
  'vma_invalidate_address',
  'vmap_cnt',
  'vmap_addr',
  'vmap_ptr',
]);

/**
 * Words of identifiers that regular expressions in the analysis match by convention, not kernel
 * APIs: each with why the engine reads it.
 */
const NAMING = new Map([
  ['buf_len', 'a length parameter name'],
  ['data_len', 'a length parameter name'],
  ['io_size', 'a length parameter name'],
  ['_is_vmapped', "a subsystem's own vmap test (`xfs_buf_is_vmapped`)"],
  ['_private', 'a private-data field (`bi_private`, `private_data`)'],
  ['_ioend', 'completion helpers named for the I/O end'],
  ['complete_io', 'completion helpers named for the I/O end'],
  ['write_begin', 'the address_space operation and its `*_write_begin` implementations'],
  ['quota_write', 'filesystems name their quota-file writers `*_quota_write`'],
  ['make_empty', 'directory-page helpers (`*_make_empty`)'],
  ['dir_el', 'directory-page helpers'],
  ['inline_dir', 'directory-page helpers'],
  ['extent_buffer', 'btrfs metadata pages are reached through extent buffers'],
  ['user_', 'fields named for user pages (`user_pages`)'],
  ['ser_', 'fields named for user pages (`user_pages`, `upages`)'],
  ['to_', 'the copy helpers `*_to_page`, `*_to_folio`'],
  ['from_', 'the copy helpers `*_from_page`, `*_from_folio`'],
  ['vma_invalidate_', 'struct dm_io_region fields (drivers/md/dm-io.c)'],
]);

type WordKind = 'name' | 'prefix' | 'suffix' | 'part' | 'field';

/**
 * The snake_case words a regular expression spells, and how each must be read: a whole name,
 * the start or end of one (next to `\w` or a trailing `_`), a part of one (a regex with no
 * anchor matches anywhere), or a field (after `\.` or `->`).
 */
export function regexWords(pattern: string): { word: string; kind: WordKind }[] {
  const s = pattern
    .replace(/\\b|\^|\$/g, '¦')
    .replace(/\\w/g, '§')
    .replace(/\\\./g, '.')
    .replace(/\\./g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\(\?<?[!=][^)]*\)/g, ' ');
  // A top-level alternative with no anchor matches anywhere: its words are parts of names.
  const alternatives: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (i === s.length || (s[i] === '|' && depth === 0)) {
      alternatives.push(s.slice(start, i));
      start = i + 1;
    }
  }
  const out: { word: string; kind: WordKind }[] = [];
  for (const alt of alternatives) {
    const anchored = alt.includes('¦');
    for (const m of alt.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      const word = m[0];
      const core = word.replace(/^_+|_+$/g, '');
      if (core === '' || !/[a-z]/.test(word) || (core === word && !core.includes('_'))) continue;
      const before = alt[m.index - 1] ?? '';
      const after = alt[m.index + word.length] ?? '';
      const openEnd = word.endsWith('_') || after === '§';
      const openStart = word.startsWith('_') || before === '§';
      const kind: WordKind =
        before === '.' || before === '>'
          ? 'field'
          : !anchored || (openEnd && openStart)
            ? 'part'
            : openEnd
              ? 'prefix'
              : openStart
                ? 'suffix'
                : 'name';
      out.push({ word, kind });
    }
  }
  return out;
}

/** Every regular-expression literal of `file`, as its pattern text. */
function regexLiterals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral)
      out.push(
        n
          .getText()
          .replace(/\/[a-z]*$/, '')
          .slice(1),
      );
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

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

test('every kernel name a regular expression in a rule, a fix or the analysis spells is in the table', () => {
  const names = [...API_BY_NAME.keys()];
  const known: Record<WordKind, (w: string) => boolean> = {
    name: (w) => isKnownApi(w),
    prefix: (w) => names.some((n) => n.startsWith(w)),
    suffix: (w) => names.some((n) => n.endsWith(w)),
    part: (w) => names.some((n) => n.includes(w)),
    field: () => false,
  };
  const unknown: string[] = [];
  const used = new Set<string>();
  for (const dir of ['rules', 'fixes', 'analysis']) {
    for (const file of sourceFiles(join(SRC, dir))) {
      for (const pattern of regexLiterals(file)) {
        for (const { word, kind } of regexWords(pattern)) {
          const allowed = FIELDS.has(word) || NAMING.has(word);
          if (allowed) used.add(word);
          if (!allowed && !known[kind](word))
            unknown.push(`${file.slice(SRC.length + 1)}: ${kind} '${word}' in /${pattern}/`);
        }
      }
    }
  }
  assert.deepEqual(unknown, []);
  assert.deepEqual(
    [...NAMING.keys()].filter((w) => !used.has(w)),
    [],
    'a naming convention no regular expression uses any more',
  );
});

test('the regex scan reads names, families, parts and fields', () => {
  const kinds = (p: string): string[] => regexWords(p).map((w) => `${w.kind}:${w.word}`);
  assert.deepEqual(kinds('^(?:bio_data_dir|folio_test_\\w+)$'), [
    'name:bio_data_dir',
    'prefix:folio_test_',
  ]);
  assert.deepEqual(kinds('\\bflush_dcache_(?:page|folio)\\b'), ['prefix:flush_dcache_']);
  assert.deepEqual(kinds('\\.bi_private$|\\w+_ioend\\w*'), ['field:bi_private', 'part:_ioend']);
  assert.deepEqual(kinds('submit_bio|dma_map_'), ['part:submit_bio', 'part:dma_map_']);
  assert.deepEqual(kinds('^[A-Za-z_]\\w*$'), []);
  assert.ok(!isKnownApi('frob_dcache_dir'), 'an unknown name is reported');
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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFiles, testParser } from '../../../test/helpers';
import { lintParsed } from '../linter';
import { RULE_IDS, RULES } from '../rules/index';
import { IncrementalLinter } from './incrementalLint';
import { ParsedDocument, diffRange } from './parsedDocument';

const DEMO = readFileSync(join(__dirname, '../../../test/lsp/fixtures/demo.c'), 'utf8');

// fill() writes its parameter's page; its only caller flushes, so fill() is silent until the
// caller's flush goes: the cache must notice although fill()'s own text did not change.
const CALLER = `
static void fill(struct page *page, const char *src, size_t len)
{
	char *kaddr = kmap_local_page(page);

	memcpy(kaddr, src, len);
	kunmap_local(kaddr);
}

static void caller(struct page *page, const char *src, size_t len)
{
	fill(page, src, len);
	flush_dcache_page(page);
}
`;

function summary(
  findings: {
    rule: string;
    start: number;
    end: number;
    message: string;
    path: { line: number; offset: number }[];
  }[],
): string[] {
  return findings.map(
    (f) => `${f.rule}@${f.start}-${f.end}:${f.path.map((s) => `${s.line}/${s.offset}`).join(',')}`,
  );
}

test('after edits the cached result equals a fresh lint, and unchanged functions are reused', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  let text = DEMO + CALLER;
  const edits: [string, string][] = [
    ['st[0] = head;', 'st[0] = head + 1;'],
    ['#include <linux/highmem.h>\n', '#include <linux/highmem.h>\n\n/* moved down */\n'],
    ['\tflush_dcache_page(page);\n}', '}'],
    [
      'memcpy(kaddr + off, src, len);',
      'memcpy(kaddr + off, src, len);\n\tflush_dcache_page(page);',
    ],
  ];
  const reused: number[] = [];
  for (const [from, to] of [['', ''] as [string, string], ...edits]) {
    text = text.replace(from, to);
    const parsed = doc.parse(parser, text);
    const got = linter.lint(parsed, RULE_IDS);
    reused.push(linter.lastStats.reused);
    const fresh = lintParsed(parsed);
    assert.deepEqual(
      summary(got.findings),
      summary(fresh.findings),
      `after replacing ${JSON.stringify(from)}`,
    );
  }
  doc.release();
  // Four functions are looked at: three mention a mapping, and caller() calls fill(), which
  // writes its page. Edit 1 touches one of them; edit 2 moves all four (reused, shifted); edit 3
  // changes caller(), and fill() is re-checked because its caller no longer flushes; edit 4
  // touches demo_fill(). (fill() asks which same-file functions are named `caller`: the answer,
  // a function definition, is compared by its text, so fill() is reused whenever it holds.)
  assert.deepEqual(reused, [0, 3, 4, 2, 3]);
});

test('the caller losing its flush makes fill() reported although fill() did not change', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  assert.equal(linter.lint(doc.parse(parser, CALLER), RULE_IDS).findings.length, 0);
  const after = linter.lint(
    doc.parse(parser, CALLER.replace('\tflush_dcache_page(page);\n', '')),
    RULE_IDS,
  );
  // fill() is re-judged although it did not change; caller() now hands it a page that fill()
  // writes and nobody flushes, so it is reported too.
  assert.deepEqual(after.findings.map((f) => f.function).sort(), ['caller', 'fill']);
  assert.equal(doc.lastParse, 'incremental');
  doc.release();
});

test('diffRange finds the smallest single edit', () => {
  assert.deepEqual(diffRange('abcdef', 'abXdef'), { start: 2, oldEnd: 3, newEnd: 3 });
  assert.deepEqual(diffRange('aaa', 'aaaa'), { start: 3, oldEnd: 3, newEnd: 4 });
  assert.equal(diffRange('same', 'same'), undefined);
});

test('on every rule fixture, edits in each function give what a fresh lint gives', async () => {
  const parser = await testParser();
  const root = join(__dirname, '../../../test/fixtures/rules');
  let checked = 0;
  for (const dir of readdirSync(root)) {
    for (const { name, text } of fixtureFiles(join(root, dir))) {
      const doc = new ParsedDocument();
      const linter = new IncrementalLinter();
      linter.lint(doc.parse(parser, text), RULE_IDS);
      // One edit per function body in turn: a blank line after its opening brace, then undone.
      for (let at = text.indexOf('\n{\n'); at >= 0; at = text.indexOf('\n{\n', at + 3)) {
        for (const version of [text.slice(0, at + 3) + '\n' + text.slice(at + 3), text]) {
          const parsed = doc.parse(parser, version);
          const got = summary(linter.lint(parsed, RULE_IDS).findings);
          assert.deepEqual(
            got,
            summary(lintParsed(parsed).findings),
            `${dir}/${name} after an edit at ${at}`,
          );
          checked++;
        }
      }
      doc.release();
    }
  }
  assert.ok(checked > 50, `only ${checked} edits checked`);
});

// store() writes through a mapping and calls a same-file helper that flushes: silent until the
// helper loses its flush. Then store() must be reported although only the helper changed.
const CALLEE = `
static void flush_one(struct page *page)
{
	flush_dcache_page(page);
}

static void store(struct page *page, u32 v)
{
	u32 *w = kmap_local_page(page);

	w[0] = v;
	kunmap_local(w);
	flush_one(page);
}
`;

test('the callee losing its flush makes the unchanged caller reported, and back', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  const before = CALLEE;
  const after = CALLEE.replace('\tflush_dcache_page(page);\n', '\tpage_ref_inc(page);\n');
  const functions = (text: string): string[] =>
    linter.lint(doc.parse(parser, text), RULE_IDS).findings.map((f) => f.function);
  assert.deepEqual(functions(before), []);
  assert.deepEqual(functions(after), ['store']);
  assert.deepEqual(functions(before), []);
  doc.release();
});

test('on every rule fixture, removing each flush or invalidate in turn gives what a fresh lint gives', async () => {
  const parser = await testParser();
  const root = join(__dirname, '../../../test/fixtures/rules');
  const CALL =
    /^\s*(flush_dcache_page|flush_dcache_folio|flush_kernel_vmap_range|invalidate_kernel_vmap_range)\(.*\);\n/gm;
  let changed = 0;
  for (const dir of readdirSync(root)) {
    for (const { name, text } of fixtureFiles(join(root, dir))) {
      const doc = new ParsedDocument();
      const linter = new IncrementalLinter();
      const fresh0 = summary(linter.lint(doc.parse(parser, text), RULE_IDS).findings);
      for (const m of text.matchAll(CALL)) {
        const edited = text.slice(0, m.index) + text.slice(m.index + m[0].length);
        for (const version of [edited, text]) {
          const parsed = doc.parse(parser, version);
          const got = summary(linter.lint(parsed, RULE_IDS).findings);
          const fresh = summary(lintParsed(parsed).findings);
          assert.deepEqual(
            got,
            fresh,
            `${dir}/${name} without ${m[0].trim()} (line of ${m.index})`,
          );
          if (version === edited && JSON.stringify(fresh) !== JSON.stringify(fresh0)) changed++;
        }
      }
      doc.release();
    }
  }
  // The edits must matter: many of them change the findings (else this proves little).
  assert.ok(changed > 20, `only ${changed} edits changed the findings`);
});

// Three writers, each handing its page to a same-file helper that maps it: every rule's question
// about another function (its definitions, what it writes) is answered by the same file.
const HELPERS = `
static void put_bytes(struct page *page, const void *src, size_t len)
{
	void *kaddr = kmap_local_page(page);

	memcpy(kaddr, src, len);
	kunmap_local(kaddr);
}

static void writer_a(struct page *page, const void *src)
{
	put_bytes(page, src, 16);
	flush_dcache_page(page);
}

static void writer_b(struct page *page, const void *src)
{
	put_bytes(page, src, 32);
	flush_dcache_page(page);
}

static void writer_c(struct page *page, const void *src)
{
	put_bytes(page, src, 64);
}
`;

test('an edit analyses again only the function it touched, quick or full', async () => {
  const parser = await testParser();
  for (const quick of [true, false]) {
    const doc = new ParsedDocument();
    const linter = new IncrementalLinter();
    const run = (text: string): ReturnType<IncrementalLinter['lint']> => {
      const it = linter.run(doc.parse(parser, text), RULE_IDS, undefined, quick);
      for (;;) {
        const step = it.next();
        if (step.done === true) return step.value;
      }
    };
    const first = run(HELPERS);
    assert.deepEqual(
      first.findings.map((f) => f.function),
      ['put_bytes', 'writer_c'],
      'missing: writer_c leaves the page its helper wrote unflushed',
    );
    assert.equal(linter.lastStats.functions, 4);
    for (const [from, to] of [
      ['put_bytes(page, src, 32);', 'put_bytes(page, src, 33);'],
      ['put_bytes(page, src, 33);', 'put_bytes(page, src, 32);'],
      ['put_bytes(page, src, 16);', 'put_bytes(page, src, 17);'],
    ] as const) {
      const after = run(HELPERS.replace(from, to));
      assert.deepEqual(
        { analysed: linter.lastStats.analysed, reused: linter.lastStats.reused },
        { analysed: 1, reused: 3 },
        `quick=${quick}: ${from} -> ${to}`,
      );
      assert.deepEqual(
        after.findings.map((f) => f.function),
        ['put_bytes', 'writer_c'],
      );
    }
    doc.release();
  }
});

test('the helper no longer writing its page makes the unchanged caller silent, and back', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  const callers = (text: string): string[] =>
    linter
      .lint(doc.parse(parser, text), RULE_IDS)
      .findings.map((f) => f.function)
      .filter((f) => f !== 'put_bytes');
  // writer_c's finding rests on what put_bytes writes: an answer shared by the whole file, and
  // recorded for writer_c so that a change of put_bytes alone is seen.
  const reads = HELPERS.replace('memcpy(kaddr, src, len);', 'memcpy((void *)src, kaddr, len);');
  assert.deepEqual(callers(HELPERS), ['writer_c']);
  assert.deepEqual(callers(reads), []);
  assert.deepEqual(callers(HELPERS), ['writer_c']);
  doc.release();
});

test('a quick run asks no rule about another function; a full run asks again for every one', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  const rule = RULES.find((r) => r.meta.id === 'missing-flush-dcache-page')!;
  const original = rule.relevant.bind(rule);
  const asked: string[] = [];
  rule.relevant = (text, file) => {
    // Without a file: the whole-file pre-filter (relevantToFile), asked on every run.
    if (file) asked.push(/static void (\w+)/.exec(text)?.[1] ?? '?');
    return original(text, file);
  };
  try {
    const run = (text: string, quick: boolean): void => {
      const it = linter.run(doc.parse(parser, text), RULE_IDS, undefined, quick);
      while (it.next().done !== true);
    };
    run(HELPERS, false);
    const edited = HELPERS.replace('src, 32);', 'src, 33);');
    asked.length = 0;
    run(edited, true);
    // The edited writer_b keeps the rules its previous text had (by name), plus its own text's
    // test: the question about its callee waits for the full run.
    assert.deepEqual(asked, []);
    asked.length = 0;
    run(edited, false);
    assert.deepEqual(asked.sort(), ['put_bytes', 'writer_a', 'writer_b', 'writer_c']);
  } finally {
    rule.relevant = original;
    doc.release();
  }
});

test('a quick run after an edit gives the edited function fresh findings', async () => {
  const parser = await testParser();
  const doc = new ParsedDocument();
  const linter = new IncrementalLinter();
  const run = (text: string, quick: boolean): string[] => {
    const it = linter.run(doc.parse(parser, text), RULE_IDS, undefined, quick);
    for (;;) {
      const step = it.next();
      if (step.done === true) return step.value.findings.map((f) => f.function);
    }
  };
  assert.deepEqual(run(HELPERS, false), ['put_bytes', 'writer_c']);
  // writer_a loses its flush: its helper's write is now unflushed there too, at once.
  const edited = HELPERS.replace('src, 16);\n\tflush_dcache_page(page);', 'src, 16);');
  assert.deepEqual(run(edited, true), ['put_bytes', 'writer_a', 'writer_c']);
  assert.deepEqual(run(edited, false), ['put_bytes', 'writer_a', 'writer_c']);
  doc.release();
});

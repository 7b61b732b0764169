/**
 * Pathological input for the engine (lintSource): each case names the protection it checks, and
 * fails when that protection is taken out (each was checked by breaking it once).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintSource } from '../../server/src/linter';
import type { LintResult } from '../../server/src/linter';
import { parseC, SourceTooLarge } from '../../server/src/parsing/parser';
import { LineMap } from '../../server/src/lineMap';
import { exprKey, MAX_KEY_CHARS } from '../../server/src/parsing/nodeText';
import { lineOfOffset, testParser } from '../helpers';
import { resultViolations } from './invariants';

/** The CLI's default per-file budget; the machine is shared, so no tighter bound is asserted. */
const BUDGET_MS = 20_000;

async function lintTimed(source: string): Promise<LintResult & { ms: number }> {
  const parser = await testParser();
  const t0 = performance.now();
  const result = lintSource(parser, source, { deadline: t0 + BUDGET_MS });
  const ms = performance.now() - t0;
  assert.deepEqual(resultViolations(source, result), []);
  return { ...result, ms };
}

/** A function that writes through kmap and never flushes: one finding, on the store. */
const buggy = (name: string, body = ''): string =>
  `void ${name}(struct page *page)\n{\n\tchar *p = kmap_atomic(page);\n${body}\n\tp[0] = 1;\n\tkunmap_atomic(p);\n}\n`;

const findingLines = (source: string, r: LintResult): number[] =>
  r.findings.map((f) => lineOfOffset(source, f.start));

test('robustness: an empty file and a file of blanks give nothing, without error', async () => {
  for (const source of ['', '\n', '   \t\r\n', '/* kmap */']) {
    const r = await lintTimed(source);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.skipped, []);
  }
});

test('robustness: a 50 MB file is refused before the parser (whose WASM heap it would abort)', async () => {
  const unit = buggy('f');
  const huge = unit.repeat(Math.ceil(50e6 / unit.length));
  const parser = await testParser();
  const t0 = performance.now();
  assert.throws(() => lintSource(parser, huge, { deadline: t0 + BUDGET_MS }), SourceTooLarge);
  assert.ok(performance.now() - t0 < BUDGET_MS);
  // The parser is still usable afterwards: an abort would have killed the WASM module.
  const after = await lintTimed(buggy('g'));
  assert.equal(after.findings.length, 1);
});

test('robustness: a single 1 MB line is linted within budget and columns stay exact', async () => {
  // Thousands of functions, iterator macros and annotations on one line, the finding at the end.
  const filler =
    'static int __init x_NN(struct list_head *h) { struct foo *f; list_for_each_entry(f, h, node) { if (f->n) return min_t(unsigned int, f->n, 4); } return 0; } ';
  let line = '';
  for (let i = 0; line.length < 1_000_000; i++) line += filler.replace('NN', String(i));
  const tail =
    'void last(struct page *page) { char *p = kmap_atomic(page); p[0] = 1; kunmap_atomic(p); }';
  const source = line + tail + '\n';
  const r = await lintTimed(source);
  assert.ok(r.ms < BUDGET_MS, `${r.ms} ms`);
  assert.equal(r.findings.length, 1);
  const f = r.findings[0]!;
  assert.equal(source.slice(f.start, f.end), 'p[0] = 1');
  assert.deepEqual(new LineMap(source).position(f.start), {
    line: 1,
    column: line.length + tail.indexOf('p[0]') + 1,
  });
});

test('robustness: 10,000-deep blocks and if-nesting skip the function with a reason, no stack overflow', async () => {
  const deepBlocks = buggy('blocks', '{'.repeat(10_000) + '}'.repeat(10_000));
  const deepIfs = buggy('ifs', '\tif (a) '.repeat(10_000) + 'x();');
  for (const body of [deepBlocks, deepIfs]) {
    const source = body + buggy('after');
    const r = await lintTimed(source);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0]!.reason, /nested deeper than/);
    // The rest of the file is still analysed.
    assert.deepEqual(findingLines(source, r), [body.split('\n').length + 4]);
  }
});

test('robustness: 10,000-deep parentheses, calls, casts and operator chains are analysed', async () => {
  const n = 10_000;
  const bodies = [
    `\tx = ${'('.repeat(n)}y${')'.repeat(n)};`,
    `\tif (${'('.repeat(n)}y${')'.repeat(n)}) x();`,
    `\tx = ${'f('.repeat(n)}${')'.repeat(n)};`,
    `\tx = ${'(char *)'.repeat(n)}y;`,
    `\tif (${Array.from({ length: n }, (_, i) => `c${i}`).join(' || ')}) x();`,
    `\tx = ${'a ? b : '.repeat(n)}c;`,
    `\tx = y${'->next'.repeat(n)};`,
    `\tint q[] = ${'{'.repeat(n)}1${'}'.repeat(n)};`,
  ];
  for (const body of bodies) {
    const source = buggy('f', body);
    const r = await lintTimed(source);
    assert.ok(r.ms < BUDGET_MS, `${body.slice(0, 20)}: ${r.ms} ms`);
    assert.deepEqual(r.skipped, [], body.slice(0, 20));
    assert.deepEqual(findingLines(source, r), [5], body.slice(0, 20));
  }
});

test('robustness: an else-if chain of 10,000 arms is analysed, not skipped', async () => {
  const source = buggy(
    'dispatch',
    '\tif (op == 0) x(0);\n' + '\telse if (op == 1) x(1);\n'.repeat(10_000),
  );
  const r = await lintTimed(source);
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(findingLines(source, r), [10_006]);
});

test('robustness: an assignment chain 10,000 long stays within budget (expression keys are bounded)', async () => {
  const source = buggy('chain', `\tx = ${'p[0] = '.repeat(10_000)}0;`);
  const r = await lintTimed(source);
  assert.ok(r.ms < BUDGET_MS, `${r.ms} ms`);
  assert.equal(r.findings.length, 1);
});

test('robustness: expression keys are bounded, so keying nested expressions stays linear', async () => {
  const source = buggy('f', `\tx = ${'p[0] = '.repeat(5000)}0;`);
  const parsed = parseC(await testParser(), source);
  try {
    const stack = [parsed.tree.rootNode];
    let longest = 0;
    while (stack.length > 0) {
      const n = stack.pop()!;
      longest = Math.max(longest, exprKey(n).length);
      stack.push(...n.namedChildren);
    }
    assert.ok(longest <= MAX_KEY_CHARS, `a key of ${longest} characters`);
  } finally {
    parsed.tree.delete();
  }
});

test('robustness: CRLF line endings and tabs keep every position exact', async () => {
  const dir = join(__dirname, '..', 'fixtures', 'rules', 'missing-flush-dcache-page');
  const lf =
    readFileSync(join(dir, 'basic--goto.c'), 'utf8') +
    '#define FILL(p) \\\n\tdo { \\\n\t\tmemset(p, 0, 4); \\\n\t} while (0)\n' +
    buggy('tabs', '\t/* é 𝄞 */\tif (a)\t\tx();');
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = await lintTimed(lf);
  const b = await lintTimed(crlf);
  assert.ok(a.findings.length >= 2);
  assert.equal(b.findings.length, a.findings.length);
  const la = new LineMap(lf);
  const lb = new LineMap(crlf);
  a.findings.forEach((fa, i) => {
    const fb = b.findings[i]!;
    assert.equal(crlf.slice(fb.start, fb.end).replace(/\r/g, ''), lf.slice(fa.start, fa.end));
    assert.deepEqual(lb.position(fb.start), la.position(fa.start));
    assert.deepEqual(lb.position(fb.end), la.position(fa.end));
    assert.deepEqual(
      fb.path.map((s) => s.line),
      fa.path.map((s) => s.line),
    );
  });
  // Tab-indented store: column 2 (a tab is one UTF-16 unit, as gcc and LSP count).
  const last = b.findings.at(-1)!;
  assert.equal(lb.position(last.start).column, 2);
  assert.equal(crlf.slice(last.start, last.end), 'p[0] = 1');
});

test('robustness: 20,000 statements in one function are analysed within budget', async () => {
  // Every statement branches: about 70,000 basic blocks.
  const stmts = Array.from({ length: 20_000 }, (_, i) =>
    i % 2 === 0 ? `\tif (c${i}) a[${i}] = ${i};` : `\tif (e${i}) goto out${i % 50};`,
  ).join('\n');
  const labels = Array.from({ length: 50 }, (_, i) => `out${i}:\n\tv = ${i};`).join('\n');
  const source = buggy('huge', stmts + '\n' + labels);
  const r = await lintTimed(source);
  assert.deepEqual(r.skipped, []);
  assert.ok(r.ms < BUDGET_MS, `${r.ms} ms`);
  assert.equal(r.findings.length, 1);
});

test('robustness: a file of 5,000 functions is analysed within budget', async () => {
  const source = Array.from({ length: 5000 }, (_, i) =>
    i % 2 === 0
      ? buggy(`f${i}`)
      : buggy(`g${i}`).replace(
          'kunmap_atomic(p);',
          'flush_dcache_page(page);\n\tkunmap_atomic(p);',
        ),
  ).join('\n');
  const r = await lintTimed(source);
  assert.ok(r.ms < BUDGET_MS, `${r.ms} ms`);
  assert.equal(r.findings.length, 2500);
  assert.deepEqual(r.skipped, []);
});

test('robustness: macros that hide braces confine the damage to their own function', async () => {
  const shapes = [
    // A brace opened by one macro and closed by another.
    '#define LOCKED_BEGIN(l) spin_lock(l); {\n#define LOCKED_END(l) } spin_unlock(l);\n' +
      'void a(struct page *page)\n{\n\tLOCKED_BEGIN(&lock)\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n\tLOCKED_END(&lock)\n}\n',
    // One opening brace per #ifdef branch, one closing brace.
    'void b(struct page *page)\n{\n#ifdef CONFIG_X\n\tif (x) {\n#else\n\tif (y) {\n#endif\n\t\tchar *p = kmap(page);\n\t\tp[0] = 1;\n\t\tkunmap(page);\n\t}\n}\n',
    // A function header in a macro, the body after it.
    '#define DEFINE_FILL(name) void name(struct page *page)\nDEFINE_FILL(c)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n',
    // Braces inside a macro argument.
    'void d(struct page *page)\n{\n\tRUN_LOCKED(lock, { char *p = kmap(page); p[0] = 1; kunmap(page); });\n}\n',
    // An unterminated block at the end of a macro definition.
    '#define OPEN {\n#define CLOSE }\nvoid e(struct page *page)\nOPEN\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\nCLOSE\n',
  ];
  for (const shape of shapes) {
    const source = shape + buggy('after');
    const r = await lintTimed(source);
    const lines = findingLines(source, r);
    assert.ok(
      lines.includes(source.split('\n').length - 3),
      `after ${shape.slice(0, 40)}: ${lines.join(',')}`,
    );
  }
});

test('robustness: the parser refuses, rather than aborts, and parses again afterwards', async () => {
  const parser = await testParser();
  assert.throws(() => parseC(parser, 'x'.repeat(17 * 1024 * 1024)), SourceTooLarge);
  const parsed = parseC(parser, buggy('ok'));
  try {
    assert.equal(parsed.tree.rootNode.type, 'translation_unit');
  } finally {
    parsed.tree.delete();
  }
});

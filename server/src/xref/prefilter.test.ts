import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordsBefore } from './prefilter';
import { blankExcept, topLevelItems } from './regions';

/** The regular expression wordsBefore stands for. */
const byRegExp = (text: string, base: string): string[] =>
  [...text.matchAll(new RegExp(`(\\w+)(?=[\\s*]+${base}\\b)`, 'g'))].map((m) => m[1]!);

/** A deterministic generator (no Math.random): the same cases on every run. */
function* cases(count: number): Generator<string> {
  const pieces = [
    'pg',
    'page',
    ' ',
    '\t',
    '*',
    '\n',
    'struct',
    ',',
    '(',
    'x',
    '_',
    '1',
    'pg_x',
    '\u00a0',
  ];
  let seed = 7;
  for (let n = 0; n < count; n++) {
    let s = '';
    const len = 1 + (n % 23);
    for (let i = 0; i < len; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      s += pieces[seed % pieces.length];
    }
    yield s;
  }
}

test('wordsBefore finds what the regular expression finds', () => {
  let nonEmpty = 0;
  for (const text of cases(5000))
    for (const base of ['pg', 'page', 'x']) {
      const want = byRegExp(text, base);
      if (want.length > 0) nonEmpty++;
      assert.deepEqual(wordsBefore(text, base), want, JSON.stringify({ text, base }));
    }
  assert.ok(nonEmpty > 100, `only ${nonEmpty} cases had a word`);
  assert.deepEqual(wordsBefore('struct page *pg;\n\tpg->x = 1;', 'pg'), ['page']);
});

test('blankExcept keeps offsets and lines, and blanks every other character', () => {
  const src =
    'int a;\r\n/* c\u00e9 */ int f(void)\n{\n\treturn 0;\n}\nstatic int b = 1;\n\u{1f600} int g(void) { }\n';
  const items = topLevelItems(src)!;
  const keep = items.map((i) => i.isFunction && src.slice(i.start, i.end).includes('return'));
  assert.ok(keep.includes(true) && keep.includes(false));
  const out = blankExcept(src, items, keep);
  assert.equal(out.length, src.length);
  for (let i = 0; i < src.length; i++) {
    const kept = items.some((it, k) => keep[k] && i >= it.start && i < it.end);
    const c = src[i]!;
    assert.equal(out[i], kept || c === '\n' ? c : ' ', `offset ${i}`);
  }
});

test('a function whose head ends with a comment is still a function, and so are the ones after it', () => {
  const src = [
    'static int f(struct page *page) // a note',
    '{',
    '\treturn 0;',
    '}',
    'static int g(void) /* another */',
    '{',
    '\treturn 1;',
    '}',
    'static int h(void)',
    '{',
    '\treturn 2;',
    '}',
    '',
  ].join('\n');
  const items = topLevelItems(src)!;
  assert.deepEqual(
    items.map((i) => [i.names, i.isFunction]),
    [
      [['f'], true],
      [['g'], true],
      [['h'], true],
    ],
  );
});

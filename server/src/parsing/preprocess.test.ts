import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess } from './preprocess';
import { testParser } from '../../../test/helpers';

test('preprocess keeps every offset: same length, same newlines', () => {
  const src = 'static int __init foo(void __user *p, char __iomem *q)\n{\n\tlist_for_each_entry(x, h, m)\n\t\tkfree(x);\n}\n';
  const { text } = preprocess(src);
  assert.equal(text.length, src.length);
  assert.deepEqual([...text].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0), [...src].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0));
  assert.ok(!text.includes('__init') && !text.includes('__user') && !text.includes('__iomem'));
});

test('preprocess rewrites iterator macros used as statements into while loops', () => {
  const src = 'void f(void) { bio_for_each_segment(bv, bio, iter) { g(bv); } rq_for_each_segment(bv, rq, it) h(bv); }';
  const { text, iterators } = preprocess(src);
  assert.equal(iterators.size, 2);
  assert.deepEqual([...iterators.values()].map((l) => l.macro), ['bio_for_each_segment', 'rq_for_each_segment']);
  assert.match(text, /while\s+\(bv, bio, iter\) \{/);
});

test('preprocess leaves calls of iterator-like names that end in a semicolon alone', () => {
  const src = 'void f(void) { bus_for_each_dev(&bus, NULL, d, fn); }';
  assert.equal(preprocess(src).text, src);
});

test('preprocess never touches comments and strings', () => {
  const src = 'void f(void) { /* __user list_for_each(a) { */ g("__iomem for_each_x(y) {"); }';
  assert.equal(preprocess(src).text, src);
});

test('preprocess makes type arguments, case ranges and string macros parse', async () => {
  const parser = await testParser();
  const src = [
    'int f(struct work_struct *w, int v)',
    '{',
    '\tstruct foo *p = container_of(w, struct foo, work);',
    '\tunsigned int n = min_t(unsigned int, v, 4);',
    '\tswitch (v) { case 1 ... 3: break; }',
    '\tprintk(KERN_ERR "bad %d\\n", n);',
    '\treturn n;',
    '}',
  ].join('\n');
  const raw = parser.parse(src)!;
  const pre = parser.parse(preprocess(src).text)!;
  try {
    assert.equal(raw.rootNode.hasError, true, 'the raw grammar fails here (else the test proves nothing)');
    assert.equal(pre.rootNode.hasError, false);
  } finally {
    raw.delete();
    pre.delete();
  }
});

test('preprocess fixes the silent misparse of a for-each macro with a single-statement body', async () => {
  const parser = await testParser();
  const src = 'void f(void) { for_each_possible_cpu(cpu) do_cpu(cpu); }';
  const tree = parser.parse(preprocess(src).text)!;
  try {
    const body = tree.rootNode.namedChild(0)!.childForFieldName('body')!;
    assert.equal(body.namedChild(0)!.type, 'while_statement');
    assert.match(body.namedChild(0)!.childForFieldName('body')!.text, /do_cpu\(cpu\);/);
  } finally {
    tree.delete();
  }
});

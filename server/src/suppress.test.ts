import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, parseSuppressions } from './suppress';
import type { Finding } from './rules/types';

const finding = (source: string, needle: string, rule = 'missing-flush-dcache-page'): Finding => {
  const start = source.indexOf(needle);
  return {
    rule,
    severity: 'warning',
    start,
    end: start + needle.length,
    function: 'f',
    message: '',
    path: [],
    fixes: [],
  };
};

const SRC = [
  'void f(void)', // 1
  '{', // 2
  '\t/* flushguard-disable-next-line missing-flush-dcache-page -- page is private */', // 3
  '\tmemcpy(a, b, n);', // 4
  '\tmemcpy(c, d, n); // flushguard-disable-line missing-flush-dcache-page, other-rule -- reason', // 5
  '\tmemcpy(e, f, n);', // 6
  '\t/* flushguard-disable-next-line', // 7
  '\t   missing-flush-dcache-page */', // 8
  '\tmemcpy(g, h, n);', // 9
  '\tputs("flushguard-disable-line x");', // 10
  '}',
].join('\n');

test('both comment forms are parsed, with rules, reason and target line', () => {
  const s = parseSuppressions(SRC);
  assert.deepEqual(
    s.map((x) => [x.kind, x.rules, x.reason, x.targetLine]),
    [
      ['next-line', ['missing-flush-dcache-page'], 'page is private', 4],
      ['line', ['missing-flush-dcache-page', 'other-rule'], 'reason', 5],
      ['next-line', ['missing-flush-dcache-page'], '', 9],
    ],
  );
});

test('findings on suppressed lines go; others stay; unknown rule ids are reported', () => {
  const findings = ['memcpy(a', 'memcpy(c', 'memcpy(e', 'memcpy(g'].map((n) => finding(SRC, n));
  const r = applySuppressions(
    SRC,
    findings,
    ['missing-flush-dcache-page'],
    ['missing-flush-dcache-page'],
  );
  assert.deepEqual(
    r.findings.map((f) => f.start),
    [SRC.indexOf('memcpy(e')],
  );
  assert.equal(r.suppressed, 3);
  assert.deepEqual(r.unused, []);
  assert.deepEqual(
    r.unknown.map((u) => u.rule),
    ['other-rule'],
  );
});

test('a suppression that silences nothing is unused, unless its rule did not run', () => {
  const r = applySuppressions(
    SRC,
    [],
    ['missing-flush-dcache-page'],
    ['missing-flush-dcache-page'],
  );
  assert.deepEqual(
    r.unused.map((s) => s.targetLine),
    [4, 5, 9],
  );
  const notRun = applySuppressions(SRC, [], [], ['missing-flush-dcache-page']);
  assert.deepEqual(notRun.unused, []);
});

test('a suppression for another rule does not silence this one', () => {
  const src = '/* flushguard-disable-next-line other-rule */\nmemcpy(a, b, n);\n';
  const r = applySuppressions(
    src,
    [finding(src, 'memcpy')],
    ['missing-flush-dcache-page', 'other-rule'],
    ['missing-flush-dcache-page', 'other-rule'],
  );
  assert.equal(r.findings.length, 1);
  assert.equal(r.unused.length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  enabledRules,
  mergeSettings,
  parseConfigText,
  severityOf,
  validateSettings,
} from './settings';
import { GlobSet, globProblem } from './glob';
import { problemMessage } from './settings';

const known = {
  ruleIds: ['missing-flush-dcache-page', 'vmap-range-mismatch'],
  presetIds: ['arm1176-32k', 'sh4-16k'],
};

test('valid settings in the nested, short and dotted forms', () => {
  const v = validateSettings(
    {
      rules: { 'missing-flush-dcache-page': { severity: 'error' }, 'vmap-range-mismatch': 'off' },
      'simulator.preset': 'sh4-16k',
      exclude: ['drivers/staging/**'],
    },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(v.problems, []);
  assert.deepEqual(v.settings, {
    rules: { 'missing-flush-dcache-page': 'error', 'vmap-range-mismatch': 'off' },
    preset: 'sh4-16k',
    exclude: ['drivers/staging/**'],
  });
  assert.deepEqual(enabledRules(v.settings, known.ruleIds), ['missing-flush-dcache-page']);
  assert.equal(severityOf(v.settings, 'missing-flush-dcache-page'), 'error');
});

test('each bad value is named with what was expected; the good ones are kept', () => {
  const v = validateSettings(
    {
      rules: {
        'missing-flush-dcache-page': { severity: 'loud' },
        'no-such-rule': 'off',
        'vmap-range-mismatch': 'hint',
      },
      simulator: { preset: 'pentium' },
      exclude: 'x',
      colour: 1,
    },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(v.problems, [
    'settings: flushguard.colour: unknown setting (known: rules, simulator.preset, exclude, contractOnlySeverity, kernelVersion)',
    'settings: flushguard.exclude: expected an array of glob strings (got "x")',
    'settings: flushguard.rules.missing-flush-dcache-page.severity: expected one of off, hint, info, warning, error (got "loud")',
    'settings: flushguard.rules.no-such-rule: expected a known rule id (missing-flush-dcache-page, vmap-range-mismatch) (got "no-such-rule")',
    'settings: flushguard.simulator.preset: expected one of arm1176-32k, sh4-16k (got "pentium")',
  ]);
  assert.deepEqual(v.settings.rules, { 'vmap-range-mismatch': 'hint' });
});

test('.flushguard.json: a syntax error names the line; editor settings win key by key', () => {
  const bad = parseConfigText('{\n  "rules": {,\n}', '/ws/.flushguard.json', known);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0]!, /^\/ws\/\.flushguard\.json:2:\d+: not valid JSON/);
  const file = parseConfigText(
    '{"rules": {"missing-flush-dcache-page": "hint"}, "exclude": ["a/**"], "simulator": {"preset": "sh4-16k"}}',
    'f',
    known,
  ).settings;
  const merged = mergeSettings(file, {
    rules: { 'missing-flush-dcache-page': 'error' },
    exclude: ['b'],
  });
  assert.deepEqual(merged, {
    rules: { 'missing-flush-dcache-page': 'error' },
    exclude: ['a/**', 'b'],
    preset: 'sh4-16k',
  });
});

test('exclude globs: anchored paths, names at any depth, directories, braces', () => {
  const g = new GlobSet(['drivers/staging/**', '*.mod.c', 'fs/{ext4,xfs}/*.h', 'build/']);
  assert.equal(g.matches('drivers/staging/foo/bar.c'), true);
  assert.equal(g.matches('drivers/block/loop.c'), false);
  assert.equal(g.matches('net/x/y.mod.c'), true);
  assert.equal(g.matches('fs/xfs/xfs_buf.h'), true);
  assert.equal(g.matches('fs/xfs/libxfs/xfs_da.h'), false);
  assert.equal(g.matches('build/a/b.c'), true);
  assert.equal(g.matches('../outside/drivers/staging/a.c'), false);
});

test('hostile keys: __proto__ and constructor are unknown keys, nothing reaches a prototype', () => {
  // Raw text: an object literal would turn "__proto__" keys into prototype writes of its own.
  const text = `{
    "__proto__.id": 7,
    "__proto__.missing-flush-dcache-page": "off",
    "rules.__proto__": "off",
    "rules.constructor.severity": "off",
    "rules": {
      "toString": "off",
      "missing-flush-dcache-page": { "severity": "error", "__proto__": { "polluted": 1 } }
    },
    "simulator.__proto__": 1,
    "constructor": { "prototype": { "x": 1 } }
  }`;
  const v = parseConfigText(text, '.flushguard.json', known);
  assert.equal(({} as Record<string, unknown>)['id'], undefined);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf(v.settings.rules), Object.prototype);
  assert.deepEqual(Object.keys(v.settings.rules), ['missing-flush-dcache-page']);
  assert.equal(v.settings.rules['missing-flush-dcache-page'], 'error');
  assert.deepEqual(enabledRules(v.settings, known.ruleIds), known.ruleIds);
  const named = v.problems.join('\n');
  for (const key of [
    '__proto__.id',
    '__proto__.missing-flush-dcache-page',
    'rules.__proto__',
    'rules.constructor',
    'rules.toString',
    'rules.missing-flush-dcache-page.__proto__',
    'simulator.__proto__',
    'constructor',
  ])
    assert.ok(named.includes(`.flushguard.json: ${key}`), `${key} not named in\n${named}`);
  // All of them in one message.
  assert.match(problemMessage(v.problems), new RegExp(`^${v.problems.length} problems`));
});

test('bad severities are refused in every form: unknown words, objects, numbers', () => {
  for (const bad of ['catastrophic', { level: 'error' }, ['error'], 3, true]) {
    for (const raw of [
      { rules: { 'missing-flush-dcache-page': bad } },
      { rules: { 'missing-flush-dcache-page': { severity: bad } } },
      { 'rules.missing-flush-dcache-page.severity': bad },
      { 'flushguard.rules.missing-flush-dcache-page': bad },
    ]) {
      const v = validateSettings(raw, 'f', '', known);
      assert.deepEqual(v.settings.rules, {}, JSON.stringify(raw));
      assert.equal(v.problems.length, 1, JSON.stringify(raw));
      assert.doesNotMatch(v.problems[0]!, /\[object Object\]/);
    }
  }
});

test('a 100,000-deep value is named, not walked (no stack overflow)', () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const v = validateSettings(
    { rules: { 'missing-flush-dcache-page': deep }, exclude: [deep], x: deep },
    'f',
    '',
    known,
  );
  assert.equal(v.problems.length, 3);
  assert.ok(v.problems.every((p) => p.length < 300));
  const text = '{"exclude": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
  assert.equal(parseConfigText(text, 'f', known).problems.length, 1);
});

test('a JSON error never echoes the file', () => {
  const v = parseConfigText('root:x:0:0:secret:/root:/bin/bash\n', '/etc/passwd', known);
  assert.equal(v.problems.length, 1);
  assert.doesNotMatch(v.problems[0]!, /root|secret|bash/);
  assert.match(v.problems[0]!, /^\/etc\/passwd.*: not valid JSON/);
});

test('exclude globs: invalid ones are named; matching stays linear on backtracking shapes', () => {
  assert.match(globProblem('drivers/[z-a]*.c') ?? '', /out of order/);
  assert.match(globProblem('a/{b,c') ?? '', /never closed/);
  assert.match(globProblem('a}') ?? '', /closes no/);
  assert.match(globProblem('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}') ?? '', /alternatives/);
  const v = validateSettings({ exclude: ['ok/**', 'drivers/[z-a]*.c'] }, 'f', '', known);
  assert.deepEqual(v.settings.exclude, ['ok/**']);
  assert.match(
    v.problems[0]!,
    /^f: exclude\[1\]: expected a valid glob \(range \[z-a\] is out of order\)/,
  );

  const g = new GlobSet(['*a*a*a*a*a*a*a*a*a*a*b', '**/**/**/**/**/**/**/**/x']);
  const t0 = performance.now();
  assert.equal(g.matches('a'.repeat(60)), false);
  assert.equal(g.matches(Array.from({ length: 60 }, () => 'a').join('/')), false);
  assert.equal(g.matches('a'.repeat(5000)), false);
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
  assert.equal(g.matches('xaaaaaaaaaaab'), true);
  assert.equal(g.matches('q/w/e/x'), true);
});

test('exclude globs: classes, negation, ? and a name under a directory', () => {
  const g = new GlobSet(['drivers/[a-c]?/*.[ch]', 'fs/[!x]*.c']);
  assert.equal(g.matches('drivers/b1/x.c'), true);
  assert.equal(g.matches('drivers/d1/x.c'), false);
  assert.equal(g.matches('drivers/b1/x.s'), false);
  assert.equal(g.matches('fs/a.c'), true);
  assert.equal(g.matches('fs/xa.c'), false);
});

test('kernelVersion: "6.12" in the file or the editor; the editor wins; a bad value is named', () => {
  const file = parseConfigText('{"kernelVersion": "6.1"}', '.flushguard.json', known);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(file.settings.kernelVersion, { major: 6, minor: 1 });
  const editor = validateSettings(
    { 'flushguard.kernelVersion': 'v6.12.3' },
    'settings',
    'flushguard.',
    known,
  );
  assert.deepEqual(editor.problems, []);
  assert.deepEqual(mergeSettings(file.settings, editor.settings).kernelVersion, {
    major: 6,
    minor: 12,
  });
  assert.deepEqual(mergeSettings(file.settings, { rules: {}, exclude: [] }).kernelVersion, {
    major: 6,
    minor: 1,
  });
  const bad = validateSettings({ kernelVersion: 612 }, 'settings', 'flushguard.', known);
  assert.deepEqual(bad.problems, [
    'settings: flushguard.kernelVersion: expected a kernel version such as "6.12" (got 612)',
  ]);
  assert.equal(bad.settings.kernelVersion, undefined);
  assert.deepEqual(validateSettings({ kernelVersion: '' }, 'settings', '', known).problems, []);
});

/** The README says what the tools do: its examples, usage text and command table are checked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, USAGE } from '../../server/src/cli/args';
import { matchParts, README, readmeExamples, ROOT, runCli } from './examples';

const readme = readFileSync(README, 'utf8');
const FIX = 'node --import tsx test/readme/examples.ts --write';

test('the README has command examples, the lint example among them', () => {
  const commands = readmeExamples(readme).map((e) => e.args.join(' '));
  assert.ok(commands.includes('lint --verbose examples/'), commands.join('; '));
  assert.ok(commands.some((c) => c.startsWith('simulate ')));
});

for (const ex of readmeExamples(readme)) {
  test(`README example \`flushguard ${ex.args.join(' ')}\` is what the command prints`, () => {
    const output = runCli(ex.args).replace(/\n$/, '').split('\n');
    const m = matchParts(ex.parts, output);
    if (!m.ok)
      assert.fail(
        `part ${m.part + 1} of the example is not in the output (regenerate: ${FIX}).\n` +
          `README:\n${m.expected.join('\n')}\n\noutput:\n${output.slice(0, 40).join('\n')}`,
      );
  });
}

test('the lint example starts with the first finding the command prints', () => {
  const ex = readmeExamples(readme).find((e) => e.args.join(' ') === 'lint --verbose examples/');
  assert.ok(ex);
  const first = runCli(ex.args).split('\n')[0];
  assert.equal(ex.parts[0]?.[0], first);
});

/** Every option the parser knows, read from its two tables in args.ts. */
function parserOptions(): string[] {
  const src = readFileSync(join(ROOT, 'server/src/cli/args.ts'), 'utf8');
  const sets = [...src.matchAll(/const (?:REVIEW_)?(?:VALUED|FLAGS) = new Set\(\[([^\]]*)\]\)/g)];
  assert.ok(sets.length >= 2, 'args.ts keeps its VALUED and FLAGS tables');
  return sets.flatMap((m) => [...m[1]!.matchAll(/'(--[a-z-]+)'/g)].map((o) => o[1]!));
}

test('--help lists every option the parser accepts, and nothing it rejects', () => {
  const listed = new Set([...USAGE.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
  for (const o of parserOptions()) assert.ok(listed.has(o), `--help does not list ${o}`);
  for (const o of listed) {
    const value = parserOptions().includes(o) ? [] : ['x'];
    assert.doesNotThrow(() => parseArgs(['lint', o, ...value, 'x']), `the parser rejects ${o}`);
  }
  assert.equal(runCli(['--help']), `${USAGE}\n`);
});

test('the README shows the --help text verbatim', () => {
  assert.ok(
    readme.includes('```text\n' + USAGE + '\n```'),
    'README.md must contain the output of `flushguard --help` in a ```text block',
  );
});

test('the quick start keeps exactly `npm ci && npm start` and `npm test`', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Usage'));
  const block = /```sh\n([^]*?)```/.exec(quick)?.[1] ?? '';
  const commands = block
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  assert.deepEqual(commands, ['npm ci && npm start', 'npm test']);
});

test("the README's command table names each step of .ci/run, and only scripts that exist", () => {
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^(set|cd) /.test(l));
  const row = readme.split('\n').find((l) => l.startsWith('| `.ci/run` |'));
  assert.ok(row, 'README has a `.ci/run` row');
  for (const step of ci)
    assert.ok(row.includes(`\`${step}\``), `README's .ci/run row lacks ${step}`);
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  for (const m of readme.matchAll(/`npm run ([\w:-]+)/g))
    assert.ok(m[1]! in scripts, `README names npm run ${m[1]}, which package.json lacks`);
  const start = /`npm start` \| ([^|]*)\|/.exec(readme)?.[1] ?? '';
  for (const part of scripts.start!.matchAll(/node bin\/flushguard\.js ([^|&)]+)/g))
    assert.ok(
      start.includes(`flushguard ${part[1]!.trim()}`),
      `README's npm start row: ${part[1]}`,
    );
});

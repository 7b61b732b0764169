// Issue 12, item 5: every finding of every rule states its premise, why the page or buffer is
// one that user space or a device sees, as a path step of kind `origin`, and every output shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RULE_IDS } from '../server/src/rules/index';
import { reportFinding } from '../server/src/cli/report';
import { formatJson } from '../server/src/cli/formatters/json';
import { formatSarif } from '../server/src/cli/formatters/sarif';
import { formatText } from '../server/src/cli/formatters/text';
import { findingHover } from '../server/src/lsp/hoverText';
import { LineMap } from '../server/src/lineMap';
import { fixtureFiles, lint, ruleFixtureDir } from './helpers';
import type { Finding } from '../server/src/rules/types';

async function allFindings(): Promise<{ name: string; text: string; f: Finding }[]> {
  const out: { name: string; text: string; f: Finding }[] = [];
  for (const rule of RULE_IDS)
    for (const { name, text } of fixtureFiles(ruleFixtureDir(rule)))
      for (const f of (await lint(text, [rule])).findings) out.push({ name, text, f });
  return out;
}

test('every finding of every rule fixture has exactly one origin step, first on its path', async () => {
  const all = await allFindings();
  const rules = new Set(all.map((x) => x.f.rule));
  for (const rule of RULE_IDS) assert.ok(rules.has(rule), `${rule}: no flagged fixture`);
  for (const { name, f } of all) {
    const origins = f.path.filter((s) => s.kind === 'origin');
    assert.equal(origins.length, 1, `${name} ${f.rule} ${f.function}: ${JSON.stringify(f.path)}`);
    assert.equal(f.path[0]?.kind, 'origin', `${name} ${f.function}: the premise comes first`);
    assert.match(origins[0]!.note, /^origin: \S/);
  }
});

test('the premise names its source: a page-cache lookup, a parameter, an I/O call', async () => {
  const notes = (await allFindings()).map((x) => x.f.path[0]!.note);
  assert.ok(
    notes.some((n) => /from `\w+` at L\d+: a page-cache page/.test(n)),
    'page cache',
  );
  assert.ok(
    notes.some((n) => /is a parameter of unknown origin/.test(n)),
    'parameter',
  );
  assert.ok(
    notes.some((n) => /reaches the device: (?:attached to I\/O|I\/O started) by `\w+`/.test(n)),
  );
  assert.ok(
    notes.some((n) =>
      /`st` is loaded from a field whose page this file inserts into a user VMA/.test(n),
    ),
    'user-mapped field',
  );
  assert.ok(
    notes.some((n) => /`h` points into a ring this file maps into user space/.test(n)),
    'user ring',
  );
});

test('JSON, SARIF, text --verbose and the hover all show the origin step', async () => {
  const { name, text, f } = (await allFindings()).find(
    (x) => x.f.rule === 'missing-flush-dcache-page',
  )!;
  const origin = f.path[0]!.note;
  const reported = reportFinding(name, new LineMap(text), f);
  const json = JSON.parse(formatJson([reported], 1)) as unknown;
  assert.ok(JSON.stringify(json).includes('"kind":"origin"'), 'json');
  const meta = { id: f.rule, description: 'd', defaultSeverity: f.severity };
  const sarif = formatSarif([reported], [{ meta, helpUri: 'h', helpMarkdown: 'm' }], '0');
  assert.ok(sarif.includes(JSON.stringify(origin).slice(1, -1)), 'sarif');
  assert.ok(formatText([reported], 1, true).includes(`note: ${origin}`), 'text');
  assert.ok(findingHover(f, 'doc').includes('**Premise**'), 'hover');
});

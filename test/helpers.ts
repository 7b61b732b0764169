/** Test helpers: one parser per process, and fixture expectations read from comments. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser, parseC } from '../server/src/parsing/parser';
import type { Parser } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { lintSource } from '../server/src/linter';
import type { LintResult } from '../server/src/linter';
import { RULE_IDS } from '../server/src/rules/index';
import type { Fix } from '../server/src/rules/types';
import { functionDefinitions } from '../server/src/parsing/nodeText';
import { functionFacts } from '../server/src/analysis/core/facts';
import type { FunctionFacts } from '../server/src/analysis/core/facts';

/** Where a rule's C fixtures are: test/fixtures/rules/<id>/. */
export function ruleFixtureDir(rule: string): string {
  return join(__dirname, 'fixtures', 'rules', rule);
}

/** The text after a fix's edits (applied from the end, so earlier offsets stay valid). */
export function applyFix(source: string, fix: Fix): string {
  let out = source;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

let parser: Parser | undefined;

export async function testParser(): Promise<Parser> {
  await initParser(wasmSources());
  parser ??= createParser();
  return parser;
}

/** The facts of the first function of `src`, for a test body (the tree is deleted after it). */
export async function withFacts(src: string, body: (facts: FunctionFacts) => void): Promise<void> {
  const parsed = parseC(await testParser(), src);
  try {
    body(functionFacts(functionDefinitions(parsed.tree.rootNode)[0]!, new Map()));
  } finally {
    parsed.tree.delete();
  }
}

export async function lint(text: string, rules?: string[]): Promise<LintResult> {
  return lintSource(await testParser(), text, rules ? { rules } : {});
}

export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** `// expect: rule-id` comments: the rule must report on that line (and nowhere else). */
export function expectations(text: string): { line: number; rule: string }[] {
  const out: { line: number; rule: string }[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/expect:\s*([a-z0-9-]+)/g))
      if (m[1]) out.push({ line: i + 1, rule: m[1] });
  });
  return out;
}

export function fixtureFiles(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Compares a fixture's findings with its expectations and names each difference the ast-grep
 * way: Missing (expected, not reported) or Noisy (reported, not expected).
 */
export async function checkFixture(text: string, rule: string): Promise<string[]> {
  const problems: string[] = [];
  // A misspelt id would otherwise expect nothing, and the fixture would pass whatever happens.
  for (const e of expectations(text))
    if (!RULE_IDS.includes(e.rule)) problems.push(`Unknown rule in expect: ${e.rule}@${e.line}`);
  const result = await lint(text, [rule]);
  const got = result.findings.map((f) => `${f.rule}@${lineOfOffset(text, f.start)}`);
  const want = expectations(text)
    .filter((e) => e.rule === rule)
    .map((e) => `${e.rule}@${e.line}`);
  for (const w of want) if (!got.includes(w)) problems.push(`Missing: ${w}`);
  for (const g of got) if (!want.includes(g)) problems.push(`Noisy: ${g}`);
  return problems;
}

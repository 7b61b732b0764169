// The TextMate grammar for .fgs files knows every event of the language.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIGNATURES } from './scenario';

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  patterns?: Rule[];
  include?: string;
}
interface Grammar {
  scopeName: string;
  fileTypes: string[];
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(
  readFileSync(
    new URL('../../../syntaxes/flushguard-scenario.tmLanguage.json', import.meta.url),
    'utf8',
  ),
) as Grammar;

function rules(r: Rule): Rule[] {
  return [r, ...(r.patterns ?? []).flatMap(rules)];
}
const all = Object.values(grammar.repository).flatMap(rules);

/** Scope of the first rule (in grammar order) that matches the whole word. */
function scopeOf(word: string): string | undefined {
  for (const inc of grammar.patterns) {
    const r = grammar.repository[(inc.include ?? '').slice(1)];
    for (const x of r ? rules(r) : []) {
      if (x.match && new RegExp(`^(?:${x.match})$`).test(word)) return x.name;
    }
  }
  return undefined;
}

describe('syntaxes/flushguard-scenario.tmLanguage.json', () => {
  it('declares the scope and the .fgs extension', () => {
    assert.equal(grammar.scopeName, 'source.flushguard-scenario');
    assert.deepEqual(grammar.fileTypes, ['fgs']);
  });

  it('compiles every pattern as a regular expression', () => {
    for (const r of all) {
      for (const src of [r.match, r.begin])
        if (src) assert.doesNotThrow(() => new RegExp(src), src);
    }
  });

  it('highlights every event of the language', () => {
    for (const op of Object.keys(SIGNATURES)) {
      if (op === 'title') continue;
      assert.ok(scopeOf(op), `no scope for '${op}'`);
    }
    assert.equal(scopeOf('flush_dcache_page'), 'support.function.kernel.flushguard-scenario');
    assert.equal(scopeOf('expect_dev'), 'keyword.control.assertion.flushguard-scenario');
    assert.equal(scopeOf('fix'), 'markup.inserted.fix.flushguard-scenario');
    assert.equal(scopeOf('@42'), 'constant.numeric.c-line.flushguard-scenario');
    assert.equal(scopeOf('# note'), 'comment.line.number-sign.flushguard-scenario');
    assert.equal(scopeOf('0xC0010000'), 'constant.numeric.flushguard-scenario');
  });
});

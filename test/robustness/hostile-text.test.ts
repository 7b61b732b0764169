/**
 * Text that misled the engine or its line numbers: a comment inside a page expression, files
 * with CR-only line ends (CLI and editor positions, the suppress quick fix).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint } from '../helpers';
import { LineMap } from '../../server/src/lineMap';
import { insertSuppression } from '../../server/src/fixes/suppression';
import { applySuppressions } from '../../server/src/suppress';
import { RULE_IDS } from '../../server/src/rules/index';

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

test('a comment inside the page expression does not hide the finding', async () => {
  for (const expr of ['pages[/* . */0]', 'pages[0 /* -> x */]', 'pages // .y\n[0]']) {
    const src = `void f(struct page **pages)\n{\n\tchar *p = kmap(${expr});\n\tp[0] = 1;\n\tkunmap(pages[0]);\n}\n`;
    const r = await lint(src);
    assert.equal(r.findings.length, 1, expr);
  }
});

test('CR-only line ends: the same findings and lines as LF, in the CLI and in the editor', async () => {
  const lf = `// a first line comment\n${BAD}\n${BAD.replace('bad', 'worse')}`;
  for (const eol of ['\r', '\r\n']) {
    const text = lf.replace(/\n/g, eol);
    const want = (await lint(lf)).findings;
    const got = (await lint(text)).findings;
    assert.equal(got.length, 2, JSON.stringify(eol));
    const doc = TextDocument.create('file:///x.c', 'c', 1, text);
    const cli = new LineMap(text);
    const lfLines = new LineMap(lf);
    got.forEach((f, i) => {
      const p = cli.position(f.start);
      const editor = doc.positionAt(f.start);
      assert.deepEqual([p.line - 1, p.column - 1], [editor.line, editor.character]);
      assert.equal(p.line, lfLines.position(want[i]!.start).line);
      assert.equal(f.path.at(-1)!.line, want[i]!.path.at(-1)!.line);
    });
    // The suppress quick fix inserts above the finding's line, with the file's own line break.
    const fix = insertSuppression(text, got[0]!.start, got[0]!.rule);
    const edit = fix.edits[0]!;
    assert.equal(doc.positionAt(edit.start).line, doc.positionAt(got[0]!.start).line);
    assert.ok(edit.text.endsWith(eol) && !edit.text.slice(0, -eol.length).includes('\n'));
    const fixed = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    const after = applySuppressions(fixed, (await lint(fixed)).findings, RULE_IDS, RULE_IDS);
    assert.equal(after.findings.length, 1);
    assert.equal(after.unused.length, 0);
  }
});

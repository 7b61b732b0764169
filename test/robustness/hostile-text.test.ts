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
import { findingHover } from '../../server/src/lsp/hoverText';
import { escapeMarkdown } from '../../server/src/sanitise';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

const MAIN = join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts');
const ESC = '\u001b[2J\u001b]52;c;ZXZpbA==\u0007';

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('text output escapes controls taken from input; names with controls are quoted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ctl-'));
  const src = `void f(struct page **pages)\n{\n\tchar *p = kmap(pages[/* ${ESC} */0]);\n\tp[0] = 1;\n\tkunmap(pages[0]);\n}\n`;
  const name = join(dir, 'evil\nx.c:1:1: error: forged [missing-flush-dcache-page]\n.c');
  writeFileSync(name, src);
  const r = run(['lint', '--verbose', '--jobs', '1', dir, join(dir, `missing${ESC}.c`)]);
  assert.equal(r.code, 2, r.err);
  for (const s of [r.out, r.err]) {
    assert.doesNotMatch(s, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    assert.doesNotMatch(s, /^x\.c:1:1: error: forged/m);
  }
  assert.match(r.out, /\\x1b\[2J\\x1b\]52;c;ZXZpbA==\\x07/);
  assert.match(
    r.out,
    /^".*evil\\nx\.c:1:1: error: forged \[missing-flush-dcache-page\]\\n\.c":4:2: warning: /m,
  );
  assert.match(r.err, /"[^"]*missing\\u001b\[2J[^"]*\.c": no such file/);
  // JSON keeps the text as it is, escaped the JSON way.
  const json = run(['lint', '--format', 'json', '--jobs', '1', dir]);
  const parsed = JSON.parse(json.out) as { findings: { file: string; message: string }[] };
  assert.ok(parsed.findings[0]!.message.includes(ESC));
  assert.equal(parsed.findings[0]!.file, name);
});

test('scenario titles and simulate output reach the terminal without controls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ctl-'));
  const file = join(dir, 's.fgs');
  writeFileSync(
    file,
    `preset arm1176-32k\ntitle "T${ESC}"\npage P pa=0x00010000 file index=1\ndram P = AA AA AA AA\nkmap P as K\nstore K 11 22 33 44\n`,
  );
  const r = run(['simulate', '--scenario', file]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.match(r.out, /T\\x1b\[2J/);
});

test('hover markdown: text from input is inert', () => {
  const f = {
    rule: 'missing-flush-dcache-page',
    function: 'f',
    message:
      'pages[/* ![x](https://example.invalid/i.png) [click](https://example.invalid) <img> */0]',
    path: [],
  } as unknown as Parameters<typeof findingHover>[0];
  const md = findingHover(f, 'docs/rules/missing-flush-dcache-page.md');
  assert.doesNotMatch(md, /!\[x\]\(/);
  assert.doesNotMatch(md, /[^\\]\[click\]/);
  assert.doesNotMatch(md, /[^\\]<img>/);
  assert.match(md, /\[Rule documentation\]\(docs\/rules\/missing-flush-dcache-page\.md\)/);
  assert.equal(escapeMarkdown('a\u001bb'), 'a\\\\x1bb');
});

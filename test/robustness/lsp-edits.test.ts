/**
 * 10,000 rapid edits to the built language server, with requests cancelled under it: memory stays
 * within a fixed bound (trees and queries are deleted), diagnostics never go back to an older
 * version and end on the last one with the engine's findings, and nothing is left unhandled.
 * Needs `npm run build` (dist/server.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspProcess } from './lspProcess';
import type { Message } from './lspProcess';
import { lint } from '../helpers';

const EDITS = 10_000;
/** Growth of the server's resident memory allowed between edit 1,000 and edit 10,000. */
const RSS_BOUND_MIB = 64;
const URI = 'file:///robustness/edited.c';
/** Functions that flush as they should: they make the document large enough (about 40 KB) for a
 * leaked tree per analysis to show in the server's memory. */
const FILLER = Array.from(
  { length: 120 },
  (_, i) =>
    `static int fill_${i}(struct page *page, const void *src, size_t len)\n{\n\tvoid *addr = kmap_local_page(page);\n\n\tif (len > PAGE_SIZE)\n\t\tlen = PAGE_SIZE;\n\tmemcpy(addr, src, len);\n\tflush_dcache_page(page);\n\tkunmap_local(addr);\n\treturn 0;\n}\n`,
).join('\n');
const BASE =
  readFileSync(join(__dirname, '..', '..', 'examples', 'demo_blk.c'), 'utf8') +
  '\nvoid bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n' +
  FILLER;
/** About 600 KB that tree-sitter must parse but no rule analyses: a big tree, cheaply. */
const BIG =
  BASE.slice(0, BASE.indexOf('static int fill_0')) +
  Array.from(
    { length: 10_000 },
    (_, i) => `static int twice_${i}(int a) { return a * 2 + ${i}; }\n`,
  ).join('');
const FLUSH = '\tflush_dcache_page(page);\n';

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

interface Diagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number } } }[];
}

test(
  'lsp robustness: 10,000 rapid edits with cancellation keep memory bounded and diagnostics current',
  { timeout: 600_000 },
  async () => {
    const s = await LspProcess.start({ debounceMs: 5 });
    try {
      let text = BASE;
      let version = 1;
      s.notify('textDocument/didOpen', {
        textDocument: { uri: URI, languageId: 'c', version, text },
      });
      let seed = 12345;
      const random = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      const change = (start: number, end: number, insert: string): void => {
        const range = { start: position(text, start), end: position(text, end) };
        text = text.slice(0, start) + insert + text.slice(end);
        version++;
        s.notify('textDocument/didChange', {
          textDocument: { uri: URI, version },
          contentChanges: [{ range, text: insert }],
        });
      };
      const published = (v: number): Promise<Message> =>
        s.waitFor(
          (m) =>
            m.method === 'textDocument/publishDiagnostics' &&
            ((m.params as Diagnostics).version ?? 0) >= v,
        );
      let rssWarm = 0;
      let pendingAt = -1;
      const cancelled: number[] = [];
      for (let k = 0; k < EDITS / 2; k++) {
        // Type a character somewhere, then take it back: the text returns to BASE, through
        // thousands of broken intermediate states ('{', '(', '/*' ...).
        const at = random(text.length + 1);
        const ch = '{}();/*" \nx'[random(11)]!;
        change(at, at, ch);
        change(at, at + ch.length, '');
        if (k % 500 === 250) {
          // The flush line comes and goes: the final diagnostics depend on the last toggle.
          const i = text.indexOf(FLUSH);
          if (i >= 0) change(i, i + FLUSH.length, '');
          else {
            const unmap = text.indexOf('\tkunmap(page);\n}\n');
            change(unmap, unmap, FLUSH);
          }
        }
        if (k % 100 === 50) {
          // A request cancelled as soon as it is sent, as an editor does while the user types.
          const id = s.requestId('textDocument/codeAction', {
            textDocument: { uri: URI },
            range: { start: { line: 3, character: 0 }, end: { line: 9, character: 0 } },
            context: { diagnostics: [] },
          });
          s.notify('$/cancelRequest', { id });
          cancelled.push(id);
        }
        if (k % 50 === 49) {
          // Let the pipe drain so the server sees bursts, not one 10,000-message block.
          await new Promise<void>((resolve) =>
            s.proc.stdin.writableNeedDrain
              ? s.proc.stdin.once('drain', resolve)
              : setImmediate(resolve),
          );
        }
        // Every 100 pairs the "user pauses" until the diagnostics catch up: a full analysis
        // of the current version, 50 times, with the cancelled ones in between.
        if (k % 100 === 99) await published(version);
        if (k === 500) pendingAt = version;
        if (k === 600 && pendingAt > 0) {
          await published(pendingAt);
          rssWarm = s.rssKiB();
        }
      }
      const last = (await published(version)).params as Diagnostics;
      assert.equal(last.version, version, 'the last diagnostics are for the last version');
      for (const id of cancelled) {
        const r = await s.responseTo(id);
        assert.ok(
          r.result !== undefined || r.error !== undefined,
          `cancelled request ${id} answered`,
        );
      }
      const rssEnd = s.rssKiB();
      // Diagnostics never go back to an older version of the document.
      const versions = s.received
        .filter(
          (m) =>
            m.method === 'textDocument/publishDiagnostics' && (m.params as Diagnostics).uri === URI,
        )
        .map((m) => (m.params as Diagnostics).version ?? 0);
      versions.forEach((v, i) =>
        assert.ok(
          i === 0 || v >= versions[i - 1]!,
          `version ${v} published after ${versions[i - 1]}`,
        ),
      );
      // And they are the engine's findings for the final text.
      const expected = (await lint(text)).findings
        .map((f) => position(text, f.start).line)
        .sort((a, b) => a - b);
      const got = last.diagnostics.map((d) => d.range.start.line).sort((a, b) => a - b);
      assert.deepEqual(got, expected);
      const errors = s.received.filter(
        (m) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1,
      );
      assert.deepEqual(errors, [], 'no error logged');
      assert.doesNotMatch(s.stderr, /Unhandled|uncaught/i);
      const growth = (rssEnd - rssWarm) / 1024;
      console.log(
        `lsp edits: ${version - 1} edits, ${versions.length} publishes, RSS ${(rssWarm / 1024).toFixed(0)} MiB after 1,000 edits, ${(rssEnd / 1024).toFixed(0)} MiB after ${EDITS}`,
      );
      assert.ok(growth < RSS_BOUND_MIB, `RSS grew by ${growth.toFixed(0)} MiB`);
    } finally {
      await s.stop();
    }
  },
);

test(
  'lsp robustness: 100 documents opened, analysed and closed leave no tree behind',
  { timeout: 600_000 },
  async () => {
    const s = await LspProcess.start({ debounceMs: 0 });
    try {
      const cycle = async (i: number): Promise<void> => {
        const uri = `file:///robustness/opened-${i}.c`;
        s.notify('textDocument/didOpen', {
          textDocument: { uri, languageId: 'c', version: 1, text: BIG },
        });
        await s.waitFor(
          (m) =>
            m.method === 'textDocument/publishDiagnostics' && (m.params as Diagnostics).uri === uri,
        );
        s.notify('textDocument/didClose', { textDocument: { uri } });
      };
      for (let i = 0; i < 10; i++) await cycle(i);
      const rssWarm = s.rssKiB();
      for (let i = 10; i < 100; i++) await cycle(i);
      const growth = (s.rssKiB() - rssWarm) / 1024;
      console.log(
        `lsp open/close: RSS ${(rssWarm / 1024).toFixed(0)} MiB after 10 documents, +${growth.toFixed(0)} MiB after 100`,
      );
      assert.ok(growth < RSS_BOUND_MIB, `RSS grew by ${growth.toFixed(0)} MiB`);
    } finally {
      await s.stop();
    }
  },
);

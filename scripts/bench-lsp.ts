/**
 * Language-server benchmark (not a test): the shipped server (bin/flushguard-language-server.js,
 * dist/server.js) driven over stdio like an editor. Prints medians and percentiles of this run:
 *
 *   1. a one-character edit to fresh diagnostics on fs/btrfs/inode.c (~11,750 lines): measured at
 *      the client (didChange sent → publishDiagnostics of that version received, debounce 0) and
 *      by the server (parse + analysis, its `flushguard/analysed` notification);
 *   2. server start to first diagnostics on the same file (fresh process each time);
 *   3. server memory (RSS) with 50 kernel files open;
 *   4. server memory before and after 10,000 edits (every WASM tree must be deleted).
 *
 * Usage: npm run build && npm run bench:lsp [-- --edits N --latency N --starts N --memory-only]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LspClient } from '../test/lsp/client';
import { createParser, initParser } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { ParsedDocument } from '../server/src/lsp/parsedDocument';
import { kernelTree, listFiles } from './kernelTree';
import { Verdicts } from './verdict';
import { MEMORY_REQUEST } from '../server/src/protocol/workspace';
import type { MemoryInfo } from '../server/src/protocol/workspace';

// The goals of the editor experience (one-keystroke latency, start-up, memory).
const GOAL = { editP95Ms: 50, startMs: 500, openRssMiB: 200, editGrowth: 1.25 };
const verdicts = new Verdicts();

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SERVER = [
  process.execPath,
  join(__dirname, '..', 'bin', 'flushguard-language-server.js'),
  '--stdio',
];

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (v: number): string => `${v.toFixed(1)} ms`;

function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function start(root: string): Promise<LspClient> {
  return LspClient.start({
    rootPath: root,
    command: SERVER,
    settings: {},
    initializationOptions: { debounceMs: 0, reportTiming: true },
    timeoutMs: 120_000,
  });
}

/** Offsets of lines inside function bodies (tab-indented statements), spread over the file. */
function editPoints(text: string, count: number): number[] {
  const points: number[] = [];
  for (let i = text.indexOf('\n\t'); i >= 0; i = text.indexOf('\n\t', i + 1)) {
    if (/^\n\t[a-z]\w*\(/.test(text.slice(i, i + 40))) points.push(i + 2);
  }
  const step = Math.max(1, Math.floor(points.length / count));
  return points.filter((_, k) => k % step === 0).slice(0, count);
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/** Types one character and then deletes it again at `offset`; returns the timings of both edits. */
async function typeAndUndo(
  client: LspClient,
  uri: string,
  text: string,
  offset: number,
): Promise<{ client: number[]; server: number[]; full: number[] }> {
  const pos = positionAt(text, offset);
  const out = { client: [] as number[], server: [] as number[], full: [] as number[] };
  const steps: [string, { range: { start: typeof pos; end: typeof pos }; text: string }][] = [
    [
      text.slice(0, offset) + ' ' + text.slice(offset),
      { range: { start: pos, end: pos }, text: ' ' },
    ],
    [
      text,
      { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' },
    ],
  ];
  for (const [next, change] of steps) {
    const mark = client.mark();
    const t0 = performance.now();
    const version = await client.change(uri, [change], next);
    type Timing = { uri: string; version: number; ms: number; phase: string };
    const first = client.waitFor<Timing>(
      'flushguard/analysed',
      (p) => p.uri === uri && p.version === version,
      mark,
    );
    const full = client.waitFor<Timing>(
      'flushguard/analysed',
      (p) => p.uri === uri && p.version === version && p.phase === 'full',
      mark,
    );
    await client.waitFor<{ uri: string; version?: number }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.version === version,
      mark,
    );
    out.client.push(performance.now() - t0);
    out.server.push((await first).ms);
    // The next edit waits for the full re-check, as a typist's next key would not.
    out.full.push((await full).ms);
  }
  return out;
}

async function latency(kernel: string, file: string, edits: number): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const client = await start(kernel);
  const uri = pathToFileURL(file).href;
  await client.open(uri, text);
  await client.diagnosticsFor(uri, 1);
  // The workspace is the kernel tree: edits are measured once its index is ready.
  const t0 = performance.now();
  await client.waitFor<{ value: { kind: string } }>('$/progress', (p) => p.value.kind === 'end');
  const info = await client.request<MemoryInfo>(MEMORY_REQUEST, null);
  console.log(
    `0. tree index ready ${((performance.now() - t0) / 1000).toFixed(1)} s after the first diagnostics: ${info.index?.files ?? 0} files with facts, heap ${((info.index?.heapBytes ?? 0) / 1048576).toFixed(1)} MiB, server RSS ${(info.rssBytes / 1048576).toFixed(0)} MiB`,
  );
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  const fullMs: number[] = [];
  const points = editPoints(text, Math.ceil(edits / 2));
  for (const offset of points) {
    const r = await typeAndUndo(client, uri, text, offset);
    clientMs.push(...r.client);
    serverMs.push(...r.server);
    fullMs.push(...r.full);
  }
  await client.stop();
  // The floor, in this process and this run: the pre-pass plus tree-sitter's incremental re-parse.
  await initParser(wasmSources());
  const parser = createParser();
  const doc = new ParsedDocument();
  doc.parse(parser, text);
  const parseMs: number[] = [];
  for (const offset of points) {
    for (const next of [text.slice(0, offset) + ' ' + text.slice(offset), text]) {
      const t0 = performance.now();
      doc.parse(parser, next);
      parseMs.push(performance.now() - t0);
    }
  }
  doc.release();
  parser.delete();
  const p = (v: number[]): string => `p50 ${ms(percentile(v, 50))}, p95 ${ms(percentile(v, 95))}`;
  console.log(
    `1. one-character edit → fresh diagnostics, ${file.split('/').slice(-3).join('/')} (${text.split('\n').length} lines), ${clientMs.length} edits:`,
  );
  console.log(`   diagnostics at the client (debounce 0): ${p(clientMs)}`);
  console.log(`   server, edited functions (first publish): ${p(serverMs)}`);
  console.log(`   server, full re-check of dependants (second publish): ${p(fullMs)}`);
  console.log(
    `   floor, pre-pass + incremental parse alone: ${p(parseMs)}; ratio of medians server/floor ${(percentile(serverMs, 50) / percentile(parseMs, 50)).toFixed(2)}`,
  );
  verdicts.add({
    what: 'edit -> fresh diagnostics at the client, index ready, p95',
    goal: '<= 20 ms',
    measured: ms(percentile(clientMs, 95)),
    met: percentile(clientMs, 95) <= 20,
  });
  verdicts.add({
    what: 'edit -> diagnostics of the edited functions, server p95',
    goal: `<= ${GOAL.editP95Ms} ms`,
    measured: ms(percentile(serverMs, 95)),
    met: percentile(serverMs, 95) <= GOAL.editP95Ms,
  });
}

async function startup(kernel: string, file: string, runs: number): Promise<void> {
  const times: number[] = [];
  const text = readFileSync(file, 'utf8');
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const client = await start(kernel);
    const uri = pathToFileURL(file).href;
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
    times.push(performance.now() - t0);
    await client.stop();
  }
  console.log(
    `2. server start → first diagnostics on the same file, ${runs} fresh processes: median ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))}`,
  );
  verdicts.add({
    what: 'server start -> first diagnostics, median',
    goal: `<= ${GOAL.startMs} ms`,
    measured: ms(percentile(times, 50)),
    met: percentile(times, 50) <= GOAL.startMs,
  });
}

async function openMany(kernel: string, count: number): Promise<void> {
  const files = listFiles(join(kernel, 'fs'), ['.c'])
    .filter((_, i) => i % 25 === 0)
    .slice(0, count);
  const client = await start(mkdtempSync(join(tmpdir(), 'fg-bench-')));
  const before = rssMiB(client.child.pid);
  let lines = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    lines += text.split('\n').length;
    const uri = pathToFileURL(f).href;
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
  }
  console.log(
    `3. ${files.length} kernel files open (${lines} lines in all): server RSS ${rssMiB(client.child.pid).toFixed(0)} MiB (${before.toFixed(0)} MiB after initialize)`,
  );
  const rss = rssMiB(client.child.pid);
  verdicts.add({
    what: `server RSS with ${files.length} kernel files open`,
    goal: `<= ${GOAL.openRssMiB} MiB`,
    measured: `${rss.toFixed(0)} MiB`,
    met: rss <= GOAL.openRssMiB,
  });
  await client.stop();
}

async function manyEdits(kernel: string, file: string, edits: number): Promise<void> {
  const text = readFileSync(file, 'utf8');
  // --expose-gc: the server collects garbage before it reports its memory (flushguard/memory).
  const client = await LspClient.start({
    rootPath: kernel,
    command: [process.execPath, '--expose-gc', ...SERVER.slice(1)],
    settings: {},
    initializationOptions: { debounceMs: 0 },
    timeoutMs: 120_000,
  });
  let lastRss = 0;
  const memory = async (): Promise<string> => {
    const m = await client.request<{ rssBytes: number; heapUsedBytes: number }>(
      'flushguard/memory',
      null,
    );
    lastRss = m.rssBytes / 2 ** 20;
    return `${lastRss.toFixed(0)}/${(m.heapUsedBytes / 2 ** 20).toFixed(0)}`;
  };
  const uri = pathToFileURL(file).href;
  await client.open(uri, text);
  await client.diagnosticsFor(uri, 1);
  const samples: string[] = [`0: ${await memory()}`];
  const rssAt = new Map<number, number>();
  const points = editPoints(text, 200);
  let done = 0;
  while (done < edits) {
    for (const offset of points) {
      if (done >= edits) break;
      const pos = positionAt(text, offset);
      // A character typed and deleted again; every second version's diagnostics are awaited.
      await client.change(
        uri,
        [{ range: { start: pos, end: pos }, text: ' ' }],
        text.slice(0, offset) + ' ' + text.slice(offset),
      );
      const version = await client.change(
        uri,
        [
          {
            range: { start: pos, end: { line: pos.line, character: pos.character + 1 } },
            text: '',
          },
        ],
        text,
      );
      await client.diagnosticsFor(uri, version);
      done += 2;
      if (done % 1000 === 0) {
        samples.push(`${done}: ${await memory()}`);
        rssAt.set(done, lastRss);
      }
    }
  }
  console.log(
    `4. ${edits} edits on ${file.split('/').pop()}, server RSS/JS heap in MiB after a GC: ${samples.join(', ')}`,
  );
  // Growth after warm-up: the RSS after the last edits against the RSS after the first 1,000.
  const warm = rssAt.get(1000);
  verdicts.add({
    what: `server RSS after ${edits} edits / after 1,000`,
    goal: `<= ${GOAL.editGrowth}x`,
    measured: warm ? `${(lastRss / warm).toFixed(2)}x` : 'fewer than 1,000 edits',
    met: warm ? lastRss / warm <= GOAL.editGrowth : undefined,
  });
  await client.stop();
}

async function main(): Promise<void> {
  const kernel = kernelTree();
  const file = join(kernel, 'fs', 'btrfs', 'inode.c');
  const only = process.argv.includes('--memory-only');
  if (!only) {
    await latency(kernel, file, arg('latency', 400));
    await startup(kernel, file, arg('starts', 7));
    await openMany(kernel, 50);
  }
  await manyEdits(kernel, file, arg('edits', 10_000));
  verdicts.finish();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

/**
 * Language-server benchmark (not a test): the shipped server (bin/flushguard-language-server.js,
 * dist/server.js) driven over stdio like an editor. Prints medians and percentiles of this run:
 *
 *   1. a one-character edit to fresh diagnostics on fs/btrfs/inode.c (~11,750 lines): measured at
 *      the client (didChange sent → publishDiagnostics of that version received, debounce 0) and
 *      by the server (parse + analysis, its `flushguard/analysed` notification), once the tree
 *      index is ready (the workspace root is the kernel tree, so the server indexes it);
 *   2. server start to first diagnostics on the same file (fresh process each time);
 *   3. server memory (RSS) with 50 kernel files open;
 *   4. server memory before and after 10,000 edits (every WASM tree must be deleted).
 *
 * `--baseline-server PATH` (an older checkout's bin/flushguard-language-server.js, built) runs the
 * same measurements against that server in the same run, on the same workspace root, and prints
 * each figure's ratio ours/baseline.
 *
 * Usage: npm run build && npm run bench:lsp [-- --edits N --latency N --starts N --memory-only
 *        --baseline-server PATH]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
/** Issue 13: edit → fresh diagnostics at the client once the index is ready. */
const INDEXED_EDIT_P95_MS = 20;
/** How long a server may take to begin indexing after its first diagnostics (else: no index). */
const INDEX_BEGIN_MS = 5_000;
const verdicts = new Verdicts();

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const argText = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

interface Server {
  name: string;
  script: string;
}
const OURS: Server = {
  name: 'this',
  script: join(__dirname, '..', 'bin', 'flushguard-language-server.js'),
};

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (v: number): string => `${v.toFixed(1)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** --expose-gc: the server collects garbage before it reports its memory (flushguard/memory). */
async function start(root: string, server: Server): Promise<LspClient> {
  return LspClient.start({
    rootPath: root,
    command: [process.execPath, '--expose-gc', server.script, '--stdio'],
    settings: {},
    initializationOptions: { debounceMs: 0, reportTiming: true },
    timeoutMs: 300_000,
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

type Timing = {
  uri: string;
  version: number;
  ms: number;
  phase: string;
  functionsAnalysed: number;
};

interface EditTimes {
  client: number[];
  server: number[];
  full: number[];
  /** Functions analysed again by the full re-check of each edit. */
  analysed: number[];
}

/** Types one character and then deletes it again at `offset`; returns the timings of both edits. */
async function typeAndUndo(
  client: LspClient,
  uri: string,
  text: string,
  offset: number,
  out: EditTimes,
): Promise<void> {
  const pos = positionAt(text, offset);
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
    const f = await full;
    out.full.push(f.ms);
    out.analysed.push(f.functionsAnalysed);
  }
}

/**
 * Waits until the server's tree index is ready; the position of its progress end among the
 * client's notifications, or undefined when it starts none (an older server).
 */
async function indexReady(client: LspClient, since: number): Promise<number | undefined> {
  type Progress = { value: { kind: string } };
  const begin = client.waitFor<Progress>('$/progress', (p) => p.value.kind === 'begin', since);
  const timeout = new Promise<'none'>((r) => setTimeout(() => r('none'), INDEX_BEGIN_MS).unref());
  const first = await Promise.race([begin.catch(() => 'none' as const), timeout]);
  if (first === 'none') return undefined;
  const end = await client.waitFor<Progress>('$/progress', (p) => p.value.kind === 'end', since);
  return client.notifications.findIndex((n) => n.params === end);
}

/** Waits for the document's re-analysis with the index, which follows the index's readiness. */
async function refreshed(client: LspClient, uri: string, since: number): Promise<void> {
  await client.waitFor<Timing>(
    'flushguard/analysed',
    (p) => p.uri === uri && p.version === 1 && p.phase === 'full',
    since,
  );
}

interface LatencyResult extends EditTimes {
  index: string;
}

async function latency(
  kernel: string,
  file: string,
  edits: number,
  server: Server,
): Promise<LatencyResult> {
  const text = readFileSync(file, 'utf8');
  const client = await start(kernel, server);
  const uri = pathToFileURL(file).href;
  const since = client.mark();
  await client.open(uri, text);
  await client.diagnosticsFor(uri, 1);
  // The workspace is the kernel tree: edits are measured once its index is ready.
  const t0 = performance.now();
  const ready = await indexReady(client, since);
  const indexed = ready !== undefined;
  // Ready means the open document was analysed again with the index, as the user then sees it.
  if (indexed) await refreshed(client, uri, ready);
  const info = await client.request<MemoryInfo>(MEMORY_REQUEST, null);
  const index = indexed
    ? `tree index ready and the document analysed with it ${((performance.now() - t0) / 1000).toFixed(1)} s after the first diagnostics: ${info.index?.files ?? 0} files with facts, index heap ${((info.index?.heapBytes ?? 0) / 2 ** 20).toFixed(1)} MiB, server RSS ${(info.rssBytes / 2 ** 20).toFixed(0)} MiB`
    : `no tree index (none started within ${INDEX_BEGIN_MS / 1000} s), server RSS ${(info.rssBytes / 2 ** 20).toFixed(0)} MiB`;
  const out: LatencyResult = { client: [], server: [], full: [], analysed: [], index };
  for (const offset of editPoints(text, Math.ceil(edits / 2)))
    await typeAndUndo(client, uri, text, offset, out);
  await client.stop();
  return out;
}

/** The floor, in this process: the pre-pass plus tree-sitter's incremental re-parse. */
async function parseFloor(file: string, edits: number): Promise<number[]> {
  const text = readFileSync(file, 'utf8');
  await initParser(wasmSources());
  const parser = createParser();
  const doc = new ParsedDocument();
  doc.parse(parser, text);
  const parseMs: number[] = [];
  for (const offset of editPoints(text, Math.ceil(edits / 2))) {
    for (const next of [text.slice(0, offset) + ' ' + text.slice(offset), text]) {
      const t0 = performance.now();
      doc.parse(parser, next);
      parseMs.push(performance.now() - t0);
    }
  }
  doc.release();
  parser.delete();
  return parseMs;
}

async function startup(
  kernel: string,
  file: string,
  runs: number,
  servers: Server[],
): Promise<number[][]> {
  const times = servers.map(() => [] as number[]);
  const text = readFileSync(file, 'utf8');
  // Interleaved, so that a change in the machine's load falls on every server alike.
  for (let i = 0; i < runs; i++) {
    for (const [k, server] of servers.entries()) {
      const t0 = performance.now();
      const client = await start(kernel, server);
      const uri = pathToFileURL(file).href;
      await client.open(uri, text);
      await client.diagnosticsFor(uri, 1);
      times[k]!.push(performance.now() - t0);
      await client.stop();
    }
  }
  return times;
}

async function openMany(kernel: string, count: number, server: Server): Promise<number> {
  const files = listFiles(join(kernel, 'fs'), ['.c'])
    .filter((_, i) => i % 25 === 0)
    .slice(0, count);
  const client = await start(mkdtempSync(join(tmpdir(), 'fg-bench-')), server);
  const before = rssMiB(client.child.pid);
  let lines = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    lines += text.split('\n').length;
    const uri = pathToFileURL(f).href;
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
  }
  const rss = rssMiB(client.child.pid);
  console.log(
    `   ${server.name}: ${files.length} kernel files open (${lines} lines in all): server RSS ${rss.toFixed(0)} MiB (${before.toFixed(0)} MiB after initialize)`,
  );
  await client.stop();
  return rss;
}

/** RSS after the last edits / after the first 1,000 (undefined with fewer edits). */
async function manyEdits(
  kernel: string,
  file: string,
  edits: number,
  server: Server,
): Promise<number | undefined> {
  const text = readFileSync(file, 'utf8');
  const client = await start(kernel, server);
  let lastRss = 0;
  const memory = async (): Promise<string> => {
    const m = await client.request<{ rssBytes: number; heapUsedBytes: number }>(
      MEMORY_REQUEST,
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
    `   ${server.name}: ${edits} edits on ${file.split('/').pop()}, server RSS/JS heap in MiB after a GC: ${samples.join(', ')}`,
  );
  await client.stop();
  // Growth after warm-up: the RSS after the last edits against the RSS after the first 1,000.
  const warm = rssAt.get(1000);
  return warm ? lastRss / warm : undefined;
}

/** `name: ours …; baseline …; ours/baseline …` for one statistic of each server. */
function compare(values: number[], format: (v: number) => string): string {
  const [ours, base] = values;
  if (base === undefined) return format(ours!);
  return `${format(ours!)}, baseline ${format(base)}, ours/baseline ${ratio(ours!, base)}`;
}

function printLatency(results: LatencyResult[], servers: Server[], parseMs: number[]): void {
  const stat = (pick: (r: LatencyResult) => number[], p: number): string =>
    compare(
      results.map((r) => percentile(pick(r), p)),
      ms,
    );
  console.log(`   ${results[0]!.client.length} edits per server`);
  const rows: [string, (r: LatencyResult) => number[]][] = [
    ['diagnostics at the client (debounce 0)', (r) => r.client],
    ['server, edited functions (first publish)', (r) => r.server],
    ['server, full re-check of dependants (second publish)', (r) => r.full],
  ];
  for (const [what, pick] of rows) {
    console.log(`   ${what}: p50 ${stat(pick, 50)}`);
    console.log(`   ${' '.repeat(what.length)}  p95 ${stat(pick, 95)}`);
  }
  for (const [k, r] of results.entries())
    console.log(
      `   ${servers[k]!.name}: functions analysed again per full re-check: median ${percentile(r.analysed, 50)}, max ${Math.max(...r.analysed)}`,
    );
  console.log(
    `   floor, pre-pass + incremental parse alone: p50 ${ms(percentile(parseMs, 50))}, p95 ${ms(percentile(parseMs, 95))}; ratio of medians server/floor ${(percentile(results[0]!.server, 50) / percentile(parseMs, 50)).toFixed(2)}`,
  );
  const ours = results[0]!;
  verdicts.add({
    what: 'edit -> fresh diagnostics at the client, index ready, p95',
    goal: `<= ${INDEXED_EDIT_P95_MS} ms`,
    measured: ms(percentile(ours.client, 95)),
    met: percentile(ours.client, 95) <= INDEXED_EDIT_P95_MS,
  });
  verdicts.add({
    what: 'edit -> diagnostics of the edited functions, server p95',
    goal: `<= ${GOAL.editP95Ms} ms`,
    measured: ms(percentile(ours.server, 95)),
    met: percentile(ours.server, 95) <= GOAL.editP95Ms,
  });
  const base = results[1];
  if (base)
    verdicts.add({
      what: 'edit -> fresh diagnostics at the client, p95, ours/baseline',
      goal: '<= 1.00x (no slower)',
      measured: ratio(percentile(ours.client, 95), percentile(base.client, 95)),
      met: percentile(ours.client, 95) <= percentile(base.client, 95),
    });
}

async function main(): Promise<void> {
  const kernel = kernelTree();
  const file = join(kernel, 'fs', 'btrfs', 'inode.c');
  const baselineScript = argText('baseline-server');
  const servers = baselineScript
    ? [OURS, { name: 'baseline', script: resolve(baselineScript) }]
    : [OURS];
  console.log(`workspace root (both servers): ${kernel}`);
  for (const s of servers) console.log(`server ${s.name}: ${s.script}`);
  const only = process.argv.includes('--memory-only');
  if (!only) {
    const edits = arg('latency', 400);
    const results: LatencyResult[] = [];
    for (const s of servers) {
      const r = await latency(kernel, file, edits, s);
      console.log(`0. ${s.name}: ${r.index}`);
      results.push(r);
    }
    console.log(
      `1. one-character edit → fresh diagnostics, ${file.split('/').slice(-3).join('/')} (${readFileSync(file, 'utf8').split('\n').length} lines):`,
    );
    printLatency(results, servers, await parseFloor(file, edits));

    const runs = arg('starts', 7);
    const times = await startup(kernel, file, runs, servers);
    const med = times.map((t) => percentile(t, 50));
    console.log(
      `2. server start → first diagnostics on the same file, ${runs} fresh processes each: median ${compare(med, ms)}; max ${compare(
        times.map((t) => Math.max(...t)),
        ms,
      )}`,
    );
    verdicts.add({
      what: 'server start -> first diagnostics, median',
      goal: `<= ${GOAL.startMs} ms`,
      measured: ms(med[0]!),
      met: med[0]! <= GOAL.startMs,
    });
    if (med[1] !== undefined)
      verdicts.add({
        what: 'server start -> first diagnostics, median, ours/baseline',
        goal: '<= 1.00x (no slower)',
        measured: ratio(med[0]!, med[1]),
        met: med[0]! <= med[1],
      });

    console.log('3. server memory with many files open:');
    const rss: number[] = [];
    for (const s of servers) rss.push(await openMany(kernel, 50, s));
    console.log(`   RSS ${compare(rss, (v) => `${v.toFixed(0)} MiB`)}`);
    verdicts.add({
      what: 'server RSS with 50 kernel files open',
      goal: `<= ${GOAL.openRssMiB} MiB`,
      measured: `${rss[0]!.toFixed(0)} MiB`,
      met: rss[0]! <= GOAL.openRssMiB,
    });
  }
  const edits = arg('edits', 10_000);
  if (edits > 0) {
    console.log('4. server memory over many edits:');
    const growth: (number | undefined)[] = [];
    for (const s of servers) growth.push(await manyEdits(kernel, file, edits, s));
    const g = growth[0];
    verdicts.add({
      what: `server RSS after ${edits} edits / after 1,000`,
      goal: `<= ${GOAL.editGrowth}x`,
      measured: g !== undefined ? `${g.toFixed(2)}x` : 'fewer than 1,000 edits',
      met: g !== undefined ? g <= GOAL.editGrowth : undefined,
    });
    if (growth[1] !== undefined) console.log(`   baseline growth ${growth[1].toFixed(2)}x`);
  }
  verdicts.finish();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

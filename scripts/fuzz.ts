/**
 * `npm run fuzz -- --seed N --iterations N [--start I] [--budget MS] [--kernel DIR] [--out DIR]
 *   [--lsp-every N | --no-lsp] [--verbose] [--dump]`
 *
 * Mutates real kernel files (Debian's linux-source-6.1) and grammar-generated C, and the example
 * scenarios, and feeds them to the linter, the finding-to-scenario generator and the simulator,
 * in a worker the driver can time out, and every Nth C case to the built language server as an
 * edit (when dist/server.js exists). A crash, a run over the budget, or a position outside the
 * text is a failure: the driver shrinks the input by lines (delta debugging), prints the
 * reproducer and the seed, and writes both under --out. Iteration i depends only on the seed and
 * i, so `--start i --iterations 1` replays one case. Exit 1 if anything failed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelTree } from './kernelTree';
import { generateC } from './fuzz/grammar';
import { LspFeed } from './fuzz/lsp';
import { SERVER } from '../test/robustness/lspProcess';
import { caseSeed, mutate, Rng } from './fuzz/mutate';
import { hostileConfig, SPECIAL_FILES } from './fuzz/hostile';
import type { CheckResult, FuzzCase } from './fuzz/check';
import type { WorkerReply, WorkerRequest } from './fuzz/worker';

interface Options {
  seed: number;
  iterations: number;
  start: number;
  budgetMs: number;
  kernel: string | undefined;
  out: string;
  verbose: boolean;
  /** Write every case's input under --out (to profile one). */
  dump: boolean;
  /** Feed every Nth C case to dist/server.js too (0: never). */
  lspEvery: number;
}

function options(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number): number => {
    const v = get(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${name} takes a non-negative integer, got '${v}'`);
    return n;
  };
  return {
    seed: int('--seed', 1),
    iterations: int('--iterations', 1000),
    start: int('--start', 0),
    budgetMs: int('--budget', 20_000),
    kernel: get('--kernel'),
    out: resolve(get('--out') ?? '/tmp/flushguard-fuzz'),
    verbose: argv.includes('--verbose'),
    dump: argv.includes('--dump'),
    lspEvery: argv.includes('--no-lsp') ? 0 : int('--lsp-every', 10),
  };
}

/** Kernel C files that the rules look at (the others return before parsing), sorted, < 256 KB. */
function kernelCorpus(root: string): string[] {
  const interesting =
    /\b(?:kmap\w*|page_address|bvec_kmap_local|vmap|flush_dcache_page|sg_miter_next|memcpy_page)\b/;
  const out: string[] = [];
  const dirs = [
    'fs',
    'mm',
    'block',
    'lib',
    'crypto',
    'drivers',
    'net',
    'arch',
    'kernel',
    'sound',
    'security',
  ];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory() && !st.isSymbolicLink()) walk(p);
      else if (st?.isFile() && name.endsWith('.c') && st.size < 256 * 1024) {
        if (interesting.test(readFileSync(p, 'latin1'))) out.push(p);
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}

function scenarioCorpus(): string[] {
  const dir = resolve('examples/scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.fgs'))
    .sort()
    .map((f) => join(dir, f));
}

/** Noise that scenario files attract: absurd numbers, stray names, broken operands. */
const SCENARIO_NOISE = [
  '0',
  '-1',
  '1073741824',
  '0xFFFFFFFFFFFFFFFF',
  '99999999999999999999',
  'size=0',
  'ways=3',
  '*1073741824',
  '"',
  'as',
  '@',
  'fix',
  'buggy',
  '=',
  'P+0x100000',
];

const isHeavy = (applied: string[]): boolean =>
  applied.some((a) => a === 'hugeFunction' || a === 'manyFunctions');

function makeCase(
  i: number,
  o: Options,
  kernel: { root: string; files: string[] },
  scenarios: string[],
): FuzzCase & { applied: string[] } {
  const rng = new Rng(caseSeed(o.seed, i));
  const roll = rng.next();
  if (roll < 0.15 && scenarios.length > 0) {
    const file = rng.pick(scenarios);
    let text = readFileSync(file, 'utf8');
    const applied: string[] = [];
    for (let n = 1 + rng.int(3); n > 0; n--) {
      if (rng.chance(0.5)) {
        const words = text.split(/(\s+)/);
        const at = rng.int(words.length);
        words.splice(at, rng.int(2), rng.pick(SCENARIO_NOISE));
        text = words.join('');
        applied.push('scenarioNoise');
      } else {
        const m = mutate(text, rng);
        text = m.text;
        applied.push(...m.applied);
      }
    }
    return { kind: 'fgs', text, origin: relative(process.cwd(), file), applied };
  }
  // The classes issue 15 added: hostile configurations and special files named as input.
  if (roll < 0.2)
    return {
      kind: 'config',
      text: hostileConfig(rng),
      origin: 'config',
      applied: ['hostileConfig'],
    };
  if (roll < 0.22) {
    const special = rng.pick(SPECIAL_FILES);
    return { kind: 'special', text: special, origin: 'special', applied: [`special:${special}`] };
  }
  if (roll < 0.4 || kernel.files.length === 0) {
    const generated = generateC(rng);
    const m = rng.chance(0.5) ? mutate(generated, rng) : { text: generated, applied: [] };
    const applied = ['generate', ...m.applied];
    return { kind: 'c', text: m.text, origin: 'grammar', applied, heavy: isHeavy(applied) };
  }
  const file = rng.pick(kernel.files);
  const m = mutate(readFileSync(file, 'utf8'), rng);
  return {
    kind: 'c',
    text: m.text,
    origin: relative(kernel.root, file),
    applied: m.applied,
    heavy: isHeavy(m.applied),
  };
}

/** The engine in a worker that can be timed out or lost, and replaced. */
class Engine {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  restarts = 0;

  constructor(private readonly budgetMs: number) {}

  private start(): Promise<void> {
    // The worker is TypeScript too: register tsx's CommonJS hook in it first (as cli/pool.ts does).
    const entry = JSON.stringify(join(__dirname, 'fuzz', 'worker.ts'));
    const worker = new Worker(`require('tsx/cjs'); require(${entry});`, {
      eval: true,
      workerData: { budgetMs: this.budgetMs },
    });
    this.worker = worker;
    this.ready = new Promise((resolveReady, reject) => {
      worker.once('message', () => resolveReady());
      worker.once('error', reject);
    });
    return this.ready;
  }

  async check(c: FuzzCase): Promise<CheckResult> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker!;
    const id = this.nextId++;
    // The engine stops itself at the budget between functions; a watchdog catches what does not.
    const watchdogMs = this.budgetMs * 3 + 5000;
    return new Promise((resolveCheck) => {
      const done = (result: CheckResult, restart: boolean): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          this.restarts++;
          this.worker = undefined;
          void worker.terminate();
        }
        resolveCheck(result);
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.id === id) done(reply.result, reply.result.problem?.startsWith('crash') ?? false);
      };
      const onError = (e: Error): void =>
        done(
          { problem: `crash: worker died: ${e.message.slice(0, 200)}`, ms: 0, findings: 0 },
          true,
        );
      const onExit = (code: number): void =>
        done({ problem: `crash: worker exited with ${code}`, ms: 0, findings: 0 }, true);
      const timer = setTimeout(
        () =>
          done(
            { problem: `hang: no answer after ${watchdogMs} ms`, ms: watchdogMs, findings: 0 },
            true,
          ),
        watchdogMs,
      );
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, case: c } satisfies WorkerRequest);
    });
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
  }
}

const kindOf = (problem: string): string => problem.split(':')[0]!;

/**
 * Delta debugging by lines (ddmin): the smallest set of lines on which `check` still reports a
 * problem of the same kind.
 */
async function minimize(
  text: string,
  problem: string,
  check: (text: string) => Promise<string | undefined>,
): Promise<string> {
  const kind = kindOf(problem);
  let lines = text.split('\n');
  // Timing failures cost a budget per probe: shrink them only a little.
  let probes = /hang/.test(kind) ? 6 : kind === 'over budget' ? 30 : 400;
  const fails = async (candidate: string): Promise<boolean> => {
    probes--;
    const p = await check(candidate);
    return p !== undefined && kindOf(p) === kind;
  };
  let n = 2;
  while (lines.length >= 2 && probes > 0) {
    const chunk = Math.ceil(lines.length / n);
    let reduced = false;
    for (let start = 0; start < lines.length && probes > 0; start += chunk) {
      const candidate = [...lines.slice(0, start), ...lines.slice(start + chunk)];
      if (await fails(candidate.join('\n'))) {
        lines = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= lines.length) break;
      n = Math.min(lines.length, n * 2);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  let kernel = { root: '', files: [] as string[] };
  try {
    const root = o.kernel ? resolve(o.kernel) : kernelTree();
    kernel = { root, files: kernelCorpus(root) };
  } catch (e) {
    console.error(`fuzz: no kernel tree (${(e as Error).message}); grammar-generated C only`);
  }
  const scenarios = scenarioCorpus();
  console.error(
    `fuzz: seed ${o.seed}, iterations ${o.start}..${o.start + o.iterations - 1}, ${kernel.files.length} kernel files, ${scenarios.length} scenarios, budget ${o.budgetMs} ms`,
  );
  const engine = new Engine(o.budgetMs);
  const lsp = o.lspEvery > 0 && existsSync(SERVER) ? new LspFeed(o.budgetMs) : undefined;
  if (o.lspEvery > 0 && !lsp)
    console.error(`fuzz: ${SERVER} not built; the language server is left out`);
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  let slowest = { ms: 0, i: -1 };
  const t0 = performance.now();
  for (let i = o.start; i < o.start + o.iterations; i++) {
    const c = makeCase(i, o, kernel, scenarios);
    if (o.dump) {
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, `seed-${o.seed}-iter-${i}.case.${c.kind}`), c.text);
    }
    const r = await engine.check(c);
    let check = async (text: string): Promise<string | undefined> =>
      (await engine.check({ ...c, text })).problem;
    // Every lspEvery-th C case also goes to the language server, as an edit of one document.
    if (!r.problem && lsp && c.kind === 'c' && i % o.lspEvery === 0) {
      const feed = lsp;
      r.problem = await feed.feed(c.text);
      check = (text) => feed.feed(text);
    }
    if (r.ms > slowest.ms) slowest = { ms: r.ms, i };
    if (o.verbose)
      console.error(
        `fuzz: ${i} ${c.origin} ${c.applied.join(',')} ${Math.round(r.ms)} ms ${r.problem ?? ''}`,
      );
    if (r.problem) {
      console.error(`fuzz: iteration ${i} failed (${r.problem}); minimising`);
      kinds.set(kindOf(r.problem), (kinds.get(kindOf(r.problem)) ?? 0) + 1);
      const small = await minimize(c.text, r.problem, check);
      mkdirSync(o.out, { recursive: true });
      const base = join(o.out, `seed-${o.seed}-iter-${i}`);
      const ext = c.kind === 'fgs' ? 'fgs' : 'c';
      writeFileSync(`${base}.orig.${ext}`, c.text);
      writeFileSync(`${base}.min.${ext}`, small);
      failures.push(`iteration ${i}: ${r.problem}`);
      console.log(
        [
          `FAIL seed ${o.seed} iteration ${i}: ${r.problem}`,
          `  input: ${c.origin} after ${c.applied.join(', ') || 'no mutation'}`,
          `  replay: npm run fuzz -- --seed ${o.seed} --start ${i} --iterations 1`,
          `  reproducer (${small.split('\n').length} lines, ${base}.min.${ext}):`,
          ...small
            .split('\n')
            .slice(0, 40)
            .map((l) => `    | ${l}`),
        ].join('\n'),
      );
    }
    if ((i - o.start + 1) % 100 === 0) {
      const s = (performance.now() - t0) / 1000;
      console.error(
        `fuzz: ${i - o.start + 1}/${o.iterations} in ${s.toFixed(0)} s, ${failures.length} failures`,
      );
    }
  }
  await engine.stop();
  await lsp?.stop();
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `fuzz: seed ${o.seed}: ${o.iterations} iterations in ${seconds.toFixed(1)} s, ${failures.length} failures` +
      (kinds.size > 0 ? ` (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})` : '') +
      `; slowest case ${Math.round(slowest.ms)} ms (iteration ${slowest.i}); worker restarts ${engine.restarts}` +
      (lsp ? `; language server fed every ${o.lspEvery}th C case, restarts ${lsp.restarts}` : ''),
  );
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});

/**
 * The main thread's side of the analysis threads (analysisWorker.ts): two lanes, each a worker
 * with its own parser, one for analyses (documents, snippets, workspace-check files) and one for
 * code actions and the tree index's summaries of edited documents, so that neither a code action
 * nor a summary ever waits for the analysis of a huge function, and a keystroke's analysis never
 * waits for a summary. Per lane: a queue of jobs sent one at a
 * time, cancellation (a queued job is dropped; the running one is asked to stop through shared
 * memory and stops inside the analysis loops), the tree index's answers, and a new worker when
 * one dies (its running job fails with the reason; the next job gets the new worker).
 *
 * The worker runs this same entry script (the bundle dist/server-main.js, or main.ts under tsx), which
 * recognises its workerData, as the tree index's workers do (xref/build.ts): esbuild needs no
 * second bundle.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import type { TreeFacts } from '../xref/types';
import type { Analysis } from './analysisResult';
import { CANCEL_SLOT, TREE_SLOT } from './analysisWorker';
import type { FromWorker, Job, JobResult, ToWorker } from './analysisWorker';
import { startAnalysisWorker, takeEarlyWorker } from './prestart';
import type { StartedWorker } from './prestart';

/** How often queued and running jobs are asked whether they are still wanted. */
const POLL_MS = 5;

interface Pending {
  id: number;
  job: Job;
  cancelled: () => boolean;
  interim?: (a: Analysis) => void;
  resolve: (r: JobResult | undefined) => void;
  reject: (e: Error) => void;
}

/** Routes each job to its lane; `release` reaches both (each keeps its own trees). */
export class AnalysisHost {
  private readonly lanes: [Lane, Lane];

  constructor(treeFacts: () => TreeFacts | undefined) {
    this.lanes = [new Lane(treeFacts, takeEarlyWorker()), new Lane(() => undefined)];
  }

  /** Workers started in all (1 per lane used, plus restarts after a death). */
  get started(): number {
    return this.lanes[0].started + this.lanes[1].started;
  }

  /** Runs `job` on its lane's thread; undefined when `cancelled` said stop before it finished. */
  run(
    job: Job,
    cancelled: () => boolean,
    interim?: (a: Analysis) => void,
  ): Promise<JobResult | undefined> {
    const background = job.kind === 'actions' || job.kind === 'summary';
    return this.lanes[background ? 1 : 0].run(job, cancelled, interim);
  }

  /** Starts the analysis lane's thread now (its parser loads while the client opens documents). */
  warm(): void {
    this.lanes[0].warm();
  }

  /** Frees what the workers keep for a document (its trees, its per-function cache). */
  release(key: string, drop: boolean): void {
    for (const lane of this.lanes) lane.release(key, drop);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.dispose()));
  }
}

/** One worker, its queue and its shared control words. */
class Lane {
  private worker: Worker | undefined;
  private treePort: MessagePort | undefined;
  private control = new Int32Array(new SharedArrayBuffer(8));
  private queue: Pending[] = [];
  private running: Pending | undefined;
  private poll: NodeJS.Timeout | undefined;
  private nextId = 1;
  private disposed = false;
  /** Workers started (1 + restarts after a death). */
  started = 0;

  constructor(
    private readonly treeFacts: () => TreeFacts | undefined,
    private early?: StartedWorker,
  ) {}

  /** Runs `job` on the analysis thread; undefined when `cancelled` said stop before it finished. */
  run(
    job: Job,
    cancelled: () => boolean,
    interim?: (a: Analysis) => void,
  ): Promise<JobResult | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, cancelled, interim, resolve, reject });
      this.pump();
      this.poll ??= setInterval(() => this.check(), POLL_MS);
    });
  }

  warm(): void {
    if (!this.disposed) this.ensureWorker();
  }

  /** Frees what the worker keeps for a document (its tree, its per-function cache). */
  release(key: string, drop: boolean): void {
    this.worker?.postMessage({ release: key, drop } satisfies ToWorker);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.poll);
    for (const p of this.queue.splice(0)) p.resolve(undefined);
    this.running?.resolve(undefined);
    this.running = undefined;
    this.treePort?.close();
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private check(): void {
    const wanted = this.queue.filter((p) => !p.cancelled());
    for (const p of this.queue) if (!wanted.includes(p)) p.resolve(undefined);
    this.queue = wanted;
    if (this.running?.cancelled()) Atomics.store(this.control, CANCEL_SLOT, this.running.id);
    if (!this.running && this.queue.length === 0) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    let next = this.queue.shift();
    while (next?.cancelled()) {
      next.resolve(undefined);
      next = this.queue.shift();
    }
    if (!next) return;
    this.running = next;
    try {
      this.ensureWorker().postMessage({ id: next.id, job: next.job } satisfies ToWorker);
    } catch (e) {
      // A job that cannot be sent (not cloneable) fails alone; the lane goes on.
      this.running = undefined;
      next.reject(e instanceof Error ? e : new Error(String(e)));
      this.pump();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { worker, control, treePort: port1 } = this.early ?? startAnalysisWorker();
    this.early = undefined;
    this.control = new Int32Array(control);
    this.started++;
    this.worker = worker;
    this.treePort = port1;
    port1.on('message', (m: { method: string; args: unknown[] }) => this.answerTree(port1, m));
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    const died = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      port1.close();
      const p = this.running;
      this.running = undefined;
      p?.reject(new Error(`the analysis thread stopped: ${why}`));
      this.pump();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    return worker;
  }

  private answerTree(port: MessagePort, m: { method: string; args: unknown[] }): void {
    let reply: { value?: unknown; error?: string };
    try {
      const facts = this.treeFacts() as unknown as
        Record<string, (...a: unknown[]) => unknown> | undefined;
      const method = facts?.[m.method];
      reply = { value: typeof method === 'function' ? method.apply(facts, m.args) : undefined };
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
    Atomics.store(this.control, TREE_SLOT, 1);
    Atomics.notify(this.control, TREE_SLOT);
  }

  private onMessage(m: FromWorker): void {
    const p = this.running;
    if (!p || p.id !== m.id) return;
    if ('interim' in m) {
      if (!p.cancelled()) p.interim?.(m.interim);
      return;
    }
    this.running = undefined;
    if ('done' in m) p.resolve(m.done);
    else if ('cancelled' in m) p.resolve(undefined);
    else p.reject(new Error(m.error));
    this.pump();
  }
}

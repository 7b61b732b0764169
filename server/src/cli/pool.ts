/**
 * Lints files on N worker threads (each with its own WASM parser); results come back in input
 * order. The worker is this same bundle, started with `workerData`.
 *
 * A worker that dies (uncaught exception, out of memory, process.exit) costs only the file it
 * was linting: that file is reported as skipped with the reason, a new worker takes the dead
 * one's place, and the run goes on.
 *
 * Each worker's heap is capped (WORKER_HEAP_MB). The cap is far above what a worker keeps alive
 * (some 35-100 MB: its copy of the tree's facts, its index and one file's analysis), but V8 sizes
 * the room it lets garbage take by the cap: uncapped (a quarter of the machine's memory) a worker
 * let its heap grow to four times what it kept, about 230 MB each on a whole tree, and the lint
 * phase's peak passed 1 GB. Capped it grows by about half. A file that does need more than the
 * cap is linted again on a worker without one.
 */
import { Worker } from 'node:worker_threads';
import type { InputFile } from './files';
import type { FileOutcome, LintFileOptions } from './lintFiles';

/**
 * The old-generation cap of a lint worker, in MB. V8's heap grows after each full collection by a
 * factor that shrinks with the cap (from 4 at 2 GB and above towards 1.3 at 256 MB): 768 MB gives
 * about 1.5 while staying far from what any file needs.
 */
export const WORKER_HEAP_MB = 768;

const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';

export interface WorkerRequest {
  index: number;
  file: InputFile;
}

export interface WorkerReply {
  index: number;
  outcome: FileOutcome;
}

export async function lintInWorkers(
  files: InputFile[],
  options: LintFileOptions,
  jobs: number,
  onDone: (done: number) => void,
): Promise<FileOutcome[]> {
  const results: FileOutcome[] = new Array<FileOutcome>(files.length);
  let next = 0;
  let done = 0;
  // The worker runs the program's own entry script (the bundle, or main.ts under tsx), which
  // recognises its workerData and serves requests.
  const entry = process.argv[1] ?? __filename;
  // Under tsx (tests, scripts) the worker must load TypeScript too: register tsx's CommonJS
  // hook in the worker before loading the entry.
  const source = entry.endsWith('.ts')
    ? `require('tsx/cjs'); require(${JSON.stringify(entry)});`
    : undefined;
  const workerData = { flushguardWorker: true, options };
  const start = (capped: boolean): Worker => {
    const limits = capped ? { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } } : {};
    return source
      ? new Worker(source, { eval: true, workerData, ...limits })
      : new Worker(entry, { workerData, ...limits });
  };

  const record = (index: number, outcome: FileOutcome): void => {
    results[index] = outcome;
    onDone(++done);
  };

  /** One slot: a worker at a time, replaced when it dies in the middle of a file. */
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      /** `retry`: a file whose worker ran out of its capped heap, linted first and uncapped. */
      const spawn = (capped: boolean, retry?: number): void => {
        const worker = start(capped);
        let current: number | undefined;
        let finished = false;
        let failure: NodeJS.ErrnoException | undefined;
        const feed = (): void => {
          if (retry !== undefined || next < files.length) {
            current = retry ?? next++;
            retry = undefined;
            worker.postMessage({ index: current, file: files[current]! } satisfies WorkerRequest);
          } else {
            finished = true;
            current = undefined;
            void worker.terminate().then(() => resolve());
          }
        };
        worker.on('message', (reply: WorkerReply) => {
          current = undefined;
          record(reply.index, reply.outcome);
          feed();
        });
        worker.on('error', (e) => (failure = e));
        worker.on('exit', (code) => {
          if (finished) return;
          if (current === undefined) {
            // Died before or between files (start-up, WASM load): a new worker would too.
            reject(failure ?? new Error(`lint worker exited with code ${code}`));
            return;
          }
          // Out of the capped heap: the file again on a worker without the cap (this slot's
          // from now on), so the cap never changes what a run reports.
          const oom = failure?.code === OUT_OF_MEMORY;
          if (oom && capped) {
            spawn(false, current);
            return;
          }
          const why = failure ? failure.message : `exited with code ${code}`;
          record(current, {
            display: files[current]!.display,
            findings: [],
            skipped: `worker crashed: ${why}`,
            internal: true,
            skippedFunctions: [],
            unusedSuppressions: [],
          });
          spawn(capped);
        });
        worker.on('online', feed);
      };
      spawn(true);
    });
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, run));
  return results;
}

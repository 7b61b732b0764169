/**
 * Lints files on N worker threads (each with its own WASM parser); results come back in input
 * order. The worker is this same bundle, started with `workerData`.
 */
import { Worker } from 'node:worker_threads';
import type { InputFile } from './files';
import type { FileOutcome, LintFileOptions } from './lintFiles';

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
  const source = entry.endsWith('.ts') ? `require('tsx/cjs'); require(${JSON.stringify(entry)});` : undefined;
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const workerData = { flushguardWorker: true, options };
      const worker = source ? new Worker(source, { eval: true, workerData }) : new Worker(entry, { workerData });
      const feed = (): void => {
        if (next < files.length) {
          const index = next++;
          worker.postMessage({ index, file: files[index]! } satisfies WorkerRequest);
        } else {
          void worker.terminate().then(() => resolve());
        }
      };
      worker.on('message', (reply: WorkerReply) => {
        results[reply.index] = reply.outcome;
        onDone(++done);
        feed();
      });
      worker.on('error', reject);
      worker.on('online', feed);
    });
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, run));
  return results;
}

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
  const entry = __filename;
  // Under tsx (tests, scripts) the worker must load TypeScript the same way.
  const execArgv = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(entry, { workerData: { flushguardWorker: true, options }, execArgv });
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

/** The worker side of the pool: one parser, files in, outcomes out. */
import { parentPort, workerData } from 'node:worker_threads';
import { createParser, initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintFile } from './lintFiles';
import type { LintFileOptions } from './lintFiles';
import type { WorkerReply, WorkerRequest } from './pool';

export function isLintWorker(): boolean {
  return (workerData as { flushguardWorker?: boolean } | null)?.flushguardWorker === true;
}

export async function runLintWorker(): Promise<void> {
  const { options } = workerData as { options: LintFileOptions };
  await initParser(wasmSources());
  const parser = createParser();
  parentPort?.on('message', (req: WorkerRequest) => {
    const outcome = lintFile(parser, req.file, options);
    parentPort?.postMessage({ index: req.index, outcome } satisfies WorkerReply);
  });
}

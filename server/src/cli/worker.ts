/** The worker side of the pool: one parser, files in, outcomes out. */
import { parentPort, resourceLimits, workerData } from 'node:worker_threads';
import { createParser, initParser, parserReady } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { lintFile } from './lintFiles';
import type { LintFileOptions } from './lintFiles';
import { WORKER_HEAP_MB } from './pool';
import type { WorkerReply, WorkerRequest } from './pool';

export function isLintWorker(): boolean {
  return (workerData as { flushguardWorker?: boolean } | null)?.flushguardWorker === true;
}

export async function runLintWorker(): Promise<void> {
  const { options } = workerData as { options: LintFileOptions };
  await initParser(wasmSources());
  const parser = createParser();
  const serve = async (req: WorkerRequest): Promise<void> => {
    // After an abort the next file waits for the replacement instance.
    await parserReady();
    crashForTest(req.file.path);
    const outcome = lintFile(parser, req.file, options);
    parentPort?.postMessage({ index: req.index, outcome } satisfies WorkerReply);
  };
  parentPort?.on('message', (req: WorkerRequest) => void serve(req));
}

/**
 * Test hook, honoured only here in the worker (test/robustness/cli.test.ts): the worker dies on
 * a file whose path contains FLUSHGUARD_TEST_CRASH_ON, by an uncaught exception, or by
 * process.exit when FLUSHGUARD_TEST_CRASH_HOW=exit, by running out of its heap when =heap (only
 * in a worker with a capped heap: the pool's retry has none). It proves that the pool survives a
 * worker.
 */
function crashForTest(path: string): void {
  const on = process.env['FLUSHGUARD_TEST_CRASH_ON'];
  if (on === undefined || on === '' || !path.includes(on)) return;
  const how = process.env['FLUSHGUARD_TEST_CRASH_HOW'];
  if (how === 'exit') process.exit(70);
  if (how === 'heap') {
    // An uncapped worker reports V8's default limit here, not 0.
    if (resourceLimits.maxOldGenerationSizeMb !== WORKER_HEAP_MB) return;
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1 << 20).fill(hoard.length));
  }
  throw new Error(`test crash on ${path}`);
}

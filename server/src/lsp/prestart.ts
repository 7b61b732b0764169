/**
 * The analysis thread (analysisWorker.ts), started before the rest of the server's bundle is
 * evaluated: main.ts imports this module first, so the thread loads its own copy of the bundle
 * and its WASM parser while this thread loads the language server, and start-up costs the longer
 * of the two instead of their sum. In a worker thread of the server, the parser's WASM starts
 * compiling here too, while the rest of the bundle is evaluated. Only node:* and the parser here:
 * anything heavier would load first.
 */
import { isMainThread, MessageChannel, Worker } from 'node:worker_threads';
import { initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import type { MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import type { AnalysisWorkerData } from './analysisWorker';

export interface StartedWorker {
  worker: Worker;
  /** Shared control words (analysisWorker.ts CANCEL_SLOT, TREE_SLOT). */
  control: SharedArrayBuffer;
  /** The main thread's end of the channel on which the worker asks the tree index. */
  treePort: MessagePort;
}

/** The worker runs this same entry script: the bundle, or main.ts under tsx. */
function workerEntry(): { entry: string; eval: boolean } {
  // In the bundle, __filename is dist/server.js; under tsx it is this module's .ts file.
  if (!__filename.endsWith('.ts')) return { entry: __filename, eval: false };
  const main = join(__dirname, 'main.ts');
  return { entry: `require('tsx/cjs'); require(${JSON.stringify(main)});`, eval: true };
}

export function startAnalysisWorker(): StartedWorker {
  const control = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const { entry, eval: isEval } = workerEntry();
  const workerData: AnalysisWorkerData = {
    flushguardAnalysisWorker: true,
    control,
    treePort: port2,
  };
  const worker = new Worker(entry, { eval: isEval, workerData, transferList: [port2] });
  // The server process may end while the worker is idle.
  worker.unref();
  return { worker, control, treePort: port1 };
}

const TRANSPORT = /^--(?:stdio|node-ipc|socket=|pipe=)/;

// The analysis and index threads parse; their first job awaits this same start (initParser).
if (!isMainThread) void initParser(wasmSources());

let early: StartedWorker | undefined;
let earlyDied = false;
if (isMainThread && process.argv.some((a) => TRANSPORT.test(a))) {
  early = startAnalysisWorker();
  // Until a lane takes it: a thread that fails to start is forgotten (the lane starts another).
  early.worker.once('error', () => (earlyDied = true));
  early.worker.once('exit', () => (earlyDied = true));
}

/** The thread started early, once, if it is still alive. */
export function takeEarlyWorker(): StartedWorker | undefined {
  const w = earlyDied ? undefined : early;
  early = undefined;
  return w;
}

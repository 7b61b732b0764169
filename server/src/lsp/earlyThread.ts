/**
 * Starting the analysis thread (analysisWorker.ts) and handing it from the launcher (launch.ts,
 * dist/server.js) to the language server's bundle (dist/server-main.js). Only node:* here: the
 * launcher must stay small, so that the thread starts before the bundle is even read.
 */
import { isMainThread, MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { AnalysisWorkerData } from './analysisWorker';

export interface StartedWorker {
  worker: Worker;
  /** Shared control words (analysisWorker.ts CANCEL_SLOT, TREE_SLOT). */
  control: SharedArrayBuffer;
  /** The main thread's end of the channel on which the worker asks the tree index. */
  treePort: MessagePort;
}

/** Starts the analysis thread on `entry`: a bundle's path, or code to evaluate (`isEval`). */
export function startThread(entry: string, isEval: boolean): StartedWorker {
  const control = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
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

/** This is the server process's main thread, started with a transport (not a test, not a thread). */
export function isServerProcess(): boolean {
  return isMainThread && process.argv.some((a) => TRANSPORT.test(a));
}

const HANDED = Symbol.for('flushguard.analysisThread');

/** The launcher leaves the thread it started for the bundle it loads next. */
export function handOver(started: StartedWorker): void {
  (globalThis as Record<symbol, unknown>)[HANDED] = started;
}

/** The thread the launcher started, once. */
export function takeHandedOver(): StartedWorker | undefined {
  const g = globalThis as Record<symbol, StartedWorker | undefined>;
  const started = g[HANDED];
  g[HANDED] = undefined;
  return started;
}

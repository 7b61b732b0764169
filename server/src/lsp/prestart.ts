/**
 * The analysis thread (analysisWorker.ts), started before the rest of the server's bundle is
 * evaluated: the launcher (launch.ts) starts it before reading the bundle, and without the
 * launcher (main.ts under tsx) main.ts imports this module first. The thread loads its own copy
 * of the bundle and its WASM parser while this thread loads the language server, so start-up
 * costs the longer of the two instead of their sum. In a worker thread of the server, the
 * parser's WASM starts compiling here too, while the rest of the bundle is evaluated. Only
 * node:* and the parser here: anything heavier would load first.
 */
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import { initParser } from '../parsing/parser';
import { wasmSources } from '../host/wasmPaths';
import { isServerProcess, startThread, takeHandedOver } from './earlyThread';
import type { StartedWorker } from './earlyThread';

export type { StartedWorker } from './earlyThread';

/** The worker runs this same entry script: the bundle, or main.ts under tsx. */
function workerEntry(): { entry: string; eval: boolean } {
  // In the bundle, __filename is dist/server-main.js; under tsx it is this module's .ts file.
  if (!__filename.endsWith('.ts')) return { entry: __filename, eval: false };
  const main = join(__dirname, 'main.ts');
  return { entry: `require('tsx/cjs'); require(${JSON.stringify(main)});`, eval: true };
}

export function startAnalysisWorker(): StartedWorker {
  const { entry, eval: isEval } = workerEntry();
  return startThread(entry, isEval);
}

// The analysis and index threads parse; their first job awaits this same start (initParser).
if (!isMainThread) void initParser(wasmSources());

let early: StartedWorker | undefined;
let earlyDied = false;
if (isServerProcess()) {
  // Started by the launcher (launch.ts) before this bundle was read, or here.
  early = takeHandedOver() ?? startAnalysisWorker();
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

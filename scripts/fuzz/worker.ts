/**
 * The fuzz worker: the engine runs here so that the driver can time it out (a hang) or outlive
 * it (a WASM abort) and start a fresh one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createParser, initParser } from '../../server/src/parsing/parser';
import { wasmSources } from '../../server/src/host/wasmPaths';
import { checkCase } from './check';
import type { CheckResult, FuzzCase } from './check';

export interface WorkerRequest {
  id: number;
  case: FuzzCase;
}

export interface WorkerReply {
  id: number;
  result: CheckResult;
}

async function serve(): Promise<void> {
  const { budgetMs } = workerData as { budgetMs: number };
  await initParser(wasmSources());
  const parser = createParser();
  parentPort?.on('message', (req: WorkerRequest) => {
    let result: CheckResult;
    try {
      result = checkCase(parser, req.case, budgetMs);
    } catch (e) {
      result = { problem: `crash: ${String(e).slice(0, 200)}`, ms: 0, findings: 0 };
    }
    parentPort?.postMessage({ id: req.id, result } satisfies WorkerReply);
  });
  parentPort?.postMessage('ready');
}

void serve();

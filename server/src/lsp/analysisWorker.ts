/**
 * The language server's analysis thread (issue 15, item 3): documents, selected snippets, code
 * actions and the files of the workspace check are analysed here, on a worker thread with its own
 * parser, so that one huge function never holds the server's event loop: hover, code actions,
 * `$/cancelRequest` and `shutdown` are answered meanwhile. The main thread (analysisHost.ts) sends
 * one job at a time and asks a running job to stop through shared memory; the job sees it inside
 * the analysis loops (parsing/deadline.ts `withInterrupt`) and between functions.
 *
 * The kernel tree index stays on the main thread; its questions are asked synchronously through
 * a message port (the worker waits on shared memory for the answer, which the main thread gives
 * as soon as its event loop has a turn).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import { wasmSources } from '../host/wasmPaths';
import type { Parser } from '../parsing/parser';
import {
  BudgetExceeded,
  createParser,
  initParser,
  MAX_PARSE_CHARS,
  parseC,
  parserReady,
  SourceTooLarge,
} from '../parsing/parser';
import { Interrupted, withInterrupt } from '../parsing/deadline';
import type { LintResult } from '../linter';
import { relevantToFile, selectRules } from '../linter';
import { RULE_IDS } from '../rules/index';
import { applySuppressions } from '../suppress';
import { enabledRules, severityOf } from '../config/settings';
import type { Settings } from '../config/settings';
import type { Finding } from '../rules/types';
import type { TreeFacts } from '../xref/types';
import { summarizeText } from '../xref/build';
import type { FileFacts } from '../xref/types';
import { IncrementalLinter } from './incrementalLint';
import { ParsedDocument } from './parsedDocument';
import type { Analysis } from './analysisResult';
import { buildCodeActions } from './codeActionList';

/** Shared control words: [0] the id of the job asked to stop, [1] the tree answer's flag. */
export const CANCEL_SLOT = 0;
export const TREE_SLOT = 1;

export interface AnalysisWorkerData {
  flushguardAnalysisWorker: true;
  control: SharedArrayBuffer;
  treePort: MessagePort;
}

export interface DocumentJob {
  kind: 'document';
  key: string;
  source: string;
  version: number;
  settings: Settings;
  excludedBy?: string;
  /** Send the interim result (edited functions only) first, when there was an analysis before. */
  interim: boolean;
  tree?: { file: string; generation: number };
  budgetMs: number;
}

/** One file of the workspace check, linted from scratch. */
export interface FileJob {
  kind: 'file';
  source: string;
  rules: string[];
  budgetMs: number;
}

export interface ActionsJob {
  kind: 'actions';
  key: string;
  uri: string;
  version: number;
  analysis: Analysis;
  params: CodeActionParams;
}

/** The tree index's summary of an edited document (workspaceIndex.ts). */
export interface SummaryJob {
  kind: 'summary';
  rel: string;
  source: string;
}

export type Job = DocumentJob | FileJob | ActionsJob | SummaryJob;
export type JobResult = Analysis | LintResult | CodeAction[] | FileFacts | null;

export type ToWorker = { id: number; job: Job } | { release: string; drop: boolean };
export type FromWorker =
  | { id: number; interim: Analysis }
  | { id: number; done: JobResult }
  | { id: number; cancelled: true }
  | { id: number; error: string };

export function isAnalysisWorker(): boolean {
  return (workerData as Partial<AnalysisWorkerData> | null)?.flushguardAnalysisWorker === true;
}

const TREE_METHODS = [
  'fieldOrigin',
  'calleeFlushes',
  'calleeWrites',
  'calleeWritesBuffer',
  'calleeReadsBuffer',
  'headWrites',
  'callbackImplementations',
  'internalInode',
  'mappingReturnedBy',
  'callerOf',
] as const;

/** The main thread's tree index, asked synchronously; `stop` is polled while waiting. */
function remoteTree(port: MessagePort, control: Int32Array, stop: () => boolean): TreeFacts {
  const ask = (method: string, args: unknown[]): unknown => {
    Atomics.store(control, TREE_SLOT, 0);
    port.postMessage({ method, args });
    while (Atomics.wait(control, TREE_SLOT, 0, 50) === 'timed-out')
      if (stop()) throw new Interrupted('the analysis is no longer wanted');
    const reply = receiveMessageOnPort(port)?.message as { value?: unknown; error?: string };
    if (reply?.error !== undefined) throw new Error(`tree index: ${reply.error}`);
    return reply?.value;
  };
  const facts: Record<string, (...args: unknown[]) => unknown> = {};
  for (const m of TREE_METHODS) facts[m] = (...args) => ask(m, args);
  return facts as unknown as TreeFacts;
}

interface DocumentState {
  parsed: ParsedDocument;
  linter: IncrementalLinter;
}

function severityOrWarning(settings: Settings, rule: string): Finding['severity'] {
  const s = severityOf(settings, rule);
  return s === 'off' ? 'warning' : s;
}

export class AnalysisThread {
  private readonly states = new Map<string, DocumentState>();
  /**
   * Answers of the main thread's tree index, for one index generation: each is a round trip
   * between threads, and one analysis asks about the same callees and fields many times.
   */
  private answers = { generation: -1, values: new Map<string, unknown>() };

  constructor(
    private readonly parser: Parser,
    private readonly tree: (stop: () => boolean) => TreeFacts | undefined,
  ) {}

  /** The tree index as of `generation`, its answers remembered until the index changes. */
  private treeAt(generation: number, stop: () => boolean): TreeFacts | undefined {
    const remote = this.tree(stop);
    if (!remote) return undefined;
    if (this.answers.generation !== generation)
      this.answers = { generation, values: new Map<string, unknown>() };
    const values = this.answers.values;
    const ask = remote as unknown as Record<string, (...args: unknown[]) => unknown>;
    const facts: Record<string, (...args: unknown[]) => unknown> = {};
    for (const m of TREE_METHODS)
      facts[m] = (...args) => {
        const key = `${m}\0${JSON.stringify(args)}`;
        if (values.has(key)) return values.get(key);
        const value = ask[m]!(...args);
        values.set(key, value);
        return value;
      };
    return facts as unknown as TreeFacts;
  }

  private stateOf(key: string): DocumentState {
    let s = this.states.get(key);
    if (!s)
      this.states.set(key, (s = { parsed: new ParsedDocument(), linter: new IncrementalLinter() }));
    return s;
  }

  release(key: string, drop: boolean): void {
    const s = this.states.get(key);
    s?.parsed.release();
    s?.linter.clear();
    if (drop) this.states.delete(key);
  }

  /** Runs a job; Interrupted when `stop` says so (checked inside the loops too). */
  run(job: Job, stop: () => boolean, interim: (a: Analysis) => void): JobResult {
    return withInterrupt(stop, () => {
      switch (job.kind) {
        case 'document':
          return this.document(job, stop, interim);
        case 'file':
          return this.file(job, stop);
        case 'actions':
          return this.actions(job);
        case 'summary':
          return summarizeText(this.parser, job.rel, job.source).facts;
      }
    });
  }

  private document(
    job: DocumentJob,
    stop: () => boolean,
    interim: (a: Analysis) => void,
  ): Analysis {
    const { source, version, settings } = job;
    const empty = { version, source, findings: [], unused: [], unknown: [], skipped: [] };
    if (job.excludedBy !== undefined) {
      this.release(job.key, false);
      return { ...empty, note: `excluded by ${job.excludedBy}` };
    }
    const state = this.stateOf(job.key);
    const rules = enabledRules(settings);
    const deadline = performance.now() + job.budgetMs;
    const facts = job.tree && this.treeAt(job.tree.generation, stop);
    const tree = job.tree &&
      facts && { context: { tree: facts, file: job.tree.file }, generation: job.tree.generation };
    try {
      const parsed = state.parsed.parse(this.parser, source, deadline, stop);
      const parse = state.parsed.lastParse;
      let result: Analysis | undefined;
      // First the edited functions, then everything that may depend on them.
      for (const quick of job.interim ? [true, false] : [false]) {
        const it = state.linter.run(parsed, rules, deadline, quick, settings.kernelVersion, tree);
        for (;;) {
          const step = it.next();
          if (step.done === true) {
            const lint = step.value;
            const suppressed = applySuppressions(source, lint.findings, rules, RULE_IDS);
            result = {
              version,
              source,
              findings: suppressed.findings.map((f) => ({
                ...f,
                severity: severityOrWarning(settings, f.rule),
              })),
              unused: suppressed.unused,
              unknown: suppressed.unknown,
              skipped: lint.skipped,
              stats: { ...state.linter.lastStats },
              parse,
              quick,
            };
            break;
          }
          if (stop()) throw new Interrupted('the analysis is no longer wanted');
        }
        if (quick) interim(result);
      }
      return result!;
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      this.release(job.key, false);
      if (e instanceof SourceTooLarge)
        return {
          ...empty,
          note: `not analysed: ${e.message}`,
          tooLarge: { chars: e.chars, limit: MAX_PARSE_CHARS },
        };
      return { ...empty, note: `not analysed: ${e.message} (${job.budgetMs} ms)` };
    }
  }

  /** null: over the budget, or more than the parser takes (the check reports no findings). */
  private file(job: FileJob, stop: () => boolean): LintResult | null {
    const { source, rules } = job;
    if (!selectRules(rules).some((r) => relevantToFile(r, source)))
      return { findings: [], skipped: [] };
    const deadline = performance.now() + job.budgetMs;
    let parsed;
    try {
      parsed = parseC(this.parser, source, undefined, deadline);
    } catch (e) {
      if (e instanceof BudgetExceeded) return null;
      throw e;
    }
    try {
      const it = new IncrementalLinter().run(parsed, rules, deadline);
      for (;;) {
        const step = it.next();
        if (step.done === true) return step.value;
        if (stop()) throw new Interrupted('the analysis is no longer wanted');
      }
    } catch (e) {
      if (e instanceof BudgetExceeded) return null;
      throw e;
    } finally {
      parsed.tree.delete();
    }
  }

  private actions(job: ActionsJob): CodeAction[] {
    const state = this.stateOf(job.key);
    const parsed = state.parsed.parse(this.parser, job.analysis.source);
    const doc = TextDocument.create(job.uri, 'c', job.version, job.analysis.source);
    return buildCodeActions(doc, job.analysis, parsed.tree.rootNode, job.params);
  }
}

/** The worker's loop: one job at a time, in the order the main thread sends them. */
export async function runAnalysisWorker(): Promise<void> {
  const data = workerData as AnalysisWorkerData;
  const control = new Int32Array(data.control);
  await initParser(wasmSources());
  const thread = new AnalysisThread(createParser(), (stop) =>
    remoteTree(data.treePort, control, stop),
  );
  const port = parentPort!;
  let chain = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    chain = chain.then(async () => {
      if ('release' in m) return thread.release(m.release, m.drop);
      const { id, job } = m;
      const stop = (): boolean => Atomics.load(control, CANCEL_SLOT) === id;
      try {
        // After an abort the parser loads a new WASM instance: wait for it between jobs.
        await parserReady();
        if (stop()) return port.postMessage({ id, cancelled: true } satisfies FromWorker);
        const done = thread.run(job, stop, (a) =>
          port.postMessage({ id, interim: a } satisfies FromWorker),
        );
        port.postMessage({ id, done } satisfies FromWorker);
      } catch (e) {
        if (e instanceof Interrupted)
          port.postMessage({ id, cancelled: true } satisfies FromWorker);
        else
          port.postMessage({
            id,
            error: e instanceof Error ? (e.stack ?? e.message) : String(e),
          } satisfies FromWorker);
      }
    });
  });
}

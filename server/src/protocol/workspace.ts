/**
 * Custom requests of the language server besides `flushguard/simulate` (simulate.ts). Declared
 * once here for the server and the VS Code client; any LSP client may send them.
 */

/**
 * client → server: lint every C file of the workspace folders (honouring `flushguard.exclude`),
 * publish the diagnostics of files that are not open, and report work-done progress with a
 * percentage; the progress (or the request) can be cancelled.
 */
export const CHECK_WORKSPACE_REQUEST = 'flushguard/checkWorkspace';

export interface CheckWorkspaceResult {
  /** C files looked at. */
  files: number;
  /** Files that were parsed and analysed (the others hold no cache API at all). */
  analysed: number;
  findings: number;
  /** Files with findings. */
  filesWithFindings: number;
  cancelled: boolean;
  elapsedMs: number;
}

/** Options a client may pass in `initializationOptions`. */
export interface InitializationOptions {
  /** Quiet time after an edit before the push diagnostics are computed (default 40 ms). */
  debounceMs?: number;
  /** Time budget of one analysis in ms (default 20,000, as the CLI's); for tests and the fuzzer. */
  budgetMs?: number;
  /** Send a `flushguard/analysed` notification after each analysis (benchmarks, tests). */
  reportTiming?: boolean;
  /**
   * Settings for clients that neither answer `workspace/configuration` nor send
   * `didChangeConfiguration` (plain Neovim 0.7 without lspconfig): `{ flushguard: {...} }`.
   */
  settings?: { flushguard?: unknown };
  /**
   * The client registers `flushguard.simulate` and `flushguard.checkWorkspace` itself (the VS
   * Code extension). Otherwise the server offers them as `workspace/executeCommand` commands,
   * so that other editors can run the Simulate code lens and the workspace check.
   */
  clientSideCommands?: boolean;
}

/** Commands the server executes for clients without their own (see `clientSideCommands`). */
export const SERVER_COMMANDS = ['flushguard.simulate', 'flushguard.checkWorkspace'] as const;

/** server → client, only when asked for with `reportTiming`: how an analysis went. */
export const ANALYSED_NOTIFICATION = 'flushguard/analysed';

export interface AnalysedParams {
  uri: string;
  version: number;
  /** Parse plus analysis, in milliseconds, measured by the server. */
  ms: number;
  /** `quick`: the edited functions only (an interim result); `full`: everything re-checked. */
  phase: 'quick' | 'full';
  parse: 'full' | 'incremental' | 'unchanged' | 'none';
  functionsAnalysed: number;
  functionsReused: number;
}

/**
 * client → server, for benchmarks: the server's memory, after a garbage collection when the
 * process was started with `--expose-gc` (then growth means leaked trees or caches, not garbage).
 */
export const MEMORY_REQUEST = 'flushguard/memory';

export interface MemoryInfo {
  rssBytes: number;
  heapUsedBytes: number;
  collected: boolean;
  /** The kernel tree index, once built: files summarised and the heap it took. */
  index?: { files: number; heapBytes: number };
}

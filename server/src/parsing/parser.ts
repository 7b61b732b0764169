/**
 * The one C parser: web-tree-sitter with tree-sitter-c's WASM grammar.
 *
 * The front ends (CLI, language server, tests) say where the two .wasm files are and how to load
 * a fresh copy of web-tree-sitter, so this module touches no file system. Trees live in the WASM
 * heap: whoever gets a Tree from `parse` owns it and must `delete()` it (see
 * docs/design/parsing.md).
 *
 * A WASM instance that aborts (tree-sitter's allocator calls abort() when the heap cannot grow)
 * is dead for good: every later call into it fails. So each instance runs with its own, capped
 * memory; a parse that makes the heap pass the cap is stopped and the file refused, and an
 * instance that aborted or grew past the cap is retired and replaced by a standby instance loaded
 * ahead of time. One file the parser cannot take costs that file only.
 */
import type * as TreeSitter from 'web-tree-sitter';
import type { Language, Node, ParseOptions, Tree } from 'web-tree-sitter';
import { preprocess } from './preprocess';
import type { Preprocessed } from './preprocess';

export type { Node, Tree };

export interface WasmSources {
  /** Bytes or path of web-tree-sitter.wasm (the runtime). */
  runtime: Uint8Array | string;
  /** Bytes or path of tree-sitter-c.wasm (the grammar). */
  grammar: Uint8Array | string;
  /** A new, independent copy of the web-tree-sitter module (each copy owns one WASM instance). */
  load: () => typeof TreeSitter;
}

/** 64 KiB WASM pages. Initial: the runtime's own default (32 MiB). */
const PAGE = 65536;
const INITIAL_PAGES = 512;
/**
 * A parse is stopped when the heap passes this; the instance can never give memory back, so it
 * is then replaced. tree-sitter needs about 270 bytes of heap per node of a dense function (a
 * function of 8,000,000 empty statements took the default 2 GiB and aborted); the largest C file
 * of Linux 6.12 that the rules parse stays below 150 MiB.
 */
export const MAX_PARSER_HEAP = 768 * 1024 * 1024;
/** The hard cap, some room above MAX_PARSER_HEAP for the allocations between two progress checks. */
const MAX_PAGES = (MAX_PARSER_HEAP + 256 * 1024 * 1024) / PAGE;

let heapLimit = MAX_PARSER_HEAP;
let hardPages = MAX_PAGES;

/**
 * Sets the soft and hard heap caps (bytes) of instances started from now on; tests use small
 * caps to make the refusal and the abort cheap to reach.
 */
export function limitParserHeap(soft: number, hard: number): void {
  heapLimit = soft;
  hardPages = Math.max(INITIAL_PAGES, Math.ceil(hard / PAGE));
}

interface Runtime {
  lib: typeof TreeSitter;
  language: Language;
  memory: WebAssembly.Memory;
  heapLimit: number;
  retired: boolean;
}

let sources: WasmSources | undefined;
let current: Runtime | undefined;
let standby: Runtime | undefined;
let loadingStandby: Promise<void> | undefined;
let initialising: Promise<void> | undefined;

async function startRuntime(from: WasmSources): Promise<Runtime> {
  const lib = from.load();
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: hardPages });
  const runtime = from.runtime;
  await lib.Parser.init({
    ...(typeof runtime === 'string' ? { locateFile: () => runtime } : { wasmBinary: runtime }),
    wasmMemory: memory,
    // The runtime prints "Aborted()" on its own; the front ends report the file instead.
    printErr: () => undefined,
  });
  const language = await lib.Language.load(from.grammar);
  return { lib, language, memory, heapLimit, retired: false };
}

function loadStandby(): Promise<void> {
  if (!sources || standby) return Promise.resolve();
  const from = sources;
  loadingStandby ??= startRuntime(from).then(
    (r) => {
      standby = r;
      loadingStandby = undefined;
    },
    () => {
      loadingStandby = undefined;
    },
  );
  return loadingStandby;
}

/**
 * Loads the runtime and the C grammar once per thread; the standby instance (for after an
 * abort) loads behind it, so that the first parse does not wait for it.
 */
export function initParser(from: WasmSources): Promise<void> {
  sources ??= from;
  initialising ??= (async () => {
    current = await startRuntime(from);
    void loadStandby();
  })();
  return initialising;
}

/**
 * Resolves when a live instance is there. Front ends that lint file after file without turning
 * the event loop await it between files, so that a replacement has loaded after an abort.
 */
export async function parserReady(): Promise<void> {
  if (initialising) await initialising;
  if (!current || current.retired) await loadStandby();
  if (!current || current.retired) promoteStandby();
  if (!standby) void loadStandby();
}

function promoteStandby(): void {
  if (!standby) return;
  current = standby;
  standby = undefined;
  void loadStandby();
}

/** Takes an instance out of service; its objects become inert so that no caller reaches into it. */
function retire(r: Runtime): void {
  if (r.retired) return;
  r.retired = true;
  const noop = (): void => undefined;
  r.lib.Tree.prototype.delete = noop;
  r.lib.Tree.prototype.edit = noop;
  r.lib.Parser.prototype.delete = noop;
  r.lib.Parser.prototype.reset = noop;
  if (current === r) {
    current = undefined;
    promoteStandby();
  }
}

function liveRuntime(): Runtime {
  if (!sources) throw new Error('initParser() must complete before parsing');
  if (!current || current.retired) promoteStandby();
  if (!current) throw new ParserUnavailable();
  return current;
}

/** How big the current instance's heap is now, in bytes (for tests and benchmarks). */
export function parserHeapBytes(): number {
  return current?.memory.buffer.byteLength ?? 0;
}

/**
 * A parser bound to the C grammar; callers keep one per thread of work and delete it at the end.
 * It follows the live instance: after a replacement its next parse runs on the new one.
 */
export class Parser {
  private runtime: Runtime;
  private inner: TreeSitter.Parser;

  constructor() {
    this.runtime = liveRuntime();
    this.inner = this.bind(this.runtime);
  }

  private bind(r: Runtime): TreeSitter.Parser {
    const p = new r.lib.Parser();
    p.setLanguage(r.language);
    return p;
  }

  /**
   * Like web-tree-sitter's `parse`. Throws ParserAborted when the file cannot be parsed within
   * the heap cap (or made the instance abort); null when `options.progressCallback` said stop.
   */
  parse(text: string, oldTree?: Tree | null, options?: ParseOptions): Tree | null {
    const r = liveRuntime();
    if (r !== this.runtime) {
      this.runtime = r;
      this.inner = this.bind(r);
    }
    // A tree of a retired instance cannot seed an incremental parse in another one.
    const old = oldTree instanceof r.lib.Tree ? oldTree : null;
    let overHeap = false;
    const user = options?.progressCallback as ((s: TreeSitter.ParseState) => boolean) | undefined;
    const progressCallback = (s: TreeSitter.ParseState): boolean => {
      if (r.memory.buffer.byteLength > r.heapLimit) {
        overHeap = true;
        return true;
      }
      return user?.(s) === true;
    };
    let tree: Tree | null;
    try {
      tree = this.inner.parse(text, old, { ...options, progressCallback });
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      retire(r);
      throw new ParserAborted(`the parser aborted on this file (${e.message.split('.')[0]})`);
    }
    if (!tree && overHeap) {
      retire(r);
      throw new ParserAborted(
        `the parser needed more than its ${Math.round(r.heapLimit / 1024 / 1024)} MiB heap for this file`,
      );
    }
    return tree;
  }

  reset(): void {
    if (this.runtime === current) this.inner.reset();
  }

  delete(): void {
    if (this.runtime === current) this.inner.delete();
  }
}

/** A parser bound to the C grammar (see Parser). */
export function createParser(): Parser {
  return new Parser();
}

export interface ParsedSource {
  /** The original text (offsets in the tree are offsets in this text too). */
  source: string;
  pre: Preprocessed;
  tree: Tree;
}

/**
 * Parses kernel C after the position-preserving pre-pass. `oldTree` enables incremental
 * re-parsing; it must already have been `edit()`ed and must have been parsed from pre-passed text.
 */
export function parseC(
  parser: Parser,
  source: string,
  oldTree?: Tree,
  deadline?: number,
): ParsedSource {
  checkParseable(source);
  const pre = preprocess(source);
  const options =
    deadline === undefined ? undefined : { progressCallback: () => performance.now() > deadline };
  const tree = parser.parse(pre.text, oldTree ?? null, options);
  if (!tree) {
    parser.reset();
    throw new BudgetExceeded('parsing took longer than the time budget');
  }
  return { source, pre, tree };
}

/** Thrown when a parse or an analysis runs past its deadline, or the file cannot be analysed. */
export class BudgetExceeded extends Error {}

/** Thrown when the parser cannot take a file (heap cap, abort); the next file gets a new instance. */
export class ParserAborted extends BudgetExceeded {}

/** Thrown when an instance was retired and its replacement has not loaded yet. */
export class ParserUnavailable extends BudgetExceeded {
  constructor() {
    super('the parser is restarting after an abort');
  }
}

/**
 * The largest text handed to tree-sitter: beyond it the heap cap is certain to be hit, and the
 * pre-pass alone takes seconds. Kernel sources worth parsing stay below 1 MB.
 */
export const MAX_PARSE_CHARS = 16 * 1024 * 1024;

/** Throws SourceTooLarge for a text the parser must not be given; call it before `parser.parse`. */
export function checkParseable(source: string): void {
  if (source.length > MAX_PARSE_CHARS) throw new SourceTooLarge(source.length);
}

/** Thrown, before any WASM work, for a text longer than MAX_PARSE_CHARS. */
export class SourceTooLarge extends BudgetExceeded {
  constructor(readonly chars: number) {
    super(
      `${(chars / 1024 / 1024).toFixed(1)} MiB of text is more than the parser's ${MAX_PARSE_CHARS / 1024 / 1024} MiB limit`,
    );
  }
}

/**
 * The one C parser: web-tree-sitter with tree-sitter-c's WASM grammar.
 *
 * The front ends (CLI, language server, tests) load the two .wasm files and hand their bytes in,
 * so this module touches no file system. Trees live in the WASM heap: whoever gets a Tree from
 * `parse` owns it and must `delete()` it (see docs/design/parsing.md).
 */
import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';
import { preprocess } from './preprocess';
import type { Preprocessed } from './preprocess';

export type { Node, Tree };
export type { Parser };

export interface WasmSources {
  /** Bytes or path of web-tree-sitter.wasm (the runtime). */
  runtime: Uint8Array | string;
  /** Bytes or path of tree-sitter-c.wasm (the grammar). */
  grammar: Uint8Array | string;
}

let language: Language | undefined;
let initialising: Promise<Language> | undefined;

/** Loads the runtime and the C grammar once per process. */
export function initParser(sources: WasmSources): Promise<Language> {
  if (language) return Promise.resolve(language);
  initialising ??= (async () => {
    const runtime = sources.runtime;
    await Parser.init(
      typeof runtime === 'string' ? { locateFile: () => runtime } : { wasmBinary: runtime },
    );
    language = await Language.load(sources.grammar);
    return language;
  })();
  return initialising;
}

export function cLanguage(): Language {
  if (!language) throw new Error('initParser() must complete before parsing');
  return language;
}

/** A parser bound to the C grammar; callers keep one per thread of work and delete it at the end. */
export function createParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(cLanguage());
  return parser;
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

/** Thrown when a parse or an analysis runs past its deadline. */
export class BudgetExceeded extends Error {}

/**
 * The largest text handed to tree-sitter. Its WASM heap is capped at 2 GiB and a tree costs
 * about 80 bytes per character of dense C: 30 MB parsed here, 50 MB aborted the WASM module
 * (and every later parse in that thread). Kernel sources worth parsing stay below 1 MB.
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

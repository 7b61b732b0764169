/**
 * Summaries of the functions defined in the same file, so that a write or a flush done by a
 * callee or a caller counts (kernel-shapes.md, "interprocedural writes and flushes").
 * Computed lazily and memoised; recursion is cut at a small depth.
 */
import type { Node } from '../parsing/parser';
import type { IteratorLoop } from '../parsing/preprocess';
import { callArguments, exprKey, functionName } from '../parsing/nodeText';
import { functionFacts } from './facts';
import type { FunctionFacts } from './facts';
import { pointerBase, normKey } from './events';
import { FLUSH, STORE_MACRO, WRITES_ARGUMENT } from './knowledge';

const FLUSH_CALL = new RegExp(`\\b(?:${[...FLUSH.keys()].join('|')}|sg_miter_stop)\\s*\\(`);
const MAX_DEPTH = 3;

export class FileSummaries {
  private readonly byName = new Map<string, Node[]>();
  private readonly facts = new Map<Node, FunctionFacts>();
  private readonly writes = new Map<string, boolean>();

  constructor(
    functions: Node[],
    private readonly iterators: Map<number, IteratorLoop>,
  ) {
    for (const fn of functions) {
      const name = functionName(fn);
      const list = this.byName.get(name) ?? [];
      list.push(fn);
      this.byName.set(name, list);
    }
  }

  factsOf(fn: Node): FunctionFacts {
    let f = this.facts.get(fn);
    if (!f) {
      f = functionFacts(fn, this.iterators);
      this.facts.set(fn, f);
    }
    return f;
  }

  isDefined(name: string): boolean {
    return this.byName.has(name);
  }

  /** Some definition of `name` (there may be several under #if/#else) calls a flush. */
  flushes(name: string): boolean {
    return (this.byName.get(name) ?? []).some((fn) => FLUSH_CALL.test(fn.text));
  }

  /** Some same-file caller of `name` calls a flush too (the caller flushes for its callee). */
  callerFlushes(name: string): boolean {
    if (!name || name === '<anonymous>') return false;
    const call = new RegExp(`\\b${name}\\s*\\(`);
    for (const [other, defs] of this.byName) {
      if (other === name) continue;
      if (defs.some((fn) => call.test(fn.text) && FLUSH_CALL.test(fn.text))) return true;
    }
    return false;
  }

  /** Whether `name` writes through its parameter `index` (directly or through its callees). */
  writesParam(name: string, index: number, depth = 0): boolean {
    const key = `${name}/${index}`;
    const known = this.writes.get(key);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) return false;
    this.writes.set(key, false);
    const result = (this.byName.get(name) ?? []).some((fn) => this.definitionWrites(fn, index, depth));
    this.writes.set(key, result);
    return result;
  }

  private definitionWrites(fn: Node, index: number, depth: number): boolean {
    const facts = this.factsOf(fn);
    const param = facts.params[index];
    if (!param) return false;
    const aliases = new Set([param]);
    for (const e of facts.all) {
      if (e.kind === 'assign' && e.rhs && aliases.has(rootOf(normKey(exprKey(pointerBase(e.rhs)))))) {
        aliases.add(e.lhsKey);
      }
    }
    const through = (n: Node | undefined): boolean =>
      n !== undefined && aliases.has(rootOf(normKey(exprKey(pointerBase(n)))));
    for (const e of facts.all) {
      if (e.kind === 'store' && aliases.has(e.baseKey)) return true;
      if (e.kind !== 'call') continue;
      for (const i of WRITES_ARGUMENT.get(e.name) ?? []) if (through(e.args[i])) return true;
      if (STORE_MACRO.has(e.name) && through(e.args[0])) return true;
      if (this.byName.has(e.name)) {
        const args = callArguments(e.node);
        for (let i = 0; i < args.length; i++) {
          if (through(args[i]) && this.writesParam(e.name, i, depth + 1)) return true;
        }
      }
    }
    return false;
  }
}

function rootOf(key: string): string {
  const m = /^[A-Za-z_]\w*/.exec(key);
  return m ? m[0] : key;
}


/**
 * What every rule of every family shares about one file: the functions by name, each function's
 * facts (built once), the text, and a memo where a family keeps what it computes once per
 * function or per file for all its rules (the vmap model, the vmap file scan).
 */
import type { Node } from '../../parsing/parser';
import type { IteratorLoop } from '../../parsing/preprocess';
import { functionName } from '../../parsing/nodeText';
import { functionFacts } from './facts';
import type { FunctionFacts } from './facts';

export class FileContext {
  protected readonly byName = new Map<string, Node[]>();
  private readonly facts = new Map<Node, FunctionFacts>();
  private readonly memos = new Map<string, WeakMap<object, unknown>>();
  private readonly instances = new Map<string, boolean>();

  constructor(
    functions: Node[],
    protected readonly iterators: Map<number, IteratorLoop>,
    protected readonly source = '',
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

  /** The file's text between two offsets (iterator macro arguments, for instance). */
  text(start: number, end: number): string {
    return this.source.slice(start, end);
  }

  /**
   * Whether the file defines an initialised instance of `struct type` (`struct T name = {`): an
   * operations table the file implements. A plain answer, so an editor's cache can compare it.
   */
  definesInstanceOf(type: string): boolean {
    let known = this.instances.get(type);
    if (known === undefined) {
      known = new RegExp(`\\bstruct\\s+${type}\\s+\\w+\\s*=\\s*\\{`).test(this.source);
      this.instances.set(type, known);
    }
    return known;
  }

  /**
   * The names of the functions the file defines, in file order: an array, a plain answer the
   * editor's cache can compare (an iterator would make every asking function uncacheable).
   */
  names(): string[] {
    return [...this.byName.keys()];
  }

  isDefined(name: string): boolean {
    return this.byName.has(name);
  }

  /** `make()`'s result for `key` under `slot`, computed on first use and kept for the file. */
  memo<T>(slot: string, key: object, make: () => T): T {
    let table = this.memos.get(slot);
    if (!table) {
      table = new WeakMap();
      this.memos.set(slot, table);
    }
    if (table.has(key)) return table.get(key) as T;
    const value = make();
    table.set(key, value);
    return value;
  }
}

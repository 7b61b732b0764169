/**
 * The linter's loop (linter.ts `lintParsed`) with a per-function cache, for the editor: after a
 * keystroke only the function that changed is analysed again.
 *
 * A function's findings depend on its own text and on what the rules ask the file about it
 * (`FileSummaries`: does a caller flush, does a callee write its parameter, where do a field's
 * pages come from). Each cache entry records those questions and their answers; it is reused when
 * the function's text is the same and every recorded question still gets the same answer from
 * the new file. Pure: no LSP, no I/O.
 */
import { formatKernelVersion } from '../kernel/version';
import type { KernelVersion } from '../kernel/version';
import type { Node, ParsedSource } from '../parsing/parser';
import { BudgetExceeded } from '../parsing/parser';
import { withDeadline } from '../parsing/deadline';
import { functionDefinitions, functionName } from '../parsing/nodeText';
import { FileSummaries } from '../analysis/dcache/summaries';
import type { TreeContext } from '../analysis/dcache/summaries';
import { checkRule, relevantToFile, selectRules } from '../linter';
import type { LintResult, SkippedFunction } from '../linter';
import type { Finding } from '../rules/types';

/** An argument as recorded: a plain value, or a function definition named by its text. */
type Arg = { value: unknown } | { fn: string };

interface Query {
  method: string;
  args: Arg[];
  /** The answer, serialised; undefined for `factsOf` (same text, same facts). */
  result: string | undefined;
}

interface Entry {
  /** Findings with offsets relative to the function's start and lines relative to its first line. */
  findings: Finding[];
  skipped?: { function: string; reason: string };
  /** The function's pre-passed text. */
  pre?: string;
  /** null: the rules asked something that cannot be compared; never reused. */
  queries: Query[] | null;
  /** The ids of the rules that looked at the function (comma-separated; '' for none). */
  active: string;
  /** The function's name, to find its entry after an edit of its text. */
  name: string;
}

export interface IncrementalStats {
  functions: number;
  analysed: number;
  reused: number;
}

const isPrimitive = (v: unknown): boolean =>
  v === null || (typeof v !== 'object' && typeof v !== 'function');

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && 'startIndex' in v && 'tree' in v && 'type' in v;

class Uncomparable extends Error {}

/**
 * Plain data (primitives, arrays, sets, maps, plain objects) as a stable string. A function
 * definition (what `definitions(name)` answers) is written as its text, as an argument is.
 */
function serialise(v: unknown, source: string): string {
  const walk = (x: unknown, depth: number): unknown => {
    if (depth > 8) throw new Uncomparable();
    if (isPrimitive(x)) return x === undefined ? '\u0000undefined' : x;
    if (Array.isArray(x)) return x.map((e) => walk(e, depth + 1));
    if (isNode(x)) {
      if (x.type !== 'function_definition') throw new Uncomparable();
      return ['\u0000fn', source.slice(x.startIndex, x.endIndex)];
    }
    if (x instanceof Set)
      return ['\u0000set', ...[...x].map((e) => JSON.stringify(walk(e, depth + 1))).sort()];
    if (x instanceof Map)
      return [
        '\u0000map',
        ...[...x].map(([k, e]) => JSON.stringify([walk(k, depth + 1), walk(e, depth + 1)])).sort(),
      ];
    if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      return Object.entries(x as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, e]) => [k, walk(e, depth + 1)]);
    }
    throw new Uncomparable();
  };
  return JSON.stringify(walk(v, 0));
}

/**
 * A FileSummaries that writes down every question asked and its answer. A question about another
 * function (`factsOf(fn)`) is recorded by that function's text.
 */
function recording(
  file: FileSummaries,
  source: string,
  log: { queries: Query[] | null },
): FileSummaries {
  return new Proxy(file, {
    get(target, prop, _receiver) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!log.queries) return result;
        try {
          const recorded: Arg[] = args.map((a) => {
            if (isPrimitive(a)) return { value: a };
            if (isNode(a) && a.type === 'function_definition')
              return { fn: source.slice(a.startIndex, a.endIndex) };
            throw new Uncomparable();
          });
          const method = String(prop);
          log.queries.push({
            method,
            args: recorded,
            result: method === 'factsOf' ? undefined : serialise(result, source),
          });
        } catch (e) {
          if (!(e instanceof Uncomparable)) throw e;
          log.queries = null;
        }
        return result;
      };
    },
  });
}

function stillValid(
  queries: readonly Query[],
  file: FileSummaries,
  functionsByText: Map<string, Node>,
  answers: Map<string, string | null>,
  source: string,
): boolean {
  const target = file as unknown as Record<string, (...a: unknown[]) => unknown>;
  return queries.every((q) => {
    const args: unknown[] = [];
    for (const a of q.args) {
      if ('value' in a) args.push(a.value);
      else {
        const fn = functionsByText.get(a.fn);
        if (!fn) return false;
        args.push(fn);
      }
    }
    if (q.result === undefined) return true;
    // Entries ask the same questions (does this callee flush?): answer each once per run.
    const key = `${q.method}\u0000${JSON.stringify(q.args)}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const method = target[q.method];
      answer = null;
      if (typeof method === 'function') {
        try {
          answer = serialise(method.apply(file, args), source);
        } catch (e) {
          if (!(e instanceof Uncomparable)) throw e;
        }
      }
      answers.set(key, answer);
    }
    return answer === q.result;
  });
}

function shift(f: Finding, by: number, lines: number): Finding {
  return {
    ...f,
    start: f.start + by,
    end: f.end + by,
    path: f.path.map((s) => ({ ...s, offset: s.offset + by, line: s.line + lines })),
    fixes: f.fixes.map((x) => ({
      ...x,
      edits: x.edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by })),
    })),
  };
}

export class IncrementalLinter {
  private cache = new Map<string, Entry>();
  private rulesKey = '';
  private kernelVersion: KernelVersion | undefined;
  lastStats: IncrementalStats = { functions: 0, analysed: 0, reused: 0 };

  /**
   * Lints `parsed`, reusing unchanged functions. A generator: it yields after each function it
   * really analyses so that the caller can give the event loop a turn and stop when superseded
   * (then the cache keeps what was finished). The return value is the lint result.
   */
  /*
   * With `quick`, an unchanged function's findings are reused without asking the file again: the
   * edited functions are fresh, their callers and callees may be stale until a full run follows.
   */
  *run(
    parsed: ParsedSource,
    ruleIds: readonly string[],
    deadline?: number,
    quick = false,
    kernelVersion?: KernelVersion,
    index?: { context: TreeContext; generation: number },
  ): Generator<void, LintResult> {
    // As in lintParsed: each rule's file-level pre-filter decides whether it sees the functions.
    // The set can change with an edit anywhere in the file, so it keys the cache.
    const rules = selectRules(ruleIds).filter((r) => relevantToFile(r, parsed.source));
    // The kernel version changes what the rules know, so it keys the cache too.
    const version = kernelVersion ? formatKernelVersion(kernelVersion) : 'newest';
    // So does the tree index: a new one (built, or a summary changed) clears the cache.
    const key = `${rules.map((r) => r.meta.id).join(',')}@${version}#${index?.generation ?? 0}`;
    this.kernelVersion = kernelVersion;
    if (key !== this.rulesKey) {
      this.cache.clear();
      this.rulesKey = key;
    }
    const stats: IncrementalStats = { functions: 0, analysed: 0, reused: 0 };
    this.lastStats = stats;
    const findings: Finding[] = [];
    const skipped: SkippedFunction[] = [];
    const { source, pre, tree } = parsed;
    if (rules.length === 0) {
      this.cache.clear();
      return { findings, skipped };
    }
    const functions = functionDefinitions(tree.rootNode);
    const file = new FileSummaries(functions, pre.iterators, source, index?.context);
    const next = new Map<string, Entry>();
    const byText = new Map<string, Node>();
    const answers = new Map<string, string | null>();
    for (const fn of functions) byText.set(source.slice(fn.startIndex, fn.endIndex), fn);
    for (const fn of functions) {
      const text = source.slice(fn.startIndex, fn.endIndex);
      // Keyed by the text; the pre-passed text (what the tree was built from) must match too.
      // Both are compared as slices, without building a combined key string per edit.
      const cacheKey = text;
      const preText = pre.text.slice(fn.startIndex, fn.endIndex);
      const cached = this.cache.get(cacheKey) ?? next.get(cacheKey);
      const known = cached?.pre === preText && cached.queries ? cached : undefined;
      // Which rules look at a function depends on the rest of the file too (does a same-file
      // callee write a page?), and asking costs a page model per callee. A quick run does not
      // ask: an unchanged function keeps its answer, an edited one the answer its previous text
      // had (by name) plus each rule's test of its own text; the full run asks again.
      const name = known?.name ?? functionName(fn);
      const before = quick && !known ? this.activeBefore(name) : undefined;
      const active =
        quick && known
          ? rules.filter((r) => known.active.split(',').includes(r.meta.id))
          : before !== undefined
            ? rules.filter((r) => before.includes(r.meta.id) || r.relevant(text))
            : rules.filter((r) => r.relevant(text, file));
      const activeKey = active.map((r) => r.meta.id).join(',');
      if (active.length === 0) {
        const none = known?.active === '' ? known : undefined;
        next.set(cacheKey, none ?? { findings: [], pre: preText, queries: [], active: '', name });
        continue;
      }
      stats.functions++;
      const firstLine = fn.startPosition.row + 1;
      const queries = known?.active === activeKey ? known.queries : null;
      let entry: Entry;
      if (
        known &&
        queries &&
        (quick || withDeadline(deadline, () => stillValid(queries, file, byText, answers, source)))
      ) {
        entry = known;
        stats.reused++;
      } else {
        if (deadline !== undefined && performance.now() > deadline) {
          throw new BudgetExceeded('analysis took longer than the time budget');
        }
        const analysed = withDeadline(deadline, () =>
          this.analyse(fn, file, parsed, active, firstLine),
        );
        entry = { ...analysed, pre: preText, active: activeKey, name };
        stats.analysed++;
        next.set(cacheKey, entry);
        this.cache.set(cacheKey, entry);
        yield;
      }
      next.set(cacheKey, entry);
      if (entry.skipped) skipped.push({ ...entry.skipped, line: firstLine });
      for (const f of entry.findings) findings.push(shift(f, fn.startIndex, firstLine - 1));
    }
    this.cache = next;
    findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
    return { findings, skipped };
  }

  /** Runs the generator to its end in one go. */
  lint(parsed: ParsedSource, ruleIds: readonly string[], deadline?: number): LintResult {
    const it = this.run(parsed, ruleIds, deadline);
    for (;;) {
      const step = it.next();
      if (step.done === true) return step.value;
    }
  }

  /** The rules that looked at the function `name` in the previous run (undefined: none known). */
  private activeBefore(name: string): string[] | undefined {
    for (const e of this.cache.values()) if (e.name === name) return e.active.split(',');
    return undefined;
  }

  clear(): void {
    this.cache.clear();
  }

  private analyse(
    fn: ParsedSource['tree']['rootNode'],
    file: FileSummaries,
    parsed: ParsedSource,
    active: ReturnType<typeof selectRules>,
    firstLine: number,
  ): Omit<Entry, 'active' | 'name'> {
    const log: { queries: Query[] | null } = { queries: [] };
    const facts = file.factsOf(fn);
    if (facts.cfg.skipped) {
      return {
        findings: [],
        skipped: { function: facts.name || functionName(fn), reason: facts.cfg.skipped },
        queries: [],
      };
    }
    const asked = recording(file, parsed.source, log);
    const found: Finding[] = [];
    for (const rule of active)
      found.push(
        ...checkRule(rule, {
          source: parsed.source,
          facts,
          file: asked,
          kernelVersion: this.kernelVersion,
        }),
      );
    const inside = (o: number): boolean => o >= fn.startIndex && o <= fn.endIndex;
    const local = found.every(
      (f) =>
        inside(f.start) &&
        inside(f.end) &&
        f.path.every((s) => inside(s.offset)) &&
        f.fixes.every((x) => x.edits.every((e) => inside(e.start) && inside(e.end))),
    );
    return {
      findings: found.map((f) => shift(f, -fn.startIndex, -(firstLine - 1))),
      queries: local ? log.queries : null,
    };
  }
}

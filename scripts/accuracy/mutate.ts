/**
 * Mutation recall on one tree: each labelled-needed flush/invalidate is removed alone (in memory;
 * the tree is never written) and its file linted before and after. Detected when the function
 * gains a finding the untouched function did not have. Every labelled function is also checked
 * untouched: a finding there is a false alarm, since all its flushes are in place.
 */
import { join } from 'node:path';
import type { Parser } from '../../server/src/parsing/parser';
import { BudgetExceeded, parseC } from '../../server/src/parsing/parser';
import { functionDefinitions, functionName } from '../../server/src/parsing/nodeText';
import { lintSource } from '../../server/src/linter';
import type { KernelVersion } from '../../server/src/kernel/version';
import type { Finding } from '../../server/src/rules/types';
import type { FileFacts, TreeFacts } from '../../server/src/xref/types';
import { TreeIndex } from '../../server/src/xref/treeIndex';
import { MAX_CALLER_FILES } from './callers';
import { readSource } from '../../server/src/cli/files';
import type { LabelSite } from './data';
import { findSites, removeSite } from './sites';
import type { Site } from './sites';
import type { Age, FunctionOutcome, MutationOutcome } from './score';

export interface MutationOptions {
  kernelVersion?: KernelVersion;
  budgetMs: number;
  /** The older tree (6.1) whose same files tell which functions are new or changed. */
  olderTree?: string;
  /**
   * The tree's index (issue 13): each file is then linted as `flushguard lint` lints it inside the
   * tree, so writes and flushes done by callees and callbacks in other files count. The index
   * keeps the untouched file's own facts; the mutated file's functions are read from its text.
   */
  index?: TreeFacts;
  progress?: (done: number, total: number) => void;
  /**
   * For a removal the function itself does not show: lint the functions that call it (callers.ts),
   * in its own file and in `files` (by name), the other files against an index whose facts for
   * the mutated file are summarised from the mutated text.
   */
  callers?: {
    files: Map<string, string[]>;
    facts: readonly FileFacts[];
    summarize: (file: string, text: string) => FileFacts | null;
  };
}

export interface TreeMutations {
  outcomes: MutationOutcome[];
  functions: FunctionOutcome[];
}

/** A lint result, or why the file was given up (over the time budget). */
type Lint = { findings: Finding[] } | { over: string };

function lint(parser: Parser, text: string, file: string, options: MutationOptions): Lint {
  try {
    const deadline = performance.now() + options.budgetMs;
    const tree = options.index ? { tree: options.index, file } : undefined;
    return {
      findings: lintSource(parser, text, {
        deadline,
        kernelVersion: options.kernelVersion,
        ...(tree ? { tree } : {}),
      }).findings,
    };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { over: e.message };
    throw e;
  }
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Each function's whitespace-normalised bodies in the older tree's same file, by name. */
function olderBodies(
  parser: Parser,
  tree: string | undefined,
  file: string,
): Map<string, string[]> | undefined {
  if (tree === undefined) return undefined;
  const read = readSource(join(tree, file));
  const bodies = new Map<string, string[]>();
  if (!read.ok) return bodies;
  const parsed = parseC(parser, read.text);
  try {
    for (const fn of functionDefinitions(parsed.tree.rootNode)) {
      const name = functionName(fn);
      bodies.set(name, [
        ...(bodies.get(name) ?? []),
        squash(read.text.slice(fn.startIndex, fn.endIndex)),
      ]);
    }
  } finally {
    parsed.tree.delete();
  }
  return bodies;
}

function ageOf(
  older: Map<string, string[]> | undefined,
  name: string,
  body: string,
): Age | undefined {
  if (!older) return undefined;
  const was = older.get(name);
  if (!was) return 'new';
  return was.includes(squash(body)) ? 'unchanged' : 'changed';
}

const inside = (f: Finding, start: number, end: number): boolean =>
  f.start >= start && f.start < end;

export function runMutations(
  parser: Parser,
  tree: string,
  labels: readonly LabelSite[],
  options: MutationOptions,
): TreeMutations {
  const byFile = new Map<string, LabelSite[]>();
  for (const s of labels) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  const outcomes: MutationOutcome[] = [];
  const functions: FunctionOutcome[] = [];
  const total = labels.filter((s) => s.needed).length;
  let done = 0;
  const baseLints = new Map<string, Lint>();
  for (const [file, sites] of byFile) {
    const read = readSource(join(tree, file));
    if (!read.ok) {
      for (const site of sites.filter((s) => s.needed))
        outcomes.push({ site, result: 'not-found', detail: `file: ${read.reason}` });
      continue;
    }
    const text = read.text;
    const found = findSites(parser, text);
    const older = olderBodies(parser, options.olderTree, file);
    const before = lint(parser, text, file, options);
    const matched = new Map<LabelSite, Site>();
    for (const s of sites) {
      const m = found.find(
        (f) => f.function === s.function && f.call === s.call && f.occurrence === s.occurrence,
      );
      if (m) matched.set(s, m);
    }
    const seenFunctions = new Set<number>();
    for (const [s, m] of matched) {
      if (seenFunctions.has(m.fnStart)) continue;
      seenFunctions.add(m.fnStart);
      const age = ageOf(older, s.function, text.slice(m.fnStart, m.fnEnd));
      const fo: FunctionOutcome = {
        file,
        function: s.function,
        rules: [],
        ...(age ? { age } : {}),
      };
      if ('over' in before) fo.skipped = before.over;
      else
        fo.rules = before.findings.filter((f) => inside(f, m.fnStart, m.fnEnd)).map((f) => f.rule);
      functions.push(fo);
    }
    for (const site of sites.filter((s) => s.needed)) {
      const m = matched.get(site);
      const age = m ? ageOf(older, site.function, text.slice(m.fnStart, m.fnEnd)) : undefined;
      const base = { site, ...(age ? { age } : {}) };
      options.progress?.(++done, total);
      if (!m) {
        outcomes.push({ ...base, result: 'not-found', detail: 'no such call in the function' });
        continue;
      }
      const after = lint(parser, removeSite(text, m), file, options);
      if ('over' in after || 'over' in before) {
        outcomes.push({
          ...base,
          result: 'skipped',
          detail: 'over' in after ? after.over : 'untouched file over budget',
        });
        continue;
      }
      const delta = m.end - m.start - 1;
      // Findings of the untouched function, at their offsets in the mutated text.
      const had = new Set(
        before.findings
          .filter((f) => inside(f, m.fnStart, m.fnEnd))
          .map((f) => `${f.rule}@${f.start >= m.end ? f.start - delta : f.start}`),
      );
      const fresh = after.findings.filter(
        (f) => inside(f, m.fnStart, m.fnEnd - delta) && !had.has(`${f.rule}@${f.start}`),
      );
      if (fresh.length > 0) {
        outcomes.push({
          ...base,
          result: 'detected',
          detail: [...new Set(fresh.map((f) => f.rule))].join(', '),
        });
        continue;
      }
      // The rest of the file: only the removal changed, so a new finding there is its effect.
      const allHad = new Set(
        before.findings.map((f) => `${f.rule}@${f.start >= m.end ? f.start - delta : f.start}`),
      );
      const elsewhere = after.findings.filter((f) => !allHad.has(`${f.rule}@${f.start}`));
      const caller =
        elsewhere.length > 0
          ? `${elsewhere[0]!.rule} in ${elsewhere[0]!.function}()`
          : options.callers && options.index
            ? callerFinding(
                parser,
                tree,
                file,
                site.function,
                removeSite(text, m),
                options,
                baseLints,
              )
            : undefined;
      outcomes.push(
        caller
          ? { ...base, result: 'detected', detail: `by a caller: ${caller}`, byCaller: true }
          : { ...base, result: 'missed' },
      );
    }
  }
  return { outcomes, functions };
}

/**
 * A finding the removal makes appear in another file that calls the mutated function: each
 * such file linted against the index as it is and as it is with the mutated file's facts.
 */
function callerFinding(
  parser: Parser,
  tree: string,
  file: string,
  name: string,
  mutated: string,
  options: MutationOptions,
  baseLints: Map<string, Lint>,
): string | undefined {
  const callers = options.callers!;
  const others = (callers.files.get(name) ?? [])
    .filter((f) => f !== file)
    .slice(0, MAX_CALLER_FILES);
  if (others.length === 0) return undefined;
  const facts = callers.summarize(file, mutated);
  const rest = callers.facts.filter((f) => f.file !== file);
  const index = new TreeIndex(facts ? [...rest, facts] : rest);
  for (const other of others) {
    const read = readSource(join(tree, other));
    if (!read.ok) continue;
    let before = baseLints.get(other);
    if (!before) baseLints.set(other, (before = lint(parser, read.text, other, options)));
    if ('over' in before) continue;
    const after = lint(parser, read.text, other, { ...options, index });
    if ('over' in after) continue;
    const had = new Set(before.findings.map((f) => `${f.rule}@${f.start}`));
    const fresh = after.findings.find((f) => !had.has(`${f.rule}@${f.start}`));
    if (fresh) return `${fresh.rule} in ${fresh.function}() (${other})`;
  }
  return undefined;
}

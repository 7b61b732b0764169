/**
 * One open document's analysis: incremental parse, per-function lint, suppressions. A run gives
 * the event loop a turn every few milliseconds and stops as soon as a newer run of the same
 * document starts or the caller cancels it (a newer edit, a cancelled pull request).
 */
import type { Parser } from '../parsing/parser';
import { BudgetExceeded, MAX_PARSE_CHARS, SourceTooLarge } from '../parsing/parser';
import type { LintResult, SkippedFunction } from '../linter';
import type { Finding } from '../rules/types';
import { RULE_IDS } from '../rules/index';
import { applySuppressions } from '../suppress';
import type { Suppression } from '../suppress';
import { enabledRules, severityOf } from '../config/settings';
import type { Settings } from '../config/settings';
import { IncrementalLinter } from './incrementalLint';
import type { IncrementalStats } from './incrementalLint';
import { ParsedDocument } from './parsedDocument';
import type { TreeContext } from '../analysis/dcache/summaries';

export interface Analysis {
  version: number;
  source: string;
  /** Findings to show: not suppressed, rule not off; severity already per settings. */
  findings: Finding[];
  unused: Suppression[];
  unknown: { suppression: Suppression; rule: string }[];
  skipped: SkippedFunction[];
  /** Set when the file was not analysed (excluded, over the time budget). */
  note?: string;
  /** Set when the text is longer than the parser takes (it was not parsed). */
  tooLarge?: { chars: number; limit: number };
  stats?: IncrementalStats;
  parse?: ParsedDocument['lastParse'];
  /** An interim result: unchanged functions not yet re-checked against the edit. */
  quick?: boolean;
}

/** Time an analysis may take before giving up on the file (the CLI's default budget). */
const BUDGET_MS = 20_000;
/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 8;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class DocumentAnalysis {
  private readonly parsed = new ParsedDocument();
  private readonly linter = new IncrementalLinter();
  private generation = 0;
  last: Analysis | undefined;
  running = false;
  lastUsed = 0;

  /** Resolves to the analysis, or undefined when superseded or cancelled. */
  async analyse(
    parser: Parser,
    source: string,
    version: number,
    settings: Settings,
    excludedBy: string | undefined,
    cancelled: () => boolean,
    interim?: (a: Analysis) => void,
    tree?: { context: TreeContext; generation: number },
  ): Promise<Analysis | undefined> {
    const generation = ++this.generation;
    this.lastUsed = Date.now();
    if (excludedBy !== undefined) {
      this.release();
      return this.finish({
        version,
        source,
        findings: [],
        unused: [],
        unknown: [],
        skipped: [],
        note: `excluded by ${excludedBy}`,
      });
    }
    const rules = enabledRules(settings);
    const deadline = performance.now() + BUDGET_MS;
    this.running = true;
    try {
      const parsed = this.parsed.parse(parser, source, deadline);
      const parse = this.parsed.lastParse;
      // First the edited functions, then (when there was an earlier version) everything that
      // may depend on them; the interim result is shown meanwhile.
      const passes = interim && this.last ? [true, false] : [false];
      let result: Analysis | undefined;
      for (const quick of passes) {
        const it = this.linter.run(parsed, rules, deadline, quick, settings.kernelVersion, tree);
        let sliceEnd = performance.now() + SLICE_MS;
        for (;;) {
          const step = it.next();
          if (step.done === true) {
            result = this.result(version, source, settings, rules, step.value, parse, quick);
            break;
          }
          if (performance.now() < sliceEnd) continue;
          await turn();
          if (generation !== this.generation || cancelled()) return undefined;
          sliceEnd = performance.now() + SLICE_MS;
        }
        if (quick && interim) interim(result);
      }
      return result && this.finish(result);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      this.parsed.release();
      this.linter.clear();
      const empty = { version, source, findings: [], unused: [], unknown: [], skipped: [] };
      if (e instanceof SourceTooLarge)
        return this.finish({
          ...empty,
          note: `not analysed: ${e.message}`,
          tooLarge: { chars: e.chars, limit: MAX_PARSE_CHARS },
        });
      return this.finish({ ...empty, note: `not analysed: ${e.message} (${BUDGET_MS} ms)` });
    } finally {
      if (generation === this.generation) this.running = false;
    }
  }

  private result(
    version: number,
    source: string,
    settings: Settings,
    rules: string[],
    lint: LintResult,
    parse: ParsedDocument['lastParse'],
    quick: boolean,
  ): Analysis {
    const suppressed = applySuppressions(source, lint.findings, rules, RULE_IDS);
    return {
      version,
      source,
      findings: suppressed.findings.map((f) => ({
        ...f,
        severity: severityOrWarning(settings, f.rule),
      })),
      unused: suppressed.unused,
      unknown: suppressed.unknown,
      skipped: lint.skipped,
      stats: { ...this.linter.lastStats },
      parse,
      quick,
    };
  }

  private finish(a: Analysis): Analysis {
    this.last = a;
    return a;
  }

  /** Frees the tree and the per-function cache (the document keeps its last analysis). */
  release(): void {
    if (this.running) return;
    this.parsed.release();
    this.linter.clear();
  }

  get holdsTree(): boolean {
    return this.parsed.hasTree;
  }

  /** The tree of the last analysis, for code actions (undefined after release). */
  treeFor(parser: Parser, source: string): ReturnType<ParsedDocument['parse']> {
    if (this.running) {
      // A suspended run would resume on a deleted tree: make it stop instead.
      this.generation++;
      this.running = false;
    }
    return this.parsed.parse(parser, source);
  }

  dispose(): void {
    this.generation++;
    this.running = false;
    this.release();
  }
}

function severityOrWarning(settings: Settings, rule: string): Finding['severity'] {
  const s = severityOf(settings, rule);
  return s === 'off' ? 'warning' : s;
}

/**
 * One fuzz case through the engine and the simulator, with the oracle: no exception, no run over
 * the budget, no finding or scenario error outside the text. Returns the problem, or undefined.
 */
import { BudgetExceeded } from '../../server/src/parsing/parser';
import type { Parser } from '../../server/src/parsing/parser';
import { lintSource } from '../../server/src/linter';
import { simulateEngineFinding } from '../../server/src/simulation';
import { parseScenario, runScenario, SimulatorInputError } from '../../simulator/src/index';
import { resultViolations } from '../../test/robustness/invariants';
import { parseConfigText } from '../../server/src/config/settings';
import { readConfigFile, readSource } from '../../server/src/cli/files';
import { makeSpecialFile, SPECIAL_FILES } from './hostile';
import type { SpecialFile } from './hostile';

export interface FuzzCase {
  /** C, a scenario, a `.flushguard.json`, or the name of a special file to make (hostile.ts). */
  kind: 'c' | 'fgs' | 'config' | 'special';
  /** Made to be heavy (a huge function, many functions): stopping at the budget is the answer. */
  heavy?: boolean;
  text: string;
  /** Where the text came from (kernel file, generator, scenario), for the report. */
  origin: string;
}

export interface CheckResult {
  /** `kind: detail`; the kind alone decides whether a smaller input "fails the same way". */
  problem?: string;
  ms: number;
  findings: number;
}

/** How late a stop at the deadline may land (the CFG of a 30,000-branch function takes ~1 s). */
const STOP_GRACE_MS = 2_000;

/** Simulated findings per case: each costs two simulator runs. */
const SIMULATED_PER_CASE = 2;

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]!.slice(0, 200)}`;
  return String(e).slice(0, 200);
}

export function checkCase(parser: Parser, c: FuzzCase, budgetMs: number): CheckResult {
  const t0 = performance.now();
  // A stop at the deadline lands a loop step or a CFG build after it: that much is on time.
  const limit = budgetMs + STOP_GRACE_MS;
  const over = (what: string): string | undefined => {
    const ms = performance.now() - t0;
    return ms > limit ? `over budget: ${what} took ${Math.round(ms)} ms` : undefined;
  };
  if (c.kind === 'config')
    return {
      problem: checkConfig(c.text) ?? over('config'),
      ms: performance.now() - t0,
      findings: 0,
    };
  if (c.kind === 'special')
    return {
      problem: checkSpecial(c.text as SpecialFile) ?? over('special file'),
      ms: performance.now() - t0,
      findings: 0,
    };
  if (c.kind === 'fgs')
    return {
      problem: checkScenario(c.text) ?? over('scenario'),
      ms: performance.now() - t0,
      findings: 0,
    };
  let result;
  try {
    result = lintSource(parser, c.text, { deadline: t0 + budgetMs });
  } catch (e) {
    // A heavy case stopped at its deadline is the protection working, if it stopped on time.
    if (e instanceof BudgetExceeded && c.heavy === true)
      return { problem: over('a stop at the budget'), ms: performance.now() - t0, findings: 0 };
    const problem =
      e instanceof BudgetExceeded ? `over budget: ${e.message}` : `crash: ${describe(e)}`;
    return { problem, ms: performance.now() - t0, findings: 0 };
  }
  const violations = resultViolations(c.text, result);
  if (violations.length > 0)
    return {
      problem: `out of range: ${violations[0]!}`,
      ms: performance.now() - t0,
      findings: result.findings.length,
    };
  const lintOver = over(c.heavy === true ? 'heavy lint' : 'lint');
  if (lintOver)
    return { problem: lintOver, ms: performance.now() - t0, findings: result.findings.length };
  for (const f of result.findings.slice(0, SIMULATED_PER_CASE)) {
    try {
      const sim = simulateEngineFinding(c.text, 'fuzz.c', f, 'arm1176-32k');
      if (!sim.scenario)
        return {
          problem: 'simulate: empty scenario',
          ms: performance.now() - t0,
          findings: result.findings.length,
        };
    } catch (e) {
      return {
        problem: `simulate crash: ${describe(e)}`,
        ms: performance.now() - t0,
        findings: result.findings.length,
      };
    }
  }
  return {
    problem: over('lint and simulate'),
    ms: performance.now() - t0,
    findings: result.findings.length,
  };
}

/** Parse errors must sit on the text; a scenario that parses must run (or be refused politely). */
function checkScenario(text: string): string | undefined {
  let parsed;
  try {
    parsed = parseScenario(text);
  } catch (e) {
    return `scenario parse crash: ${describe(e)}`;
  }
  const lines = text.split('\n');
  for (const err of parsed.errors) {
    const line = lines[err.line - 1];
    if (line === undefined || err.column < 1 || err.column > line.length + 1)
      return `scenario error out of range: ${err.line}:${err.column} ${err.message}`;
    if (!err.message) return `scenario error without a message at ${err.line}:${err.column}`;
  }
  if (!parsed.scenario) return undefined;
  try {
    runScenario(parsed.scenario, parsed.scenario.preset);
  } catch (e) {
    if (!(e instanceof SimulatorInputError)) return `scenario run crash: ${describe(e)}`;
  }
  return undefined;
}

/** Settings reading must not throw, must leave Object.prototype alone, and must not echo input. */
function checkConfig(text: string): string | undefined {
  const before = Object.getOwnPropertyNames(Object.prototype).join();
  let problems: string[];
  try {
    problems = parseConfigText(text, 'fuzz.json').problems;
  } catch (e) {
    return `config crash: ${describe(e)}`;
  }
  if (Object.getOwnPropertyNames(Object.prototype).join() !== before)
    return 'config: Object.prototype was written';
  if (problems.some((p) => p.length > 2000)) return 'config: a problem message echoes the input';
  return undefined;
}

/** A special file named as C or as a configuration is refused quickly, without its content. */
function checkSpecial(kind: SpecialFile): string | undefined {
  if (!SPECIAL_FILES.includes(kind)) return `special: unknown kind ${kind}`;
  const { path, cleanup } = makeSpecialFile(kind);
  try {
    const t0 = performance.now();
    const source = readSource(path);
    const config = readConfigFile(path, 'fuzz.json');
    const ms = performance.now() - t0;
    if (ms > SPECIAL_MS) return `special: ${kind} took ${Math.round(ms)} ms to refuse`;
    // /dev/null reads as an empty regular-looking stream only through the symlink's target,
    // which is a character device: every kind here must be refused.
    if (source.ok) return `special: ${kind} was read as C`;
    if (!('error' in config)) return `special: ${kind} was read as a configuration`;
    return undefined;
  } finally {
    cleanup();
  }
}

/** Refusing a special file is a stat and a close; reading any of them would take far longer. */
const SPECIAL_MS = 2_000;

/**
 * Parses the CLI's arguments. A usage error (bad arguments) is an exception carrying the message;
 * the usage text follows it. Bad input (a missing file, nothing to lint) is an InputError: the
 * message alone. Both exit 2.
 */
import { parseKernelVersion } from '../kernel/version';
import type { KernelVersion } from '../kernel/version';

export class UsageError extends Error {}
export class InputError extends Error {}

export interface ParsedArgs {
  command: string;
  positional: string[];
  options: Map<string, string[]>;
}

/** Options that take a value; anything else starting with `--` is a flag. */
const VALUED = new Set([
  '--format',
  '--rule',
  '--jobs',
  '--line',
  '--preset',
  '--scenario',
  '--budget',
  '--docs-base',
  '--config',
  '--kernel-version',
]);
const FLAGS = new Set([
  '--verbose',
  '--no-progress',
  '--help',
  '--quiet',
  '--aliasing-only',
  '--no-cache',
]);
/** Patch review (server/src/cli/review): valued options, flags, and `--diff[=REV]` whose value is optional. */
const REVIEW_VALUED = new Set(['--patch', '--tree', '--baseline', '--stdin-filename']);
const REVIEW_FLAGS = new Set(['--version']);
const OPTIONAL_VALUE = new Set(['--diff']);

export function parseArgs(argv: string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (OPTIONAL_VALUE.has(name)) {
      options.set(name, [...(options.get(name) ?? []), eq > 0 ? arg.slice(eq + 1) : '']);
    } else if (VALUED.has(name) || REVIEW_VALUED.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      options.set(name, [...(options.get(name) ?? []), value]);
    } else if (FLAGS.has(name) || REVIEW_FLAGS.has(name)) {
      options.set(name, ['true']);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return { command, positional, options };
}

export function one(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  if (values && values.length > 1) throw new UsageError(`${name} given more than once`);
  return values?.[0];
}

/** `--kernel-version X.Y`, or undefined when not given. */
export function kernelVersionOption(args: ParsedArgs): KernelVersion | undefined {
  const raw = one(args, '--kernel-version');
  if (raw === undefined) return undefined;
  const v = parseKernelVersion(raw);
  if (!v) throw new UsageError(`--kernel-version must look like 6.12 (got '${raw}')`);
  return v;
}

export function choice<T extends string>(
  args: ParsedArgs,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = one(args, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

export function positiveInt(args: ParsedArgs, name: string, fallback: number): number {
  const raw = one(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a positive whole number (got '${raw}')`);
  return n;
}

/**
 * What `flushguard --help` prints. Every option parsed above is listed here (a test checks, and
 * that the README shows this text verbatim).
 */
export const USAGE = `usage:
  flushguard lint [OPTION]... PATH...
  flushguard simulate FILE.c --line N [--preset ID] [--format text|json] [--budget MS]
  flushguard simulate --scenario FILE.fgs [--preset ID] [--format text|json]
  flushguard presets [--format text|json]
  flushguard rules [--format text|json]
  flushguard --help
  flushguard --version

lint options:
  --format text|json|sarif  output format (default: text)
  --rule ID                 run only this rule; repeatable (\`flushguard rules\` lists them)
  --jobs N                  worker threads (default: the number of CPUs)
  --budget MS               time budget per file (default: 20000); a file over it is skipped
  --config FILE             settings from FILE instead of the nearest .flushguard.json
  --docs-base URL           SARIF help links point at URL/<rule-id>.md
  --kernel-version X.Y      check the code as kernel X.Y (default: the tree's top Makefile)
  --verbose                 also print each finding's path as note: lines, and each
                            tree's kernel version
  --quiet                   print the findings only: no summary, no notes, no progress
  --no-progress             no progress line on stderr
  --aliasing-only           drop findings Kconfig confines to CPUs without an aliasing D-cache
  --no-cache                neither read nor write the on-disk cache
  --diff [REV|REV1..REV2]   report what a git change introduces (default: HEAD vs the work tree)
  --patch FILE|-            report what a patch or mbox series introduces, applied on --tree
  --tree DIR                the tree a --patch applies to (default: the current directory)
  --baseline OLD.json       report only findings that an earlier --format json run did not have
  --stdin-filename NAME     the name shown for C read from standard input (PATH -)
simulate options:
  --line N                  simulate the finding on line N (or the nearest in its function)
  --scenario FILE.fgs       run a scenario file instead of a finding
  --preset ID               the simulated CPU (default: arm1176-32k; \`flushguard presets\`)
  --format text|json        output format (default: text)
  --budget MS               time budget for analysing FILE.c (default: 20000), as for lint
  --kernel-version X.Y      judge FILE.c as kernel X.Y, as for lint; inside a kernel tree the
                            file is judged with the tree's index (--no-cache, --jobs as for lint)

exit codes: 0 no findings, 1 findings, 2 usage error, unreadable input or no C file to lint`;

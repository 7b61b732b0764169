/** Parses the CLI's arguments; a usage error is an exception carrying the message (exit 2). */

export class UsageError extends Error {}

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
]);
const FLAGS = new Set(['--verbose', '--no-progress', '--help', '--quiet', '--no-cache']);

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
    if (VALUED.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      options.set(name, [...(options.get(name) ?? []), value]);
    } else if (FLAGS.has(name)) {
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

export const USAGE = `usage:
  flushguard lint [--format text|json|sarif] [--rule ID]... [--jobs N] [--verbose] [--no-cache] PATH...
  flushguard simulate FILE.c --line N [--preset ID] [--format text|json]
  flushguard simulate --scenario FILE [--preset ID] [--format text|json]
  flushguard presets [--format text|json]
  flushguard rules

exit codes: 0 no findings, 1 findings, 2 usage error or unreadable input`;

/** The `flushguard` command line. Also the entry of its own worker threads. */
import { RULES } from '../rules/index';
import { choice, InputError, parseArgs, UsageError, USAGE } from './args';
import type { ParsedArgs } from './args';
import { lintCommand } from './lintCommand';
import { presetsCommand, simulateCommand } from './simulateCommand';
import type { Io } from './lintCommand';
import { isLintWorker, runLintWorker } from './worker';
import { isXrefWorker, runXrefWorker } from '../xref/build';
import { mayReport } from '../linter';
import { isReview, reviewCommand } from './review/command';
import { packageVersion } from '../host/package';

async function main(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === '--version' || args.options.has('--version')) {
      io.out(`flushguard ${packageVersion()}\n`);
      return 0;
    }
    if (args.options.has('--help')) {
      io.out(USAGE + '\n');
      return 0;
    }
    switch (args.command) {
      case 'lint':
        return await (isReview(args) ? reviewCommand(args, io) : lintCommand(args, io));
      case 'simulate':
        return await simulateCommand(args, io);
      case 'presets':
        return presetsCommand(args, io);
      case 'rules':
        return rulesCommand(args, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE + '\n');
        return 0;
      default:
        throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`flushguard: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(`flushguard: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function rulesCommand(args: ParsedArgs, io: Io): number {
  const format = choice(args, '--format', ['text', 'json'] as const, 'text');
  if (format === 'json') {
    const rules = RULES.map(({ meta }) => ({
      id: meta.id,
      severity: meta.defaultSeverity,
      description: meta.description,
    }));
    io.out(JSON.stringify({ rules }, null, 2) + '\n');
  } else {
    for (const r of RULES)
      io.out(`${r.meta.id}\t${r.meta.defaultSeverity}\t${r.meta.description}\n`);
  }
  return 0;
}

/**
 * A reader that goes away (`flushguard lint . | head`) ends the run quietly, the way a C tool
 * dies of SIGPIPE: no EPIPE stack, and nothing more is written.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

if (isLintWorker()) {
  void runLintWorker();
} else if (isXrefWorker()) {
  void runXrefWorker(mayReport);
} else {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const io: Io = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTTY: process.stderr.isTTY,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(
        `flushguard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 2;
    },
  );
}

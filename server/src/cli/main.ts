/** The `flushguard` command line. Also the entry of its own worker threads. */
import { RULES } from '../rules/index';
import { parseArgs, UsageError, USAGE } from './args';
import { lintCommand } from './lintCommand';
import { presetsCommand, simulateCommand } from './simulateCommand';
import type { Io } from './lintCommand';
import { isLintWorker, runLintWorker } from './worker';
import { isXrefWorker, runXrefWorker } from '../xref/build';

async function main(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.options.has('--help')) {
      io.out(USAGE + '\n');
      return 0;
    }
    switch (args.command) {
      case 'lint':
        return await lintCommand(args, io);
      case 'simulate':
        return await simulateCommand(args, io);
      case 'presets':
        return presetsCommand(args, io);
      case 'rules':
        for (const r of RULES)
          io.out(`${r.meta.id}\t${r.meta.defaultSeverity}\t${r.meta.description}\n`);
        return 0;
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
    throw e;
  }
}

if (isLintWorker()) {
  void runLintWorker();
} else if (isXrefWorker()) {
  void runXrefWorker();
} else {
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

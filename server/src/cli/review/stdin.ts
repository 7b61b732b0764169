/**
 * `-` as a lint PATH: C read from standard input, shown under `--stdin-filename NAME`. The text
 * goes through a scratch file so that it takes exactly the path every other file takes.
 */
import { readDescriptorBounded } from '../../host/boundedRead';
import { MAX_SOURCE_BYTES } from '../files';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, one, UsageError } from '../args';
import type { ParsedArgs } from '../args';
import type { InputFile } from '../files';

export interface StdinInput {
  /** The PATHs other than `-`. */
  paths: string[];
  file?: InputFile;
}

/** A unified diff or an mail-formatted patch, which `--patch -` reads and `-` would lint as C. */
const PATCH_START = /^(?:From [0-9a-f]{40} |diff --git |--- \S.*\n\+\+\+ |Index: )/m;

/** Standard input, bounded like a C file: `lint - < /dev/zero` stops at the limit. */
function readStandardInput(): Buffer {
  const read = readDescriptorBounded(0, MAX_SOURCE_BYTES);
  if (!read.ok) throw new InputError(`standard input: ${read.reason}`);
  return read.bytes;
}

export function stdinInput(args: ParsedArgs, read: () => Buffer = readStandardInput): StdinInput {
  const name = one(args, '--stdin-filename');
  const count = args.positional.filter((p) => p === '-').length;
  if (count === 0) {
    if (name !== undefined) throw new UsageError('--stdin-filename goes with - as the PATH');
    return { paths: args.positional };
  }
  if (count > 1) throw new UsageError('- (standard input) given more than once');
  const bytes = read();
  const head = bytes.subarray(0, 4096).toString('utf8');
  if (PATCH_START.test(head))
    throw new UsageError('standard input is a patch, not C: use flushguard lint --patch -');
  const dir = mkdtempSync(join(tmpdir(), 'flushguard-stdin-'));
  const path = join(dir, 'stdin.c');
  writeFileSync(path, bytes);
  // The scratch file lives as long as the run (worker threads read it too).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return {
    paths: args.positional.filter((p) => p !== '-'),
    file: { display: name ?? '<stdin>', path },
  };
}

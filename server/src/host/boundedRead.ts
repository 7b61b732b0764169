/**
 * Reads a file only when it is a regular file of at most `maxBytes`: the type and the size are
 * checked on the open descriptor before reading, and the read stops past the limit (a file that
 * grows meanwhile is refused too). A FIFO is opened without blocking, so naming one costs
 * nothing; /dev/zero, a directory, a socket are refused by what they are. Messages name the file
 * kind and the size, never the content. Node-only: the CLI and the language server use it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      reason: string;
      /** The file is missing or unreadable (not merely refused). */ unreadable: boolean;
    };

export const MIB = 1024 * 1024;

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function sizeText(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`;
}

export function readBounded(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return {
      ok: false,
      reason: (e as NodeJS.ErrnoException).code ?? 'unreadable',
      unreadable: true,
    };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      return { ok: false, reason: `${kind(st)}, not a regular file`, unreadable: true };
    if (st.size > maxBytes)
      return {
        ok: false,
        reason: `${sizeText(st.size)}, more than the ${sizeText(maxBytes)} read`,
        unreadable: false,
      };
    // One byte more than the stat size: a read that fills it means the file grew.
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes)
          return {
            ok: false,
            reason: `more than the ${sizeText(maxBytes)} read (it grew)`,
            unreadable: false,
          };
        const bigger = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return { ok: true, bytes: buffer.subarray(0, length) };
      length += n;
    }
  } catch (e) {
    return {
      ok: false,
      reason: (e as NodeJS.ErrnoException).code ?? 'unreadable',
      unreadable: true,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an open descriptor (standard input) to its end, refusing past `maxBytes`: `lint -` and
 * `--patch -` fed from /dev/zero or an endless pipe stop at the limit instead of filling memory.
 */
export function readDescriptorBounded(fd: number, maxBytes: number): BoundedRead {
  const chunks: Buffer[] = [];
  let length = 0;
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        // A non-blocking standard input with nothing yet: wait for it rather than spin.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      length += n;
      if (length > maxBytes)
        return {
          ok: false,
          reason: `more than the ${sizeText(maxBytes)} read`,
          unreadable: false,
        };
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
  } catch (e) {
    return {
      ok: false,
      reason: (e as NodeJS.ErrnoException).code ?? 'unreadable',
      unreadable: true,
    };
  }
  return { ok: true, bytes: Buffer.concat(chunks, length) };
}

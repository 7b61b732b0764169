/**
 * Reads a function does through a byte-buffer parameter (`char *buf`), for the tree index: an
 * operations-table field called with a page's kernel mapping (`tr->writesect(dev, block, buf)`
 * with `buf = kmap(bio_page(req->bio)) + off`, drivers/mtd/mtd_blkdevs.c:86, 6.1) reads the page
 * when its implementations copy from that parameter (`memcpy(cache + off, buf, size)` in
 * drivers/mtd/mtdblock.c do_cached_write, reached from mtdblock_writesect, 6.1). The reading side
 * of bufferWrites.ts; a read needs no flag, since a stale read is wrong on either path.
 */
import type { Node } from '../parsing/parser';
import { callArguments, parameterIndirections } from '../parsing/nodeText';
import type { FunctionFacts } from '../analysis/core/facts';
import { FixpointMemo } from '../analysis/core/fixpoint';
import type { FileSummaries } from '../analysis/dcache/summaries';
import { READS_MEMORY } from '../knowledge/dcache';
import { bufferAliases, pointsInto } from './bufferWrites';

/** Element types a byte buffer is declared with (a struct pointer's loads are its fields). */
const SCALAR_TYPE = /^(?:char|void|(?:__)?(?:[us](?:8|16|32|64)|le(?:16|32|64)|be(?:16|32|64)))$/;

const memos = new WeakMap<FileSummaries, FixpointMemo<boolean>>();

/** The byte-buffer parameters of `fn` (named `name` in `local`) that it reads through. */
export function bufferReads(
  fn: Node,
  name: string,
  local: FileSummaries,
  params: readonly string[],
  types: ReadonlyMap<string, string>,
): number[] {
  const depth = parameterIndirections(fn);
  return params.flatMap((p, i) => {
    const type = types.get(p);
    if (depth[i] !== 1 || (type !== undefined && !SCALAR_TYPE.test(type))) return [];
    return read(local, name, i) ? [i] : [];
  });
}

function read(local: FileSummaries, name: string, index: number): boolean {
  let memo = memos.get(local);
  if (!memo) memos.set(local, (memo = new FixpointMemo<boolean>(false, (a, b) => a === b)));
  return memo.get(`${name}/${index}`, () =>
    local.definitions(name).some((fn) => definitionReads(local, local.factsOf(fn), index)),
  );
}

function definitionReads(local: FileSummaries, facts: FunctionFacts, index: number): boolean {
  const param = facts.params[index];
  if (!param) return false;
  const aliases = bufferAliases(facts, param);
  const through = (n: Node | undefined): boolean => pointsInto(aliases, n);
  return facts.all.some((e) => {
    if (e.kind !== 'call') return false;
    if ((READS_MEMORY.get(e.name) ?? []).some((i) => through(e.args[i]))) return true;
    if (e.name === facts.name || local.definitions(e.name).length === 0) return false;
    // A same-file helper handed the buffer (`return do_cached_write(mtdblk, pos, 512, buf)`).
    return callArguments(e.node).some((arg, i) => through(arg) && read(local, e.name, i));
  });
}

/**
 * Writes a function does through a byte-buffer parameter (`unsigned char *buf`, `void *dst`),
 * for the tree index: an operations-table field called with a page's kernel mapping
 * (`ap->ops->sff_data_xfer(qc, kaddr + off, len, rw)`, 6.12 drivers/ata/libata-sff.c:584)
 * writes the page when its implementations write that parameter (`ioread16_rep(port, buf, n)`
 * in ata_sff_data_xfer, :484). A write kept under a flag parameter (`if (rw == READ)`) is kept
 * with that flag, so that the caller's own test of the same value correlates with it.
 */
import type { Node } from '../parsing/parser';
import { callArguments, exprKey, parameterIndirections, stripExpr } from '../parsing/nodeText';
import { normKey, pointerBase } from '../analysis/core/events';
import type { Event } from '../analysis/core/events';
import type { FunctionFacts } from '../analysis/core/facts';
import { FixpointMemo } from '../analysis/core/fixpoint';
import type { FileSummaries } from '../analysis/dcache/summaries';
import { flushGuard, innermostIf } from '../analysis/dcache/flushGuard';
import type { FlushGuard } from '../analysis/dcache/flushGuard';
import { STORE_MACRO, WRITES_ARGUMENT } from '../knowledge/dcache';

/** Parameter `index` is written through, always (`when` absent) or only under a flag. */
export interface BufferWrite {
  index: number;
  when?: FlushGuard;
}

/** Written: always ('always'), under one flag, or not at all (false). */
type Written = false | 'always' | FlushGuard;

/** Scalar element types a buffer is declared with (a struct pointer's stores are its fields). */
const SCALAR_TYPE = /^(?:__)?(?:[us](?:8|16|32|64)|le(?:16|32|64)|be(?:16|32|64))$/;
/** `READ` and `WRITE` are 0 and 1 (include/linux/kernel.h:45, 6.12). */
const DIRECTION: Record<string, boolean> = { READ: false, WRITE: true, '0': false, '1': true };

const memos = new WeakMap<FileSummaries, FixpointMemo<Written>>();

/** The byte-buffer parameters of `fn` (named `name` in `local`) that it writes through. */
export function bufferWrites(
  fn: Node,
  name: string,
  local: FileSummaries,
  params: readonly string[],
  types: ReadonlyMap<string, string>,
): BufferWrite[] {
  const depth = parameterIndirections(fn);
  const out: BufferWrite[] = [];
  params.forEach((p, i) => {
    const type = types.get(p);
    if (depth[i] !== 1 || (type !== undefined && !SCALAR_TYPE.test(type))) return;
    const w = written(local, name, i);
    if (w === 'always') out.push({ index: i });
    else if (w) out.push({ index: i, when: w });
  });
  return out;
}

function written(local: FileSummaries, name: string, index: number): Written {
  let memo = memos.get(local);
  if (!memo) memos.set(local, (memo = new FixpointMemo<Written>(false, sameWritten)));
  return memo.get(`${name}/${index}`, () =>
    local
      .definitions(name)
      .map((fn) => definitionWritten(local, local.factsOf(fn), index))
      .reduce(join, false),
  );
}

function definitionWritten(local: FileSummaries, facts: FunctionFacts, index: number): Written {
  const param = facts.params[index];
  if (!param) return false;
  const aliases = bufferAliases(facts, param);
  let result: Written = false;
  for (const e of facts.all) {
    const w = eventWrite(local, facts, e, aliases, index);
    if (w) result = join(result, w);
    if (result === 'always') break;
  }
  return result;
}

function eventWrite(
  local: FileSummaries,
  facts: FunctionFacts,
  e: Event,
  aliases: ReadonlySet<string>,
  index: number,
): Written {
  const through = (n: Node | undefined): boolean => pointsInto(aliases, n);
  const own = (): Written => guardOf(e.node, facts, index) ?? 'always';
  if (e.kind === 'store') return aliases.has(e.baseKey) ? own() : false;
  if (e.kind !== 'call') return false;
  if ((WRITES_ARGUMENT.get(e.name) ?? []).some((i) => through(e.args[i]))) return own();
  const stored = STORE_MACRO.get(e.name);
  if (stored !== undefined && through(e.args[stored])) return own();
  if (e.name === facts.name || local.definitions(e.name).length === 0) return false;
  // A same-file helper handed the buffer (`return ata_sff_data_xfer(qc, buf, len, rw)`).
  let result: Written = false;
  callArguments(e.node).forEach((arg, i) => {
    if (!through(arg)) return;
    const w = written(local, e.name, i);
    if (!w) return;
    const mine = guardOf(e.node, facts, index);
    // The callee's flag, when this function passes its own parameter for it.
    const flag = w === 'always' ? undefined : stripExpr(e.args[w.flag] ?? e.node);
    const passed = flag?.type === 'identifier' ? facts.params.indexOf(flag.text) : -1;
    const theirs: Written =
      w === 'always' ? 'always' : passed >= 0 ? { flag: passed, value: w.value } : 'always';
    result = join(result, mine ?? theirs);
  });
  return result;
}

/** The flag parameter the innermost `if` around `node` tests: `if (rw)`, `if (rw == READ)`. */
function guardOf(node: Node, facts: FunctionFacts, exclude: number): FlushGuard | undefined {
  const plain = flushGuard(node, facts, exclude);
  if (plain) return plain;
  const at = innermostIf(node, facts.cfg.node);
  if (!at) return undefined;
  const test = stripExpr(at.cond);
  const op = test.type === 'binary_expression' ? test.childForFieldName('operator')?.text : '';
  if (op !== '==' && op !== '!=') return undefined;
  const left = stripExpr(test.childForFieldName('left') ?? test);
  const right = test.childForFieldName('right')?.text.trim() ?? '';
  const flag = left.type === 'identifier' ? facts.params.indexOf(left.text) : -1;
  const constant = DIRECTION[right];
  if (flag < 0 || flag === exclude || constant === undefined) return undefined;
  // `rw == READ` in the then-branch: the flag is zero there.
  return { flag, value: (op === '==') === at.inThen ? constant : !constant };
}

/** Two writes of one parameter: always wins; two different flags make it always. */
function join(a: Written, b: Written): Written {
  if (!a) return b;
  if (!b) return a;
  if (a === 'always' || b === 'always') return 'always';
  return a.flag === b.flag && a.value === b.value ? a : 'always';
}

function sameWritten(a: Written, b: Written): boolean {
  if (!a || !b || a === 'always' || b === 'always') return a === b;
  return a.flag === b.flag && a.value === b.value;
}

/** The names that point into the buffer parameter `param`: `p = buf + off`; `buf += n` keeps `buf`. */
export function bufferAliases(facts: FunctionFacts, param: string): Set<string> {
  const aliases = new Set([param]);
  for (const e of facts.all)
    if (e.kind === 'assign' && e.rhs && pointsInto(aliases, e.rhs)) aliases.add(e.lhsKey);
  return aliases;
}

/** Whether expression `n` points into the buffer these aliases name. */
export function pointsInto(aliases: ReadonlySet<string>, n: Node | undefined): boolean {
  return n !== undefined && aliases.has(rootOf(normKey(exprKey(pointerBase(n)))));
}

function rootOf(key: string): string {
  return /^[A-Za-z_]\w*/.exec(key)?.[0] ?? key;
}

/**
 * A flush helper's contract, checked where the helper is defined. Some kernel functions flush a
 * page on behalf of their callers: the buffer-head `write_end` flushes what `page_symlink()`
 * copied in, `vm_insert_page()` flushes the driver's page before user space maps it, the crypto
 * walk's `scatterwalk_pagedone()` and `sg_miter_stop()` flush what the walk's user wrote. The
 * kernel-API table says so (role `flushes-for-callers`), and every caller in the tree is judged
 * by it; a refactor that drops the flush from the helper leaves each caller's write unflushed
 * while no caller changed. So the helper's own definition must keep the flush: on every path
 * that does not fail (`every`), or, for a walk that flushes only when it wrote, on some path.
 */
import type { Node } from '../../parsing/parser';
import { stripExpr } from '../../parsing/nodeText';
import { pageKey } from '../core/facts';
import type { FunctionFacts } from '../core/facts';
import type { Event } from '../core/events';
import { findBadPath } from '../core/pathSearch';
import type { Witness } from '../core/pathSearch';
import * as K from '../../knowledge/dcache';
import { nonAliasingBuild } from './conditions';
import { guardAllows } from './flushGuard';
import { callName } from './summaries';
import type { FileSummaries } from './summaries';
import { describeEdge, endOfFunctionStep, insertStatementFix, stepAt } from '../core/steps';
import type { Fix, PathStep } from '../core/types';

export interface ContractBreach {
  /** A contract the file shows, not the table: the same-file caller that relies on it. */
  reliedBy?: string;
  /** The parameter its callers wrote (absent: the page a walk holds). */
  param?: string;
  /** The unflushed path to the exit, for a contract that holds on every path. */
  witness?: Witness;
  /** What the table says, in words, for the message. */
  every: boolean;
}

/** `return -EINVAL;`, `return ERR_PTR(-ENOMEM);`: a failure, after which the caller flushes nothing. */
const FAILURE = /^(?:-\s*E[A-Z0-9]+|-\s*\d+|ERR_PTR\s*\(.*\))$/s;
/** A flush in the text that the events do not show (inside a macro's argument, say). */
const FLUSH_TEXT = /\bflush_dcache_(?:page|folio)\s*\(/;

const PENDING = 1;
const FAILED = 2;

/**
 * Whether the definition `facts` of a helper the table says flushes for its callers has lost that
 * flush: on some path that does not fail (`every`), or on all of them.
 */
export function flushContractBreach(
  facts: FunctionFacts,
  file: FileSummaries,
): ContractBreach | undefined {
  const relied = K.FLUSH_CONTRACT.has(facts.name)
    ? undefined
    : file.reliedOnHelpers().get(facts.name);
  const contract = K.FLUSH_CONTRACT.get(facts.name) ?? relied;
  if (!contract) return undefined;
  const body = facts.cfg.node.childForFieldName('body');
  // An empty body is the build without the feature (a `!CONFIG_...` stub): nothing to keep.
  if (!body || body.namedChildCount === 0) return undefined;
  const param = contract.page >= 0 ? facts.params[contract.page] : undefined;
  if (!contract.every || param === undefined) {
    if (contract.page >= 0 && param === undefined) return undefined;
    const flushes = facts.all.some((e) => flushesAnything(e, facts, file));
    return flushes || FLUSH_TEXT.test(body.text)
      ? undefined
      : { every: false, ...(param ? { param } : {}) };
  }
  const key = facts.canon(param);
  const witness = findBadPath(facts, {
    initial: PENDING,
    step: (s, e) =>
      s !== PENDING ? s : flushesPlace(e, key, facts, file) ? 0 : failure(e) ? FAILED : s,
    // A preprocessor branch for a CPU without aliasing needs no flush.
    feasible: (s, edge) => s !== PENDING || !nonAliasingBuild(edge),
    bad: (s) => s === PENDING,
  });
  if (!witness) return undefined;
  return { param, witness, every: true, ...(relied ? { reliedBy: relied.caller } : {}) };
}

/** Whether `name` is a same-file helper a caller of the file leaves its flush to (reliedOn.ts). */
export function reliedOnHelper(name: string, file: FileSummaries): boolean {
  return file.reliedOnHelpers().has(name);
}

function failure(e: Event): boolean {
  if (e.kind !== 'return' || !e.value) return false;
  return FAILURE.test(stripExpr(e.value).text);
}

/** Whether `e` flushes the page named `key` (a flush call, or a callee that flushes it). */
function flushesPlace(e: Event, key: string, facts: FunctionFacts, file: FileSummaries): boolean {
  if (e.kind !== 'call') return false;
  const at = K.FLUSH.get(e.name);
  if (at !== undefined) {
    const arg = e.args[at];
    return arg !== undefined && facts.canon(pageKey(arg)) === key;
  }
  if (K.ARCH_FLUSH.test(e.name)) return true;
  const name = callName(e);
  if (!name || name === facts.name) return false;
  const places = file.flushedParams(name);
  if (places === 'any') return true;
  return (places ?? []).some((p) => {
    const arg = e.args[p.index];
    return (
      arg !== undefined && guardAllows(p.when, e.args) && facts.canon(pageKey(arg) + p.path) === key
    );
  });
}

/** Whether `e` flushes some page: a walk's own page has no name the caller shares. */
function flushesAnything(e: Event, facts: FunctionFacts, file: FileSummaries): boolean {
  if (e.kind !== 'call') return false;
  if (
    K.FLUSH.has(e.name) ||
    K.FLUSHES_WALKED_PAGES.has(e.name) ||
    e.name === K.SG_MITER_STOP ||
    K.ARCH_FLUSH.test(e.name)
  )
    return true;
  const name = callName(e);
  return name !== '' && name !== facts.name && file.flushedParams(name) !== undefined;
}

/** The name of the function in its definition's head: where a contract finding is reported. */
export function definitionName(fn: Node): Node {
  let d = fn.childForFieldName('declarator');
  for (let guard = 0; d && guard < 8; guard++) {
    if (d.type === 'identifier') return d;
    d = d.childForFieldName('declarator');
  }
  return fn;
}

/** A finding's parts (the rule adds its id and severity). */
export interface ContractReport {
  start: number;
  end: number;
  message: string;
  path: PathStep[];
  fixes: Fix[];
}

/**
 * The breach told as a path: the callers' write before the call (what the table promises them),
 * the branches of the unflushed path, the return. A caller is named when one is known: a
 * function of the same file, else one the tree index has.
 */
export function contractReport(
  breach: ContractBreach,
  facts: FunctionFacts,
  file: FileSummaries,
  source: string,
): ContractReport {
  const fn = facts.cfg.node;
  const name = facts.name;
  const at = definitionName(fn);
  const what = breach.param ? `\`${breach.param}\`` : 'the pages their walk wrote';
  const caller =
    file.callerNames(name)[0]?.concat('()') ?? file.tree?.tree.callerOf?.(name) ?? undefined;
  const relying = caller ? `its callers (${caller}, ...)` : 'its callers';
  const folio = breach.param !== undefined && /\bfolio\b/.test(paramType(fn, breach.param));
  const flushName = folio ? 'flush_dcache_folio' : 'flush_dcache_page';
  const steps: PathStep[] = [
    stepAt(
      at,
      'origin',
      breach.reliedBy
        ? `origin: ${what}, which ${breach.reliedBy}() writes with a copy that does not flush and leaves to ${name}() to flush`
        : `origin: ${what}, which ${relying} write through a kernel mapping and leave to ${name}() to flush (the kernel-API table's contract for it)`,
    ),
    stepAt(at, 'map', `a caller's kernel mapping of ${what}, before the call`),
    stepAt(at, 'write', `a caller's write through that mapping, before the call`),
  ];
  let exit: Node | undefined;
  for (const edge of breach.witness?.edges ?? []) {
    const d = describeEdge(edge, source);
    if (d) steps.push(stepAt(d.node, 'branch', d.note));
  }
  for (const block of breach.witness?.blocks ?? [])
    for (const e of facts.events.get(block.id) ?? []) if (e.kind === 'return') exit = e.node;
  const how = breach.every
    ? `a path that does not fail returns without flushing ${what}`
    : `no path flushes them`;
  if (exit) steps.push(stepAt(exit, 'return', `returns with ${what} not flushed`));
  else steps.push(endOfFunctionStep(fn, name, `${what} not flushed`));
  const fixText = `${flushName}(${breach.param ?? 'page'});`;
  return {
    start: at.startIndex,
    end: at.endIndex,
    message: `${name}() is a helper its callers rely on to flush ${what}, but ${how} (L${steps[steps.length - 1]!.line}): ${relying} leave the flush of what they wrote through a kernel mapping to it, so on an aliasing D-cache a user mapping of the page can read stale data`,
    path: steps,
    fixes: breach.param
      ? [insertStatementFix(source, fn, exit, 'before', fixText, `Insert ${fixText}`)]
      : [],
  };
}

/** The declared type of parameter `name` in a definition's head, as text. */
function paramType(fn: Node, name: string): string {
  const list = fn.descendantsOfType('function_declarator')[0]?.childForFieldName('parameters');
  for (const p of list?.namedChildren ?? [])
    if (new RegExp(`\\b${name}\\b`).test(p.text)) return p.text;
  return '';
}

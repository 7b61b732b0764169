/**
 * Pages a subsystem owns outright (knowledge/ownership.ts): every page a covered file writes, or
 * a page the function reaches through a socket-buffer fragment or a SCSI protection scatterlist.
 * The answer is the evidence shown in `--verbose`.
 */
import type { FunctionFacts } from '../core/facts';
import type { Node } from '../../parsing/parser';
import { calleeName, stripExpr } from '../../parsing/nodeText';
import {
  ownedBySubsystem,
  PROTECTION_SG,
  SOCKET_MESSAGE,
  STACK_FRAGMENT,
  UNMAPPABLE_INODE_TEST,
} from '../../knowledge/ownership';
import { declaredTypes } from '../../xref/declarations';
import type { FileSummaries } from './summaries';

/** Why `page`, written in the function, belongs to a subsystem that never maps it for users. */
export function ownedMemory(
  page: string,
  facts: FunctionFacts,
  file: FileSummaries,
): string | undefined {
  return subsystemContract(file) ?? ownedPage(page, facts, file);
}

/** The subsystem contract that covers the whole file, as its evidence, if one does. */
export function subsystemContract(file: FileSummaries): string | undefined {
  const c = ownedBySubsystem(file.tree?.file, (type) => file.definesInstanceOf(type));
  return c && `subsystem contract: ${c.why} (${c.source})`;
}

/**
 * `skb_frag_page(frag)` or the page cursor of `skb_frag_foreach_page(...)`; `sg_page(sg)` for the
 * cursor `sg` of `scsi_for_each_prot_sg(cmd, sg, ...)`; an entry of a socket message's scatterlist.
 */
function ownedPage(page: string, facts: FunctionFacts, file: FileSummaries): string | undefined {
  if (
    page.startsWith(`${STACK_FRAGMENT.page}(`) ||
    cursorOf(page, STACK_FRAGMENT.iterator, STACK_FRAGMENT.iteratorPage, facts, file)
  )
    return `${page} is ${STACK_FRAGMENT.why}`;
  const entry = /^sg_page\((\w+)\)$/.exec(page)?.[1];
  if (entry && cursorOf(entry, PROTECTION_SG.iterator, PROTECTION_SG.cursor, facts, file))
    return `${page} is ${PROTECTION_SG.why}`;
  // `sg_page(&msg->sg.data[i])` of a `struct sk_msg *msg`.
  const msg = /^sg_page\(&?(\w+)\.sg\.data\[/.exec(page)?.[1];
  if (msg && declaredTypes(facts.cfg.node).get(msg) === SOCKET_MESSAGE.type)
    return `${page} is ${SOCKET_MESSAGE.why}`;
  return undefined;
}

/** Whether the plain name `name` is argument `index` of a `macro` loop in the function. */
function cursorOf(
  name: string,
  macro: string,
  index: number,
  facts: FunctionFacts,
  file: FileSummaries,
): boolean {
  if (!/^\w+$/.test(name)) return false;
  for (const loop of facts.iterators.values()) {
    if (loop.macro !== macro) continue;
    if (splitArguments(file.text(loop.argsOpen + 1, loop.argsClose))[index] === name) return true;
  }
  return false;
}

/** Top-level comma-separated arguments, trimmed. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/**
 * The inode-type test (`S_ISLNK(inode->i_mode)`) whose true branch holds `node`, if one does: the
 * page written there belongs to a symlink or a directory, which user space cannot mmap.
 */
export function unmappableInodeBranch(node: Node): string | undefined {
  for (let n: Node | null = node; n?.parent; n = n.parent) {
    const p = n.parent;
    if (p.type !== 'if_statement' || p.childForFieldName('consequence')?.id !== n.id) continue;
    const cond = p.childForFieldName('condition');
    const test = cond && stripExpr(cond);
    if (test?.type === 'call_expression' && UNMAPPABLE_INODE_TEST.test(calleeName(test)))
      return `${test.text}: a symlink's or directory's page, which user space cannot mmap`;
  }
  return undefined;
}

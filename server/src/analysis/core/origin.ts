/**
 * The premise of a finding as a path step of kind `origin`: why the page or buffer is one that
 * user space or a device sees through another alias ("folio from `filemap_get_folio` at L12",
 * "pinned by `pin_user_pages` at L40", "bio page of a READ request", "parameter of unknown
 * origin"). Every rule builds it here, so the wording is one and the tree index can add its
 * evidence to the same step (`evidence`).
 */
import type { Node } from '../../parsing/parser';
import { API_BY_NAME } from '../../knowledge/table';
import type { PathStep } from './types';

export type Premise =
  /** The page or buffer is the value (or fills an argument) of a kernel API call. */
  | { kind: 'api'; api: string; node: Node; what?: string }
  /** A page the function allocated and hands to user space or the page cache. */
  | { kind: 'published'; api: string; node: Node; what?: string }
  /** A page of a bio or request the function walks; `direction` when the code says it. */
  | { kind: 'bio'; node: Node; direction?: 'read' | 'write'; what?: string }
  /** A parameter: whatever the callers pass. */
  | { kind: 'parameter'; name: string; node: Node }
  /** A page kept in a structure field the file fills with user-visible pages. */
  | { kind: 'field'; expr: string; node: Node }
  /** Nothing in the function says where it comes from. */
  | { kind: 'unknown'; name: string; node: Node }
  /** A buffer that reaches a device (vmap alias attached to I/O, mapped for DMA). */
  | { kind: 'device'; name: string; node: Node; how: string }
  /** A page the function flushes after writing it: its own code treats it as user-visible. */
  | { kind: 'flushed-here'; what: string; node: Node }
  /** A structure of a ring the file maps into user space and flushes by address. */
  | { kind: 'ring'; name: string; node: Node }
  /** An address loaded from a field whose page the file inserts into a user VMA. */
  | { kind: 'mapped-field'; name: string; node: Node }
  /** The finding is about the API itself (a removed name), not about a page. */
  | { kind: 'removed-api'; api: string; node: Node; since?: string };

const at = (n: Node): string => `L${n.startPosition.row + 1}`;

function roleNames(api: string): Set<string> {
  return new Set(API_BY_NAME.get(api)?.roles.map((r) => r.role) ?? []);
}

/** The premise in words; `evidence` (the tree index's, say) is appended to it. */
export function originNote(p: Premise, evidence: readonly string[] = []): string {
  let note: string;
  switch (p.kind) {
    case 'api': {
      const roles = roleNames(p.api);
      const what = p.what ?? 'page';
      if (roles.has('announces-user-page-access'))
        note = `${what} handed to \`${p.api}\` at ${at(p.node)}: a page of a user mapping the kernel is about to read`;
      else if (roles.has('pins-user-pages'))
        note = `${what} pinned by \`${p.api}\` at ${at(p.node)}: a user page, mapped by user space`;
      else if (roles.has('page-cache-lookup') || roles.has('returns-visible-page'))
        note = `${what} from \`${p.api}\` at ${at(p.node)}: a page-cache page user space may map shared`;
      else if (roles.has('tests-writably-mapped'))
        note = `${what} of the file \`${p.api}\` asks about at ${at(p.node)}: a page-cache page user space may have written through a shared mapping`;
      else if (roles.has('vmap-source') || roles.has('maybe-vmap-source'))
        note = `${what} from \`${p.api}\` at ${at(p.node)}: a vmap alias; I/O reaches its pages through the linear map`;
      else note = `${what} from \`${p.api}\` at ${at(p.node)}`;
      break;
    }
    case 'published':
      note = `${p.what ?? 'page'} handed to user space or the page cache by \`${p.api}\` at ${at(p.node)}`;
      break;
    case 'bio':
      note = `${p.what ?? 'page'} of a bio${p.direction ? ` of a ${p.direction === 'read' ? 'READ' : 'WRITE'} request` : ''} (${at(p.node)}): a page-cache or user page the I/O fills or drains`;
      break;
    case 'parameter':
      note = `\`${p.name}\` is a parameter of unknown origin: a caller may pass a page user space maps`;
      break;
    case 'field':
      note = `\`${p.expr}\` is kept in a field this file fills with user-visible pages`;
      break;
    case 'unknown':
      note = `\`${p.name}\` is of unknown origin: nothing here shows it is private`;
      break;
    case 'device':
      note = `\`${p.name}\` reaches the device: ${p.how} at ${at(p.node)}`;
      break;
    case 'flushed-here':
      note = `${p.what} is flushed by this function after a write (${at(p.node)}): its own code treats it as a page user space maps`;
      break;
    case 'ring':
      note = `\`${p.name}\` points into a ring this file maps into user space and flushes by address: user space stores into it through its own mapping`;
      break;
    case 'mapped-field':
      note = `\`${p.name}\` is loaded from a field whose page this file inserts into a user VMA (vm_insert_page): user space reads it through its own mapping`;
      break;
    case 'removed-api': {
      const src = API_BY_NAME.get(p.api)?.source;
      note = `\`${p.api}\` does not exist${p.since ? ` since Linux ${p.since}` : ''}${src ? ` (${src})` : ''}`;
      break;
    }
  }
  return evidence.length > 0 ? `origin: ${note}; ${evidence.join('; ')}` : `origin: ${note}`;
}

/** The `origin` step of a finding: placed where the premise is seen in the code. */
export function originStep(p: Premise, evidence: readonly string[] = []): PathStep {
  return {
    line: p.node.startPosition.row + 1,
    kind: 'origin',
    note: originNote(p, evidence),
    offset: p.node.startIndex,
  };
}

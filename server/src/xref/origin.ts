/**
 * What the tree index says about a value a function gives its page (`page = pl->page`,
 * `page = read_mapping_page(sbi->alloc_file->i_mapping, ...)`): private when the field is only
 * ever assigned private allocations or the mapping belongs to an internal inode, visible when
 * the field is assigned user-visible pages somewhere in the tree. Pure.
 */
import type { Node } from '../parsing/parser';
import { callArguments, calleeName, declaredName, stripExpr } from '../parsing/nodeText';
import { declaredTypes, fieldKey } from './declarations';
import { HELD_BDEV_MAPPING, IGET_CALL, QUOTA_FILE, RESERVED_INO } from './sources';
import { inodeFieldOfMapping, listHeadKey } from './summarize';
import type { Evidence, TreeFacts } from './types';

const typesOf = new WeakMap<Node, Map<string, string>>();

function types(fn: Node): Map<string, string> {
  let t = typesOf.get(fn);
  if (!t) {
    t = declaredTypes(fn);
    typesOf.set(fn, t);
  }
  return t;
}

export function treeOrigin(
  rhs: Node,
  fn: Node,
  tree: TreeFacts,
): Evidence<'private' | 'visible'> | undefined {
  const v = stripExpr(rhs);
  // `pl->page`, or a page taken off a list head (`list_first_entry(&pl->head, struct page, lru)`).
  const key =
    fieldKey(v, types(fn)) ??
    (v.type === 'call_expression' ? listHeadKey(v, types(fn)) : undefined);
  if (key) {
    const o = tree.fieldOrigin(key);
    return o.value === 'unknown' ? undefined : { value: o.value, evidence: o.evidence };
  }
  if (v.type !== 'call_expression') return undefined;
  // A lookup in the mapping of an inode user space cannot open (`f2fs_grab_cache_page(m, ...)`,
  // `read_mapping_page(m, ...)`): whatever page it returns lives in that mapping.
  const mapping = callArguments(v)[0];
  const inode = mapping ? mappingInodeField(mapping, fn, tree, 0) : undefined;
  const internal = inode ? tree.internalInode(inode) : mapping && localInternalInode(mapping, fn);
  return internal && { value: 'private', evidence: internal.evidence };
}

/**
 * What a helper returning pages gives back (`pages = blob_page_array(n)`), over the tree: its
 * returns are recorded like a field's stores (server/src/xref/declarations.ts, returnKey). A
 * fresh page from a helper is private only until its caller publishes it; that is the caller's
 * to check.
 */
export function helperReturnOrigin(
  rhs: Node,
  tree: TreeFacts,
): Evidence<'private' | 'visible'> | undefined {
  const v = stripExpr(rhs);
  if (v.type !== 'call_expression') return undefined;
  const returned = tree.fieldOrigin(`${calleeName(v)}()`);
  return returned.value === 'unknown'
    ? undefined
    : { value: returned.value, evidence: returned.evidence };
}

/**
 * Why the mapping (or inode) `arg` of a page-cache lookup holds no page a user stores to through
 * a shared writable mapping, if it is known: a block device's page cache reached through the
 * block device or superblock that holds it, an active quota file, an internal inode. Locals are
 * followed to the values they are given (two levels: `mapping = inode->i_mapping` after
 * `inode = sb_dqopt(sb)->files[type]`).
 */
export function unmappableMapping(
  arg: Node,
  fn: Node,
  tree: TreeFacts | undefined,
): string | undefined {
  const texts: string[] = [];
  const visit = (n: Node, depth: number): void => {
    const v = stripExpr(n);
    texts.push(v.text);
    if (depth >= 2) return;
    const names = v.type === 'identifier' ? [v] : v.descendantsOfType('identifier');
    for (const id of names.slice(0, 4)) {
      const values = assignedValues(fn, id.text);
      if (values.length === 1) visit(values[0]!, depth + 1);
    }
  };
  visit(arg, 0);
  const all = texts.join('\n');
  if (HELD_BDEV_MAPPING.test(all))
    return 'the page cache of a block device, reached through the device or superblock that holds it';
  if (QUOTA_FILE.test(all)) return 'an active quota file (sb_dqopt)';
  return internalMapping(arg, fn, tree);
}

/** Why `mapping` (`x->f->i_mapping`, a getter's value, a local) is an internal inode's, if known. */
export function internalMapping(
  mapping: Node,
  fn: Node,
  tree: TreeFacts | undefined,
): string | undefined {
  const inode = tree ? mappingInodeField(mapping, fn, tree, 0) : undefined;
  const internal = inode && tree ? tree.internalInode(inode) : localInternalInode(mapping, fn);
  return internal?.evidence;
}

/** `attr_file->i_mapping` after `attr_file = fs_iget(sb, FS_ATTR_CNID)` in the same function. */
function localInternalInode(mapping: Node, fn: Node, depth = 0): Evidence<true> | undefined {
  const v = stripExpr(mapping);
  if (v.type === 'identifier' && depth === 0) {
    const [only, ...more] = assignedValues(fn, v.text);
    return only && more.length === 0 ? localInternalInode(only, fn, 1) : undefined;
  }
  const inode =
    v.type === 'field_expression' && v.childForFieldName('field')?.text === 'i_mapping'
      ? stripExpr(v.childForFieldName('argument') ?? v)
      : undefined;
  if (inode?.type !== 'identifier') return undefined;
  const values = assignedValues(fn, inode.text).map(stripExpr);
  const internal = values.every(
    (x) =>
      x.type === 'call_expression' &&
      IGET_CALL.test(calleeName(x)) &&
      callArguments(x).some((a) => RESERVED_INO.test(stripExpr(a).text)),
  );
  return values.length > 0 && internal
    ? { value: true, evidence: `${inode.text} is an internal inode: ${values[0]!.text}` }
    : undefined;
}

/** The inode field whose mapping `n` is: `x->f->i_mapping`, `META_MAPPING(x)`, or a local of those. */
function mappingInodeField(n: Node, fn: Node, tree: TreeFacts, depth: number): string | undefined {
  const v = stripExpr(n);
  const direct = inodeFieldOfMapping(v, types(fn));
  if (direct) return direct;
  if (v.type === 'call_expression') return tree.mappingReturnedBy(calleeName(v));
  if (v.type !== 'identifier' || depth > 1) return undefined;
  const values = assignedValues(fn, v.text);
  const keys = new Set(values.map((x) => mappingInodeField(x, fn, tree, depth + 1)));
  const [only] = keys;
  return keys.size === 1 ? only : undefined;
}

function assignedValues(fn: Node, name: string): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [fn];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'assignment_expression' && n.childForFieldName('left')?.text === name) {
      const r = n.childForFieldName('right');
      if (r) out.push(r);
    } else if (
      n.type === 'init_declarator' &&
      declaredName(n.childForFieldName('declarator')) === name
    ) {
      const r = n.childForFieldName('value');
      if (r) out.push(r);
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

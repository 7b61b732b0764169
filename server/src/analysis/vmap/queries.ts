/**
 * Questions the vmap rules ask of the model: is the file worth analysing, which aliases go to
 * I/O, what length the code uses for an alias, where a whole-buffer call belongs.
 */
import type { Node } from '../../parsing/parser';
import { calleeName } from '../../parsing/nodeText';
import type { AliasInfo, VmapFunction } from './types';
import { VMAP_TEST } from '../../knowledge/vmap';
import { upFrom } from './tree';

/** Words without which a file holds no vmap alias the rules could find... */
const VMAP_WORD =
  /\bvmap|dma_vmap|vm_map_ram|(?<!k)vmalloc|\bvzalloc|_is_vmapped|kmem_to_page|mem\.ptr\.vma|vma_invalidate_|vmap_cnt/;
/** ...and no I/O for them to go to. The maintenance calls and sg-table syncs suffice alone. */
const IO_WORD =
  /submit_bio|bio_add_\w*page|usb_submit_urb|usb_fill_|dma_map_|dma_sync_|dma_unmap_|crypto_ahash|bi_end_io|bi_private|struct\s+(?:bio|urb)\s*\*|_cpu_access|vm_dp_init|DM_IO_VMA/;
const VMAP_FILE = {
  test: (t: string): boolean =>
    /_kernel_vmap_range|dma_sync_sgtable|is_vmalloc_addr/.test(t) ||
    (VMAP_WORD.test(t) && IO_WORD.test(t)),
};
/** Inside such a file, functions that may take part: the above, callbacks, DMA syncs. */
const VMAP_FUNCTION =
  /bi_end_io|\bcomplete\b|transfer_buffer|vaddr|dma_sync_|dma_map_|dma_unmap_|submit_bio|usb_submit_urb|struct\s+(?:bio|urb)\s*\*/;

/**
 * Cheap pre-filter. The linter asks first about the whole file (which starts with its licence
 * comment or an #include), then about each function: only the file needs the strong words.
 */
export function vmapRelevant(text: string): boolean {
  if (VMAP_FILE.test(text)) return true;
  const wholeFile = /^\s*(?:\/\/|\/\*|#)/.test(text);
  return !wholeFile && (VMAP_WORD.test(text) || VMAP_FUNCTION.test(text));
}

/** Aliases that this function sends to I/O or handles for it (not every vmalloc'd table). */
export function boundAliases(model: VmapFunction): AliasInfo[] {
  const out: AliasInfo[] = [];
  const acts = [...model.actions.values()].flat();
  for (const alias of model.aliases.values()) {
    const evidence = alias.evidence?.type === 'call_expression' ? calleeName(alias.evidence) : '';
    const bound =
      model.context !== 'plain' ||
      model.file.rangeOf(alias.key) !== undefined ||
      VMAP_TEST.test(evidence) ||
      /^(?:vmalloc_to_page|vmalloc_to_pfn|kmem_to_page)$/.test(evidence) ||
      !alias.evidence ||
      acts.some(
        (a) =>
          (a.kind === 'attach' || a.kind === 'flush' || a.kind === 'invalidate') &&
          a.alias === alias.key,
      );
    if (bound) out.push(alias);
  }
  return out;
}

export function createdHere(model: VmapFunction, alias: AliasInfo): boolean {
  return [...model.actions.values()].some((l) =>
    l.some((a) => a.kind === 'alias' && a.alias === alias.key),
  );
}

/** The length the code uses with this alias: its own flush/invalidate, the file's, a length parameter. */
export function lengthFor(model: VmapFunction, alias: AliasInfo): string | undefined {
  if (model.placeholders.has(alias.key)) return undefined;
  for (const l of model.actions.values())
    for (const a of l)
      if ((a.kind === 'flush' || a.kind === 'invalidate') && a.alias === alias.key && a.len)
        return a.len;
  if (alias.len) return alias.len;
  return model.facts.params.find((p) =>
    /^(?:len|length|size|count|bytes|nbytes|buflen|buf_len|data_len|io_size)$/.test(p),
  );
}

/** `if (is_vmalloc_addr(p)) call` when the code tests the alias, else the bare call. */
export function guarded(model: VmapFunction, alias: AliasInfo, call: string): string {
  const g = [...model.guards][0];
  if (g && /^\w+$/.test(g)) return `if (${g}) ${call}`;
  const ev = alias.evidence;
  if (ev?.type === 'call_expression' && VMAP_TEST.test(calleeName(ev)))
    return `if (${ev.text.replace(/\s+/g, ' ')}) ${call}`;
  return call;
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/** The outermost loop around `node` in `fn`, so a whole-buffer call goes before the walk. */
export function outermostLoop(node: Node, fn: Node): Node {
  // Innermost first; one descent from `fn` instead of `.parent` (O(depth) each) per step.
  const up = [...upFrom(fn, node)];
  let best = statementOf(node, up);
  for (const n of up) {
    if (n.startIndex < fn.startIndex) break;
    if (LOOPS.has(n.type)) best = n;
  }
  return best;
}

const BLOCKS = new Set([
  'compound_statement',
  'case_statement',
  'labeled_statement',
  'translation_unit',
]);

/**
 * The whole statement a node is part of, `if (...)` included when the node is in its condition.
 * `up` holds node's ancestors, innermost first.
 */
function statementOf(node: Node, up: Node[]): Node {
  let n = node;
  for (const parent of up) {
    if (BLOCKS.has(parent.type) || parent.type === 'function_definition') break;
    const cond = parent.childForFieldName('condition');
    if (
      parent.type === 'else_clause' ||
      (parent.type.endsWith('_statement') &&
        cond?.startIndex !== n.startIndex &&
        !isConditionPart(n, cond))
    )
      break;
    n = parent;
  }
  return n;
}

function isConditionPart(n: Node, cond: Node | null): boolean {
  return cond !== null && cond.startIndex <= n.startIndex && n.endIndex <= cond.endIndex;
}

/** How messages name the alias, and the call they ask for (`api(addr, len)`). */
export function aliasWords(
  model: VmapFunction,
  alias: AliasInfo,
  api: string,
  len: string | undefined,
): { subject: string; call: string } {
  if (model.placeholders.has(alias.key)) {
    return {
      subject: `${alias.display} has a vmap alias`,
      call: `${api}() on ${alias.display}'s vmap address`,
    };
  }
  return {
    subject: `${alias.display} is a vmap alias`,
    call: `${api}(${alias.display}, ${len ?? 'len'})`,
  };
}

/**
 * Questions the vmap rules ask of the model: is the file worth analysing, which aliases go to
 * I/O, what length the code uses for an alias, where a whole-buffer call belongs.
 */
import type { Node } from '../../parsing/parser';
import { calleeName } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';
import type { FileContext } from '../core/fileContext';
import type { Finding, Severity } from '../core/types';
import { FLUSH_VMAP, INVALIDATE_VMAP, VMAP_TEST } from '../../knowledge/vmap';
import { vmapModel } from './model';
import { emptyWrapperFinding } from './steps';
import { changesIn, upFrom } from './tree';
import type { AliasInfo, VmapAction, VmapFunction } from './types';

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

/** What a vmap rule is given for one function (the rules' context, seen from the family). */
export interface VmapRuleInput {
  facts: FunctionFacts;
  file: FileContext;
  source: string;
}

/**
 * The shared shape of the per-alias vmap rules: the model (built once for all four rules), the
 * finding for an empty maintenance wrapper of the rule's kind, then one check per bound alias.
 */
export function checkBoundAliases(
  input: VmapRuleInput,
  check: (model: VmapFunction, alias: AliasInfo) => Finding | undefined,
  wrapper?: { kind: 'flush' | 'invalidate'; meta: { id: string; defaultSeverity: Severity } },
): Finding[] {
  const model = vmapModel(input.facts, input.file, input.source);
  if (wrapper && model.emptyWrapper?.kind === wrapper.kind) {
    const api = wrapper.kind === 'flush' ? FLUSH_VMAP : INVALIDATE_VMAP;
    return [emptyWrapperFinding(model, wrapper.meta, api, input.source)];
  }
  const findings: Finding[] = [];
  for (const alias of boundAliases(model)) {
    const f = check(model, alias);
    if (f) findings.push(f);
  }
  return findings;
}

/** Whether the function's own text passes the vmap prefilter (rules whose word test is weaker). */
export function vmapFunction(input: VmapRuleInput): boolean {
  const fn = input.facts.cfg.node;
  return vmapRelevant(input.source.slice(fn.startIndex, fn.endIndex));
}

/**
 * Whether the buffer may hold CPU writes when the function starts: not when it maps the alias
 * itself, nor when it runs after the device wrote the buffer.
 */
export function dirtyOnEntry(model: VmapFunction, alias: AliasInfo): boolean {
  return !createdHere(model, alias) && !model.entryComplete;
}

/** Whether an action leaves CPU writes in the alias (true), none (false), or changes nothing. */
export function dirtiedBy(a: VmapAction): boolean | undefined {
  if (a.kind === 'alias') return !a.clean;
  return a.kind === 'write' ? true : undefined;
}

/** The address variable was moved by the code (`data += len`): a fix with it would cover the wrong range. */
export function advanced(model: VmapFunction, alias: AliasInfo): boolean {
  if (!/^\w+$/.test(alias.display)) return false;
  return changesIn(model.facts.cfg.node).some((c) => c.target === alias.display && MOVES.has(c.op));
}

const MOVES = new Set(['+=', '-=', '++', '--']);

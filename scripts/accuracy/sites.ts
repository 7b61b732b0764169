/**
 * Finds the flush/invalidate call sites of a C file: enclosing function, the call's text
 * (whitespace-normalised, as the label files key it), its occurrence within the function, and
 * the statement that removing the call replaces by `;`.
 */
import type { Node, Parser } from '../../server/src/parsing/parser';
import { parseC } from '../../server/src/parsing/parser';
import { calleeName, functionDefinitions, functionName } from '../../server/src/parsing/nodeText';

export const FLUSH_APIS = [
  'flush_dcache_page',
  'flush_dcache_folio',
  'flush_kernel_vmap_range',
  'invalidate_kernel_vmap_range',
] as const;

const API_SET: ReadonlySet<string> = new Set(FLUSH_APIS);
export const FLUSH_CALL_RE =
  /\b(?:flush_dcache_(?:page|folio)|(?:flush|invalidate)_kernel_vmap_range)\s*\(/;

export interface Site {
  function: string;
  call: string;
  occurrence: number;
  line: number;
  /** The range a removal replaces: the call's expression statement, or the call alone. */
  start: number;
  end: number;
  /** Whether [start, end) is a whole statement (replaced by `;`) or a call inside an expression. */
  statement: boolean;
  /** Where the enclosing function starts and ends (offsets). */
  fnStart: number;
  fnEnd: number;
}

export function normaliseCall(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

function callsIn(n: Node, out: Node[]): void {
  if (n.type === 'call_expression' && API_SET.has(calleeName(n))) out.push(n);
  for (const c of n.namedChildren) callsIn(c, out);
}

/** The text with the site's call removed: the statement becomes `;`, an inner call `0`. */
export function removeSite(source: string, site: Site): string {
  return source.slice(0, site.start) + (site.statement ? ';' : '0') + source.slice(site.end);
}

export function findSites(parser: Parser, source: string): Site[] {
  if (!FLUSH_CALL_RE.test(source)) return [];
  const parsed = parseC(parser, source);
  try {
    const sites: Site[] = [];
    for (const fn of functionDefinitions(parsed.tree.rootNode)) {
      const calls: Node[] = [];
      callsIn(fn, calls);
      const seen = new Map<string, number>();
      const name = functionName(fn);
      for (const c of calls) {
        const call = normaliseCall(source.slice(c.startIndex, c.endIndex));
        const occurrence = (seen.get(call) ?? 0) + 1;
        seen.set(call, occurrence);
        const stmt = c.parent?.type === 'expression_statement' ? c.parent : c;
        sites.push({
          function: name,
          call,
          occurrence,
          line: c.startPosition.row + 1,
          start: stmt.startIndex,
          end: stmt.endIndex,
          statement: stmt !== c,
          fnStart: fn.startIndex,
          fnEnd: fn.endIndex,
        });
      }
    }
    return sites;
  } finally {
    parsed.tree.delete();
  }
}

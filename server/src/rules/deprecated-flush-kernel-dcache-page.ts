/**
 * deprecated-flush-kernel-dcache-page: `flush_kernel_dcache_page()` was the old name for the
 * flush after a kernel write through kmap (added in 2006 beside flush_dcache_page, see the
 * 2.6 cachetlb.txt). Commit f358afc52c30 ("mm: remove flush_kernel_dcache_page", 5.15) removed it
 * and gave its duty to flush_dcache_page(), which every architecture implements. Code carried
 * over from an older tree or an out-of-tree driver no longer builds. For a tree older than the
 * removal the call is the right one and nothing is reported (the kernel-API table says when).
 * docs/rules/deprecated-flush-kernel-dcache-page.md
 */
import { sourceOf } from '../analysis/core/steps';
import { originStep } from '../analysis/core/origin';
import { DEPRECATED_FLUSH } from '../knowledge/dcache';
import { API_BY_NAME } from '../knowledge/table';
import { acrossVersions } from '../knowledge/versions';
import type { Finding, Rule } from './types';

/** The removed name and its replacement, from the kernel-API table. */
const [OLD, NEW] = [...acrossVersions(() => DEPRECATED_FLUSH)][0] ?? ['', ''];
const REMOVED_IN = API_BY_NAME.get(OLD)?.roles.find((r) => r.role === 'deprecated')?.since;

export const rule: Rule = {
  meta: {
    id: 'deprecated-flush-kernel-dcache-page',
    description: `${OLD}() is the removed old name of ${NEW}(); call ${NEW}() instead.`,
    defaultSeverity: 'info',
  },
  relevant: (text) => text.includes(OLD),
  check({ source, facts }) {
    const findings: Finding[] = [];
    // Before the removal the call is the API of its day.
    if (!DEPRECATED_FLUSH.has(OLD)) return findings;
    for (const e of facts.all) {
      if (e.kind !== 'call' || e.name !== OLD) continue;
      const callee = e.node.childForFieldName('function');
      if (!callee) continue;
      const page = e.args[0] ? sourceOf(source, e.args[0]) : 'page';
      findings.push({
        rule: rule.meta.id,
        severity: rule.meta.defaultSeverity,
        start: callee.startIndex,
        end: callee.endIndex,
        function: facts.name,
        message: `${OLD}(${page}) is the old name of ${NEW}(${page}), removed in Linux ${REMOVED_IN ?? '5.15'}; call ${NEW}() instead (same duty, every architecture implements it)`,
        path: [originStep({ kind: 'removed-api', api: OLD, node: e.node, since: REMOVED_IN })],
        fixes: [
          {
            title: `Replace ${OLD}() with ${NEW}()`,
            edits: [{ start: callee.startIndex, end: callee.endIndex, text: NEW }],
          },
        ],
      });
    }
    return findings;
  },
};

/**
 * deprecated-flush-kernel-dcache-page: `flush_kernel_dcache_page()` was the old name for the
 * flush after a kernel write through kmap (added in 2006 beside flush_dcache_page, see the
 * 2.6 cachetlb.txt). It was removed before 6.1 and its duty given to flush_dcache_page(), which
 * every architecture implements (Documentation/core-api/cachetlb.rst in 6.1 no longer lists it).
 * Code carried over from an older tree or an out-of-tree driver no longer builds. docs/rules/deprecated-flush-kernel-dcache-page.md
 */
import { sourceOf } from '../analysis/core/steps';
import { DEPRECATED_FLUSH } from '../knowledge/dcache';
import type { Finding, Rule } from './types';

/** The removed name and its replacement, from the kernel-API table. */
const [OLD, NEW] = [...DEPRECATED_FLUSH][0] ?? ['', ''];

export const rule: Rule = {
  meta: {
    id: 'deprecated-flush-kernel-dcache-page',
    description: `${OLD}() is the removed old name of ${NEW}(); call ${NEW}() instead.`,
    defaultSeverity: 'info',
  },
  relevant: (text) => text.includes(OLD),
  check({ source, facts }) {
    const findings: Finding[] = [];
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
        message: `${OLD}(${page}) is the old name of ${NEW}(${page}), removed before Linux 6.1; call ${NEW}() instead (same duty, every architecture implements it)`,
        path: [],
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

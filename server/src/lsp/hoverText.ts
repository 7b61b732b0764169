/**
 * Hover texts: two or three lines on each cache-maintenance API and on a finding, with the link to
 * the kernel's document (Documentation/core-api/cachetlb.rst) or to the rule's page. Pure.
 */
import type { Finding } from '../rules/types';
import { escapeMarkdown } from '../sanitise';
import { API_BY_NAME } from '../knowledge/table';

const LINKS = {
  cachetlb: 'https://docs.kernel.org/core-api/cachetlb.html',
  highmem: 'https://docs.kernel.org/mm/highmem.html',
};

/** The table's APIs that carry a hover text. */
const APIS = new Map(
  [...API_BY_NAME.values()].flatMap((a) =>
    a.hover ? [[a.name, { text: a.hover, link: LINKS[a.doc ?? 'cachetlb'] }] as const] : [],
  ),
);

export function isCacheApi(name: string): boolean {
  return APIS.has(name);
}

export function apiHover(name: string): string | undefined {
  const doc = APIS.get(name);
  if (!doc) return undefined;
  return `**${name}()** — ${doc.text}\n\n[Kernel documentation](${doc.link})`;
}

export function findingHover(f: Finding, docsHref: string): string {
  return [
    `**FlushGuard: ${f.rule}** in \`${f.function}()\``,
    '',
    escapeMarkdown(f.message),
    '',
    ...f.path
      .filter((s) => s.kind === 'origin')
      .flatMap((s) => [
        `**Premise** (line ${s.line}): ${escapeMarkdown(s.note.replace(/^origin: /, ''))}`,
        '',
      ]),
    'On an aliasing (VIPT/VIVT) D-cache the kernel alias and a user alias of one page index different cache sets, so what one writes the other may not see until the kernel alias is flushed.',
    '',
    `[Rule documentation](${docsHref}) · path: ${f.path.map((s) => `line ${s.line}`).join(' → ')}`,
  ].join('\n');
}

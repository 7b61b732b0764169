/**
 * docs/kernel-apis.md, rendered from the kernel-API table (`npm run docs:apis` writes it; a test
 * fails when the committed page differs). Pure: text out, no file system.
 */
import type { KernelApi, VersionedRole } from './types';

const ARG = (i: number): string => (i < 0 ? 'a pfn or PTE' : `argument ${i + 1}`);

/** One role in words, as a reader of the table would say it. */
export function roleInWords(r: VersionedRole): string {
  switch (r.role) {
    case 'map':
      return `maps the page in ${ARG(r.page)} (${r.via === 'kmap' ? 'kmap-like' : r.via === 'linear' ? 'linear map' : 'bio_vec'}), returns the address`;
    case 'unmap':
      return 'unmaps; does not flush';
    case 'writes':
      return `writes the memory of ${r.args.map(ARG).join(', ') || 'its destination'}${r.length === undefined ? '' : `, ${ARG(r.length)} bytes${r.unit ? ` × ${r.unit}` : ''}`}`;
    case 'writes-page':
      return `writes the page in ${ARG(r.page)} without flushing${r.kmaps ? ' (kmaps it itself)' : ''}`;
    case 'reads':
      return `reads the page in ${ARG(r.page)} through its own kernel mapping`;
    case 'reads-memory':
      return `reads the memory of ${r.args.map(ARG).join(', ')}`;
    case 'loads-shared':
      return `loads ${ARG(r.arg)} once, as memory another CPU or user space may store to`;
    case 'page-cache-lookup':
      return 'page-cache lookup: the page it gives is file data';
    case 'tests-writably-mapped':
      return 'true when a user mapping is shared and writable';
    case 'stores':
      return `stores to ${ARG(r.arg)}`;
    case 'flush':
      return `flushes the page in ${ARG(r.page)}`;
    case 'flushes-internally':
      return `writes the page in ${ARG(r.page)} and flushes it itself`;
    case 'flushes-walked-pages':
      return 'flushes the pages a scatterlist walk wrote';
    case 'flushes-for-callers':
      return `flushes, for its callers, ${r.page >= 0 ? `the page in ${ARG(r.page)}` : 'the page its walk holds'} they wrote through a kernel alias (${r.every ? 'on every path that does not fail' : 'when the walk writes'}); its definition is checked to keep the flush`;
    case 'arch-flush':
      return 'architecture cache maintenance of a user mapping';
    case 'announces-user-page-access':
      return `announces a kernel access to the user page in ${ARG(r.page)}; maintains an anonymous page only (pair it with flush_dcache_page)`;
    case 'private-bvec-iterator':
      return 'iterates private (integrity) bio_vec pages';
    case 'calls-get-block':
      return `runs the get_block in ${ARG(r.callback)} on the buffer heads of the page in ${ARG(r.page)}`;
    case 'segment-walk':
      return `walks every segment of the request or bio in ${ARG(r.holder)}`;
    case 'returns-visible-page':
      return 'gives a page user space may map';
    case 'pins-user-pages':
      return 'pins user pages (a source of user-mapped pages)';
    case 'allocates-private-page':
      return 'allocates a private page';
    case 'publishes-page':
      return `publishes ${r.page === undefined ? 'a page' : `the page in ${ARG(r.page)}`} to user space or the page cache`;
    case 'marks-uptodate':
      return 'marks the page up to date (readable by every mapping)';
    case 'marks-not-uptodate':
      return 'marks the page not up to date';
    case 'same-page':
      return `names the same page as ${ARG(r.arg)}`;
    case 'sets-bvec-page':
      return `makes the bio_vec in ${ARG(r.bvec)} hold the page in ${ARG(r.page)}`;
    case 'bvec-iterator':
      return `makes the iterator in ${ARG(r.iter)} walk the bio_vecs in ${ARG(r.bvec)}; an ITER_DEST one is filled by whoever consumes it`;
    case 'fills-iterator-by-device':
      return `fills the iterator in ${ARG(r.iter)} by direct I/O: the device writes the pages, no kernel mapping of them`;
    case 'sg-miter':
      return `sg_miter walk: ${r.step}`;
    case 'vmap-source':
      return r.aliasesPages ? 'makes a vmap alias of existing pages' : 'allocates vmalloc memory';
    case 'maybe-vmap-source':
      return 'may return vmalloc memory';
    case 'unmaps-alias':
      return 'ends a vmap alias';
    case 'alias-page':
      return `the page behind the vmap address in ${ARG(r.arg)}`;
    case 'attaches-address':
      return `attaches the address range in ${ARG(r.arg)} to I/O${r.flushes ? '; flushes the vmap alias itself for write I/O (the caller invalidates after read I/O)' : ''}`;
    case 'attaches-page':
      return `attaches the page in ${ARG(r.page)} to I/O`;
    case 'flushes-vmap':
      return 'flushes a vmap range (before write I/O)';
    case 'invalidates-vmap':
      return 'invalidates a vmap range (after read I/O)';
    case 'submits-io':
      return `submits ${r.via} I/O${r.sync ? ', returns after completion' : ''}`;
    case 'dma':
      return `DMA ${r.toward === 'device' ? 'to the device' : 'back to the CPU'}, direction in ${ARG(r.direction)}`;
    case 'handles-vmap':
      return 'flushes and invalidates a vmap buffer for its caller';
    case 'handles-vmap-if':
      return `flushes and invalidates a vmap buffer when the request says ${r.flag}`;
    case 'fills-urb':
      return `fills a URB: buffer ${ARG(r.buffer)}, completion ${ARG(r.complete)}`;
    case 'tests-write':
      return 'true for write I/O';
    case 'updates-file-size':
      return 'updates the file size';
    case 'looks-up-stored':
      return 'returns a pointer stored in a container';
    case 'sets-bio-op':
      return `sets the bio operation from ${ARG(r.arg)}`;
    case 'tests-vmap-address':
      return 'true for a vmalloc address';
    case 'io-direction':
      return 'the direction or operation of a request';
    case 'urb-pipe':
      return r.write
        ? 'a USB pipe toward the device (write I/O)'
        : 'a USB pipe from the device (read I/O)';
    case 'tests-page-flag':
      return `tests the ${r.flag} flag`;
    case 'page-count':
      return 'the number of base pages';
    case 'hands-off':
      return 'hands the rest of the work to another context';
    case 'tests-atomic-context':
      return 'true in atomic context';
    case 'next-entry':
      return `the entry after ${ARG(r.arg)} in the same list`;
    case 'deprecated':
      return `removed or deprecated: use \`${r.use}()\``;
  }
}

function bounds(x: { since?: string; until?: string }): string {
  if (x.since && x.until) return `${x.since} – before ${x.until}`;
  if (x.since) return `from ${x.since}`;
  if (x.until) return `before ${x.until}`;
  return '';
}

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The page: one section per first role, one row per API, in table order. */
export function renderApiDocs(apis: readonly KernelApi[]): string {
  const sections = new Map<string, KernelApi[]>();
  for (const a of apis) {
    const key = a.roles[0]?.role ?? 'other';
    sections.set(key, [...(sections.get(key) ?? []), a]);
  }
  const out = [
    '# Kernel APIs FlushGuard knows',
    '',
    '<!-- Generated from server/src/knowledge/apis.ts by `npm run docs:apis`; do not edit. -->',
    '',
    'Every rule, quick fix and hover reads its knowledge of kernel functions from one table,',
    '`server/src/knowledge/apis.ts`. Each fact holds for the kernel versions given: the linter',
    "applies them for the kernel of the code being checked (its tree's top `Makefile`, or the",
    '`kernelVersion` setting / `--kernel-version`); outside a kernel tree each API behaves as in',
    'the newest release the table knows. *Source* is where the API was checked: `file:line` in a',
    'named release, or the public commit for a release no local tree had.',
    '',
    `${apis.length} APIs.`,
  ];
  for (const [role, list] of sections) {
    out.push(
      '',
      `## ${role}`,
      '',
      '| API | what it does | versions | source |',
      '|---|---|---|---|',
    );
    for (const a of list) {
      const what = a.roles
        .map((r) => {
          const b = bounds(r);
          return b ? `${roleInWords(r)} (${b})` : roleInWords(r);
        })
        .join('; ');
      const hover = a.hover ? `<br>${a.hover}` : '';
      out.push(
        `| \`${a.name}\` | ${cell(what + hover)} | ${bounds(a) || 'all'} | ${cell(a.source)} |`,
      );
    }
  }
  return out.join('\n') + '\n';
}

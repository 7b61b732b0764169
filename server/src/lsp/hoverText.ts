/**
 * Hover texts: two or three lines on each cache-maintenance API and on a finding, with the link to
 * the kernel's document (Documentation/core-api/cachetlb.rst) or to the rule's page. Pure.
 */
import type { Finding } from '../rules/types';
import { escapeMarkdown } from '../sanitise';

const CACHETLB = 'https://docs.kernel.org/core-api/cachetlb.html';
const HIGHMEM = 'https://docs.kernel.org/mm/highmem.html';

interface ApiDoc {
  text: string;
  link: string;
}

const KMAP =
  'Maps a page at a kernel virtual address. On an aliasing (VIPT/VIVT) D-cache that address may have a different cache colour from a user mapping of the same page: data written through it must be flushed with `flush_dcache_page()` before user space can see it.';
const FLUSH_PAGE =
  'Writes back (and on most aliasing caches invalidates) the kernel alias of a page-cache page, so that user mappings of another colour see what the kernel wrote. A no-op where the D-cache does not alias (x86, arm64).';
const VMAP =
  'Creates a second, virtually contiguous kernel alias of physical pages. I/O only keeps the linear map coherent: flush the alias with `flush_kernel_vmap_range()` before write I/O and invalidate it with `invalidate_kernel_vmap_range()` after read I/O.';

const APIS: Record<string, ApiDoc> = {
  flush_dcache_page: { text: FLUSH_PAGE, link: CACHETLB },
  flush_dcache_folio: {
    text: FLUSH_PAGE.replace('a page-cache page', 'every page of a page-cache folio'),
    link: CACHETLB,
  },
  flush_kernel_dcache_page: {
    text: 'Removed from the kernel; `flush_dcache_page()` now covers its use (a page written through a kernel mapping).',
    link: CACHETLB,
  },
  kmap: { text: KMAP, link: HIGHMEM },
  kmap_local_page: { text: KMAP, link: HIGHMEM },
  kmap_local_folio: { text: KMAP, link: HIGHMEM },
  kmap_atomic: { text: `${KMAP} Deprecated: prefer \`kmap_local_page()\`.`, link: HIGHMEM },
  kunmap: {
    text: 'Drops a `kmap()` mapping. It does not flush: a written page still needs `flush_dcache_page()`.',
    link: HIGHMEM,
  },
  kunmap_local: {
    text: 'Drops a `kmap_local_*()` mapping. It does not flush: a written page still needs `flush_dcache_page()`.',
    link: HIGHMEM,
  },
  kunmap_atomic: {
    text: 'Drops a `kmap_atomic()` mapping. It does not flush: a written page still needs `flush_dcache_page()`.',
    link: HIGHMEM,
  },
  page_address: {
    text: 'The linear-map (kernel) alias of a lowmem page; writes through it need `flush_dcache_page()` before user space reads the page on an aliasing D-cache.',
    link: CACHETLB,
  },
  memcpy_to_page: {
    text: 'Maps the page, copies into it, calls `flush_dcache_page()` and unmaps: the safe way to write a page through a temporary mapping.',
    link: HIGHMEM,
  },
  memzero_page: {
    text: 'Maps the page, zeroes a range, calls `flush_dcache_page()` and unmaps.',
    link: HIGHMEM,
  },
  memcpy_from_page: {
    text: 'Maps the page and copies out of it; reading needs no flush.',
    link: HIGHMEM,
  },
  flush_kernel_vmap_range: {
    text: 'Writes back the CPU caches for a vmap/vmalloc alias range. Call it after the CPU wrote the buffer and before the device reads it (write I/O); I/O only keeps the linear map coherent.',
    link: CACHETLB,
  },
  invalidate_kernel_vmap_range: {
    text: 'Discards the CPU cache lines of a vmap/vmalloc alias range. Call it after the device wrote the buffer (read I/O) and before the CPU reads it: the CPU may have refilled the alias speculatively. Never instead of a flush before write I/O: it would drop dirty data.',
    link: CACHETLB,
  },
  vmap: { text: VMAP, link: CACHETLB },
  vm_map_ram: { text: VMAP, link: CACHETLB },
  vmalloc: { text: `${VMAP} (vmalloc memory is such an alias.)`, link: CACHETLB },
  flush_cache_page: {
    text: 'Flushes a user mapping of a page before its translation changes (a COW break, a page-table update).',
    link: CACHETLB,
  },
  flush_anon_page: {
    text: 'Flushes the user alias of an anonymous page before the kernel reads it through its own mapping (get_user_pages users).',
    link: CACHETLB,
  },
  copy_to_user_page: {
    text: 'Writes into a user page through the kernel alias and flushes as needed (ptrace, access_process_vm).',
    link: CACHETLB,
  },
};

export function isCacheApi(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(APIS, name);
}

export function apiHover(name: string): string | undefined {
  const doc = isCacheApi(name) ? APIS[name] : undefined;
  if (!doc) return undefined;
  return `**${name}()** — ${doc.text}\n\n[Kernel documentation](${doc.link})`;
}

export function findingHover(f: Finding, docsHref: string): string {
  return [
    `**FlushGuard: ${f.rule}** in \`${f.function}()\``,
    '',
    escapeMarkdown(f.message),
    '',
    'On an aliasing (VIPT/VIVT) D-cache the kernel alias and a user alias of one page index different cache sets, so what one writes the other may not see until the kernel alias is flushed.',
    '',
    `[Rule documentation](${docsHref}) · path: ${f.path.map((s) => `line ${s.line}`).join(' → ')}`,
  ].join('\n');
}

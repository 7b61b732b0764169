/**
 * The outside tester's heavy inputs (issue 15, items 3 and 4), rebuilt from their description:
 * one function with tens of thousands of `if`s over many written pages, its vmap twin, and files
 * of many small functions. Used by `npm run bench:hostile`, the fuzzer and the robustness tests.
 */

/** One function: `pages` kmapped pages, `ifs` conditional stores spread over them, no flush. */
export function manyIfs(ifs: number, pages: number): string {
  const out: string[] = ['void hostile_ifs(struct page **pages, unsigned long m)', '{'];
  for (let p = 0; p < pages; p++) out.push(`\tchar *p${p} = kmap_local_page(pages[${p}]);`);
  for (let i = 0; i < ifs; i++) out.push(`\tif (m & ${i}) p${i % pages}[${i & 63}] = 1;`);
  for (let p = pages - 1; p >= 0; p--) out.push(`\tkunmap_local(p${p});`);
  out.push('}', '');
  return out.join('\n');
}

/**
 * One function: a buffer that may be vmalloc'd is put in a bio page by page, written under
 * `ifs` conditions, and submitted without flush_kernel_vmap_range (the synchronous bdev I/O shape).
 */
export function manyIfsVmap(ifs: number): string {
  const out: string[] = [
    'static int hostile_vmap(struct block_device *bdev, unsigned int count, char *data,',
    '			enum req_op op, unsigned long m)',
    '{',
    '	unsigned int is_vmalloc = is_vmalloc_addr(data);',
    '	unsigned int left = count;',
    '	struct bio *bio;',
    '	int error;',
    '',
    '	bio = bio_alloc(bdev, bio_max_vecs(left), op | REQ_META, GFP_KERNEL);',
    '	do {',
    '		struct page *page = kmem_to_page(data);',
    '		unsigned int off = offset_in_page(data);',
    '		unsigned int len = min_t(unsigned int, left, PAGE_SIZE - off);',
    '',
    '		bio_add_page(bio, page, len, off);',
    '		data += len;',
    '		left -= len;',
    '	} while (left > 0);',
  ];
  for (let i = 0; i < ifs; i++) out.push(`	if (m & ${i}) data[${i}] = 1;`);
  out.push(
    '	error = submit_bio_wait(bio);',
    '	bio_put(bio);',
    '	if (is_vmalloc && op == REQ_OP_READ)',
    '		invalidate_kernel_vmap_range(data - count, count);',
    '	return error;',
    '}',
    '',
  );
  return out.join('\n');
}

/**
 * `count` small functions; every tenth writes a kmapped page without a flush and every other
 * calls a neighbour, so caller/callee checks have work to do. Findings: ceil(count / 10).
 */
export function manyFunctions(count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) {
      out.push(
        `static void fn_${i}(struct page *page)`,
        '{',
        '\tchar *p = kmap_atomic(page);',
        `\tp[${i & 63}] = ${i & 255};`,
        '\tkunmap_atomic(p);',
        '}',
        '',
      );
    } else {
      const callee = i % 2 === 0 ? `\tfn_${i - 1}(x);\n` : '';
      out.push(`static int fn_${i}(int x)`, '{', `${callee}\treturn x + ${i};`, '}', '');
    }
  }
  return out.join('\n');
}

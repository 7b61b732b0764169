/** Inputs of the parser-abort tests (each test file runs in its own process, with its own caps). */

/** A function that writes a kmap'd page and never flushes: one finding. */
export const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';

/** One function of `n` empty statements: a node each, all children of one block. */
export const dense = (n: number): string =>
  `void big(struct page *page)\n{\n\tchar *p = kmap(page);\n${';'.repeat(n)}\n\tp[0] = 1;\n\tkunmap(page);\n}\n`;

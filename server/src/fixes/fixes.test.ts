import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testParser } from '../../../test/helpers';
import { parseC } from '../parsing/parser';
import type { Fix } from '../rules/types';
import { pageCopyRewrite } from './pageCopy';
import { flushKernelDcachePageRename, kmapAtomicToLocal } from './refactors';
import { insertSuppression, removeSuppression } from './suppression';
import { parseSuppressions } from '../suppress';

function apply(source: string, fix: Fix): string {
  let out = source;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

async function withRoot<T>(
  source: string,
  f: (root: Parameters<typeof pageCopyRewrite>[1]) => T,
): Promise<T> {
  const parsed = parseC(await testParser(), source);
  try {
    return f(parsed.tree.rootNode);
  } finally {
    parsed.tree.delete();
  }
}

const at = (s: string, needle: string): number => s.indexOf(needle);

test('map + memcpy + unmap becomes memcpy_to_page with the same page, offset and length', async () => {
  const src =
    'void f(struct page *pg, char *buf, int o, int n)\n{\n\tvoid *va = kmap_local_page(pg);\n\n\tmemcpy(va + o, buf, n);\n\tkunmap_local(va);\n}\n';
  const fix = await withRoot(src, (root) => pageCopyRewrite(src, root, at(src, 'memcpy')));
  assert.ok(fix);
  assert.equal(
    apply(src, fix),
    'void f(struct page *pg, char *buf, int o, int n)\n{\n\tmemcpy_to_page(pg, o, buf, n);\n}\n',
  );
});

test('a separate declaration goes too; memset to zero becomes memzero_page; a read becomes memcpy_from_page', async () => {
  const src =
    'void f(struct page *p, char *d, int n)\n{\n\tchar *k;\n\tk = kmap_atomic(p);\n\tmemset(k, 0, n);\n\tflush_dcache_page(p);\n\tkunmap_atomic(k);\n}\n';
  const fix = await withRoot(src, (root) => pageCopyRewrite(src, root, at(src, 'k = kmap')));
  assert.equal(
    fix && apply(src, fix),
    'void f(struct page *p, char *d, int n)\n{\n\tmemzero_page(p, 0, n);\n}\n',
  );
  const read =
    'void g(struct page *p, char *d, int n)\n{\n\tchar *k = kmap(p);\n\tmemcpy(d, k + 8, n);\n\tkunmap(p);\n}\n';
  const r = await withRoot(read, (root) => pageCopyRewrite(read, root, at(read, 'memcpy')));
  assert.equal(r?.title, 'Rewrite as memcpy_from_page()');
  assert.match(r ? apply(read, r) : '', /\tmemcpy_from_page\(d, p, 8, n\);\n/);
});

test('no rewrite when the address is used after the sequence or the shape differs', async () => {
  const used =
    'void f(struct page *p, char *b, int n)\n{\n\tchar *k = kmap_local_page(p);\n\tmemcpy(k, b, n);\n\tkunmap_local(k);\n\tpr_info("%p", k);\n}\n';
  assert.equal(
    await withRoot(used, (root) => pageCopyRewrite(used, root, at(used, 'memcpy'))),
    undefined,
  );
  const loop =
    'void f(struct page *p, char *b, int n)\n{\n\tchar *k = kmap_local_page(p);\n\tmemcpy(k, b, n);\n\tk[0] = 1;\n\tkunmap_local(k);\n}\n';
  assert.equal(
    await withRoot(loop, (root) => pageCopyRewrite(loop, root, at(loop, 'memcpy'))),
    undefined,
  );
  const nonzero =
    'void f(struct page *p, int n)\n{\n\tchar *k = kmap_local_page(p);\n\tmemset(k, 0xff, n);\n\tkunmap_local(k);\n}\n';
  assert.equal(
    await withRoot(nonzero, (root) => pageCopyRewrite(nonzero, root, at(nonzero, 'memset'))),
    undefined,
  );
});

test('kmap_atomic/kunmap_atomic pairs become kmap_local_page/kunmap_local, not under _inatomic copies', async () => {
  const src =
    'int f(struct page *p)\n{\n\tu32 *v = kmap_atomic(p);\n\tv[0] = 1;\n\tkunmap_atomic(v);\n\treturn 0;\n}\n';
  const fix = await withRoot(src, (root) =>
    kmapAtomicToLocal(src, root, at(src, 'kmap_atomic'), at(src, 'kmap_atomic')),
  );
  assert.equal(
    fix && apply(src, fix),
    src.replace('kmap_atomic', 'kmap_local_page').replace('kunmap_atomic', 'kunmap_local'),
  );
  const inatomic = src.replace('v[0] = 1;', 'n = __copy_from_user_inatomic(v, u, 4);');
  assert.equal(
    await withRoot(inatomic, (root) =>
      kmapAtomicToLocal(inatomic, root, at(inatomic, 'kmap_atomic'), at(inatomic, 'kmap_atomic')),
    ),
    undefined,
  );
});

test('flush_kernel_dcache_page is renamed at the cursor', async () => {
  const src = 'void f(struct page *p)\n{\n\tflush_kernel_dcache_page(p);\n}\n';
  const fix = await withRoot(src, (root) =>
    flushKernelDcachePageRename(root, at(src, 'kernel'), at(src, 'kernel')),
  );
  assert.equal(
    fix && apply(src, fix),
    src.replace('flush_kernel_dcache_page', 'flush_dcache_page'),
  );
});

test('suppression comments are inserted with the indentation, and removed with their line', () => {
  const src = 'void f(void)\n{\n\t\tmemcpy(a, b, n);\n}\n';
  const added = apply(src, insertSuppression(src, at(src, 'memcpy'), 'missing-flush-dcache-page'));
  assert.equal(
    added,
    'void f(void)\n{\n\t\t/* flushguard-disable-next-line missing-flush-dcache-page -- reason */\n\t\tmemcpy(a, b, n);\n}\n',
  );
  const [s] = parseSuppressions(added);
  assert.ok(s);
  assert.equal(apply(added, removeSuppression(added, s)), src);
  const trailing = 'x(); // flushguard-disable-line r\n';
  const [t] = parseSuppressions(trailing);
  assert.equal(apply(trailing, removeSuppression(trailing, t!)), 'x();\n');
});

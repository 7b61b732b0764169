import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth, miniTree } from '../../../test/xref/miniTree';

/**
 * An architecture's own copy_user_highpage: it copies through kernel mappings and leaves the
 * destination's coherence to its deferred-flush scheme (a flag its update_mmu_cache reads).
 */
const HOOK = `void copy_user_highpage(struct page *to, struct page *from,
\t\t\tunsigned long vaddr, struct vm_area_struct *vma)
{
\tvoid *kto = kmap_atomic(to);
\tvoid *kfrom = kmap_atomic(from);

\tcopy_page(kto, kfrom);
\tclear_bit(PG_arch_1, &to->flags);
\tkunmap_atomic(kfrom);
\tkunmap_atomic(kto);
}
`;

test("tree: an arch's own definition of a cache-maintenance hook is not judged by the generic rule", async () => {
  const root = miniTree({ 'arch/arm/mm/copypage.c': HOOK });
  const r = await lintBoth(root, 'arch/arm/mm/copypage.c');
  assert.equal(r.alone, 1, 'judged alone (no path) the write is reported');
  assert.equal(r.indexed, 0, 'noisy: the arch implements the hook');
  assert.ok(
    r.notes.some((n) => /arm's own implementation of a cache-maintenance hook/.test(n)),
    r.notes.join('\n'),
  );
  // The same body under another name, in the same arch file, is an ordinary write.
  const other = miniTree({
    'arch/arm/mm/copypage.c': HOOK.replace('copy_user_highpage', 'arm_copy_scratch'),
  });
  assert.equal((await lintBoth(other, 'arch/arm/mm/copypage.c')).indexed, 1, 'missing: not a hook');
  // The hook's name outside arch/ is no architecture's implementation.
  const generic = miniTree({ 'drivers/misc/copypage.c': HOOK });
  assert.equal(
    (await lintBoth(generic, 'drivers/misc/copypage.c')).indexed,
    1,
    'missing: not arch',
  );
});

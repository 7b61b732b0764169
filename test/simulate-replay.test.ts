/**
 * The simulation replays the bug the finding is about. A range mismatch in the shape of a block
 * helper that walks a vmalloc'd buffer page by page (`data += len` in the loop, then
 * invalidate_kernel_vmap_range(data, count) after it) invalidates the right length at the address
 * the loop left past the end of the buffer; the run with the fix invalidates the buffer itself.
 * The notes of the run with the fix describe that run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateEngineFinding } from '../server/src/simulation';
import type { Outcome } from '../simulator/src/index';
import { lint } from './helpers';

// Own fixture in the shape of a synchronous metadata read/write helper over a vmalloc'd buffer.
const WALKED = (api: string, dir: string): string =>
  [
    'int demo_rw_buf(struct block_device *bdev, sector_t sector, unsigned int count,',
    '\t\tchar *data, enum req_op op)',
    '{',
    '\tunsigned int is_vmalloc = is_vmalloc_addr(data);',
    '\tunsigned int left = count;',
    '\tstruct bio *bio;',
    '\tint error;',
    '',
    '\tbio = bio_alloc(bdev, 4, op, GFP_KERNEL);',
    '\tdo {',
    '\t\tstruct page *page = vmalloc_to_page(data);',
    '\t\tunsigned int off = offset_in_page(data);',
    '\t\tunsigned int len = min_t(unsigned int, left, PAGE_SIZE - off);',
    '',
    '\t\tbio_add_page(bio, page, len, off);',
    '\t\tdata += len;',
    '\t\tleft -= len;',
    '\t} while (left > 0);',
    '',
    dir === 'read' ? '\terror = submit_bio_wait(bio);' : '',
    `\tif (is_vmalloc && op == ${dir === 'read' ? 'REQ_OP_READ' : 'REQ_OP_WRITE'})`,
    `\t\t${api}(data, count);`,
    dir === 'read' ? '' : '\terror = submit_bio_wait(bio);',
    '\tbio_put(bio);',
    '\treturn error;',
    '}',
    '',
  ].join('\n');

const vaOf = (hex: string | undefined): bigint => BigInt(hex ?? '0');

/** The accesses of the run's steps whose text starts with `op`. */
function accessesOf(o: Outcome, op: string): { va: bigint }[] {
  return o.steps
    .filter((s) => s.text.startsWith(op))
    .flatMap((s) => s.accesses.map((a) => ({ va: vaOf(a.va) })));
}

async function simulate(text: string) {
  const { findings } = await lint(text, ['vmap-range-mismatch']);
  assert.equal(findings.length, 1, 'the rule reports the walked pointer');
  return simulateEngineFinding(text, 'demo.c', findings[0]!, 'arm1176-32k');
}

test('moved address after read I/O: the right length, past the end of the buffer', async () => {
  const sim = await simulate(WALKED('invalidate_kernel_vmap_range', 'read'));
  const bug = /^@\d+ bug invalidate_kernel_vmap_range V\+(\d+) (\d+)/m.exec(sim.scenario);
  assert.ok(bug, `scenario:\n${sim.scenario}`);
  const [, offset, length] = bug;
  assert.equal(offset, length, 'the address is the end of the buffer, the length the whole of it');
  assert.match(
    sim.scenario,
    new RegExp(`^@\\d+ fix invalidate_kernel_vmap_range V ${length}\\b`, 'm'),
  );
  assert.equal(sim.asWritten.corrupted, true);
  assert.equal(sim.withFix.corrupted, false);
  assert.equal(sim.asWritten.observer, 'cpu');
  // As written, every line the invalidate touches lies after the buffer, none inside it.
  const vmapBase = vaOf(sim.asWritten.steps.find((s) => s.text.startsWith('vmap'))?.va);
  const touched = accessesOf(sim.asWritten, 'invalidate_kernel_vmap_range');
  assert.ok(touched.length > 0);
  const end = vmapBase + BigInt(Number(length));
  assert.ok(
    touched.every((a) => a.va >= end && a.va < end + BigInt(Number(length))),
    'invalidated lines are [end, end + count)',
  );
  const fixed = accessesOf(sim.withFix, 'invalidate_kernel_vmap_range');
  assert.ok(fixed.every((a) => a.va >= vmapBase && a.va < end));
});

test('moved address before write I/O: the flush covers the bytes after the buffer', async () => {
  const sim = await simulate(WALKED('flush_kernel_vmap_range', 'write'));
  assert.match(sim.scenario, /^@\d+ bug flush_kernel_vmap_range V\+(\d+) \1\b/m);
  assert.equal(sim.asWritten.corrupted, true);
  assert.equal(sim.withFix.corrupted, false);
});

test('the run with the fix does not say the page is not flushed; the run as written does', async () => {
  const demo = readFileSync(join(__dirname, '..', 'examples', 'demo_blk.c'), 'utf8');
  const { findings } = await lint(demo, ['missing-flush-dcache-page']);
  assert.ok(findings.length > 0);
  for (const f of findings) {
    const sim = simulateEngineFinding(demo, 'demo_blk.c', f, 'arm1176-32k');
    const said = (o: Outcome): string =>
      o.steps.map((s) => [s.text, ...s.notes].join('\n')).join('\n');
    assert.match(said(sim.asWritten), /not flushed/, 'as written keeps the path note');
    assert.doesNotMatch(said(sim.withFix), /not flushed/, 'with the fix describes the fixed run');
    assert.match(said(sim.withFix), /flush_dcache_page\(\), which the fix added/);
  }
});

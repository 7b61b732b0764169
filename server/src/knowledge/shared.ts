/**
 * What both families read in conditions, loop bounds and completion handlers, derived from the
 * table in apis.ts (sources there).
 */
import { namesWith } from './table';
import { derivedFromTable } from './versions';

/** `bio_data_dir(bio)`, `bio_op(bio)`, `req_op(rq)`: a test on the request's direction. */
export let IO_DIRECTION: Set<string>;

/** Tests of the uptodate flag (`folio_test_uptodate`, `PageUptodate`). */
export let UPTODATE_TEST: Set<string>;

/** Tests of the slab flag (`folio_test_slab`, `PageSlab`). */
export let SLAB_TESTS: Set<string>;

/** A condition key that is a slab test of some page: `PageSlab(page)`, `folio_test_slab(f)`. */
export let SLAB_TEST_CALL: RegExp;

/** The number of base pages of a page or folio (`compound_nr`, `folio_nr_pages`). */
export let PAGE_COUNT: Set<string>;

/** Calls that pass the rest of the work to another context (`complete`, `queue_work`). */
export let HANDS_OFF: Set<string>;

/** Calls that move a list cursor to the next entry of the same list (`sg_next`). */
export let NEXT_ENTRY: Set<string>;

/** Tests for atomic context (`in_atomic()`). */
export let ATOMIC_CONTEXT_TEST: Set<string>;

derivedFromTable(() => {
  IO_DIRECTION = namesWith('io-direction');
  UPTODATE_TEST = namesWith('tests-page-flag', (r) => r.flag === 'uptodate');
  SLAB_TESTS = namesWith('tests-page-flag', (r) => r.flag === 'slab');
  SLAB_TEST_CALL = new RegExp(`^(?:${[...SLAB_TESTS].join('|')})\\(`);
  PAGE_COUNT = namesWith('page-count');
  HANDS_OFF = namesWith('hands-off');
  ATOMIC_CONTEXT_TEST = namesWith('tests-atomic-context');
  NEXT_ENTRY = namesWith('next-entry');
});

/**
 * The deadline of the analysis running now, checked inside the analysis loops (path search,
 * condition sets, page and vmap models, summaries) so that one huge function cannot outlive the
 * file's time budget. The engine is synchronous: `withDeadline` installs a deadline for one
 * synchronous stretch of work (the language server interleaves documents between functions, so
 * each stretch brings its own), and `checkDeadline` throws BudgetExceeded once it has passed.
 * It lives with the parser because every layer may import parsing, and BudgetExceeded is here.
 */
import { BudgetExceeded } from './parser';

let current: number | undefined;
/** Asked at the same cadence as the clock: whether the caller wants the running work stopped. */
let interrupt: (() => boolean) | undefined;
/** Calls left before the clock is read again: a loop step is far cheaper than `performance.now`. */
let countdown = 0;
const CHECK_EVERY = 256;

/** Runs `work` under `deadline` (a `performance.now()` value); a tighter outer deadline stays. */
export function withDeadline<T>(deadline: number | undefined, work: () => T): T {
  const saved = current;
  current =
    saved === undefined ? deadline : deadline === undefined ? saved : Math.min(saved, deadline);
  countdown = 0;
  try {
    return work();
  } finally {
    current = saved;
  }
}

/**
 * Thrown by `checkDeadline` when the interrupt installed with `withInterrupt` asks to stop: the
 * work is no longer wanted (a newer edit, a cancelled request). Not a BudgetExceeded: nothing is
 * reported as skipped for it.
 */
export class Interrupted extends Error {}

/**
 * Runs `work` with `check` asked inside the analysis loops (at the cadence of the deadline
 * checks); once it answers true, the next check throws Interrupted. The language server's analysis
 * worker uses it so that a stale analysis of one huge function stops within milliseconds.
 */
export function withInterrupt<T>(check: () => boolean, work: () => T): T {
  const saved = interrupt;
  interrupt = check;
  try {
    return work();
  } finally {
    interrupt = saved;
  }
}

/** Throws BudgetExceeded when the running analysis is past its deadline; cheap to call often. */
export function checkDeadline(): void {
  if ((current === undefined && interrupt === undefined) || --countdown > 0) return;
  countdown = CHECK_EVERY;
  if (interrupt?.() === true) throw new Interrupted('the analysis is no longer wanted');
  if (current !== undefined && performance.now() > current)
    throw new BudgetExceeded('analysis took longer than the time budget');
}

/** Whether a deadline is running out now (for loops that stop quietly instead of throwing). */
export function pastDeadline(): boolean {
  return current !== undefined && performance.now() > current;
}

// Benchmarks state each goal, what was measured and whether the goal was met, then one verdict
// for the run, so a number is never left for the reader to compare.

export interface Goal {
  /** What is measured, e.g. "whole-tree lint / grep". */
  what: string;
  /** The goal in words, e.g. "<= 10x". */
  goal: string;
  /** The figure measured, as printed. */
  measured: string;
  /** Undefined when the run did not measure it (an option skipped that part). */
  met: boolean | undefined;
}

export function goalLine(g: Goal): string {
  const result = g.met === undefined ? 'NOT MEASURED' : g.met ? 'PASS' : 'FAIL';
  return `goal: ${g.what} ${g.goal}; measured ${g.measured} -> ${result}`;
}

/** `verdict: PASS (2/2 goals met)`; FAIL when any measured goal was missed. */
export function verdictLine(goals: readonly Goal[]): string {
  const measured = goals.filter((g) => g.met !== undefined);
  const met = measured.filter((g) => g.met).length;
  const pass = measured.length > 0 && met === measured.length;
  const skipped = goals.length - measured.length;
  return `verdict: ${pass ? 'PASS' : 'FAIL'} (${met}/${measured.length} goals met${skipped ? `, ${skipped} not measured` : ''})`;
}

/** Collects the goals of one benchmark run and prints them as they come, then the verdict. */
export class Verdicts {
  private readonly goals: Goal[] = [];

  constructor(private readonly print: (line: string) => void = (l) => console.log(l)) {}

  add(g: Goal): void {
    this.goals.push(g);
    this.print(goalLine(g));
  }

  finish(): void {
    this.print(verdictLine(this.goals));
  }
}

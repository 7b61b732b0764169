// From code to scenario: turns the path of an engine finding into a .fgs scenario whose `fix`
// (and `bug`) steps make the pair "as written" / "with the fix". Addresses are chosen so the
// aliases collide on the preset; every step keeps the C line it came from (`@line`).
// The input types below are the contract with the analysis engine (server/).
// The generator (`findingToScenario`) is in finding-generator.ts, which imports these types.

export type StepKind =
  | 'map'
  | 'write'
  | 'read'
  | 'flush'
  | 'unmap'
  | 'branch'
  | 'publish'
  | 'return'
  | 'vmap'
  | 'flush-vmap'
  | 'invalidate-vmap'
  | 'submit-write'
  | 'submit-read'
  | 'complete'
  | 'call'
  /** Why the page or buffer is user- or device-visible: a note, no cache operation. */
  | 'origin';

export interface FindingStep {
  line: number;
  kind: StepKind;
  note: string;
  /** Bytes written/read (or flushed, for flush-vmap/invalidate-vmap) when known. */
  size?: number;
  /**
   * For a flush-vmap/invalidate-vmap step of vmap-range-mismatch: the argument the loop moved
   * (the address ends past the buffer; the length counts down to 0).
   */
  moved?: 'address' | 'length';
}

export type FindingRule =
  | 'missing-flush-dcache-page'
  | 'missing-flush-kernel-vmap-range'
  | 'missing-invalidate-kernel-vmap-range'
  | 'invalidate-before-write-io'
  | 'vmap-range-mismatch'
  | 'missing-flush-before-kernel-read';

export interface FindingInput {
  // `string & {}` keeps the known ids as editor suggestions while accepting any rule id.
  rule: FindingRule | (string & {});
  file?: string;
  line: number;
  steps: FindingStep[];
}

export interface GeneratedScenario {
  preset: string;
  /** The scenario text (.fgs); its `fix`/`bug` steps give the two variants. */
  text: string;
  /** What the generator assumed or adjusted, in words. */
  notes: string[];
}

/** What the engine reports: findings, their path steps and fixes. Offsets are UTF-16 string offsets. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** What a step of a finding's path is: declared once, by the simulator that consumes it. */
export type { StepKind } from '../../../../simulator/src/core/finding';
import type { StepKind } from '../../../../simulator/src/core/finding';

export interface PathStep {
  /** 1-based line. */
  line: number;
  kind: StepKind;
  note: string;
  /** Offset of the construct the step comes from. */
  offset: number;
  /** Bytes written or read, when the code says so. */
  size?: number;
  /** vmap-range-mismatch: which argument of the call the loop moved (the simulator replays it). */
  moved?: 'address' | 'length';
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  start: number;
  end: number;
  function: string;
  message: string;
  path: PathStep[];
  /** Behaviour-changing repairs: offered as quick fixes, never applied automatically. */
  fixes: Fix[];
}

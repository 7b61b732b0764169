// The transaction records a run yields. They are the whole contract between the simulator and
// its views (CLI text, webview grid): a view only renders these, it never re-simulates.

export type LineOp =
  | 'load'
  | 'store'
  | 'speculate'
  | 'evict'
  | 'clean'
  | 'inval'
  | 'clean_inval'
  | 'snoop_read'
  | 'snoop_write';

/** One cache line touched by one operation. Addresses are hex strings so the record is JSON-ready. */
export interface LineAccess {
  op: LineOp;
  /** The VA the operation used ('' for by-PA, set/way and snoop operations). */
  va: string;
  /** PA of the line base. */
  pa: string;
  colour: number;
  set: number;
  /** -1 when no line was involved (a miss without allocation, a by-VA op that found nothing). */
  way: number;
  hit: boolean;
  /** A line was allocated and filled from DRAM. */
  filled: boolean;
  /** The line's dirty data went to DRAM (clean, clean+invalidate, snoop). */
  writtenBack: boolean;
  /** The line was invalidated. */
  dropped: boolean;
  /** Dropped while dirty: its data never reached DRAM. */
  lostDirty: boolean;
  /** Store bytes went straight to DRAM (write-through, or a miss without write-allocate). */
  toDram: boolean;
  /** The line evicted to make room; written back when dirty (whole line, rule 2.2.5). */
  victim?: { va: string; pa: string; colour: number; dirty: boolean };
  validAfter: boolean;
  dirtyAfter: boolean;
  /** Line contents after the operation, hex, when valid. */
  data?: string;
}

export type Observer = 'user' | 'cpu' | 'device' | 'memory';

export interface AssertionResult {
  kind: 'expect_load' | 'expect_mem' | 'expect_dev';
  observer: Observer;
  /** Scenario line of the assertion. */
  line: number;
  cLine?: number;
  expected: string;
  observed: string;
  ok: boolean;
  firstBadOffset: number;
  /** The bytes the scenario documents for the run without the fix, if it gives them. */
  buggy?: string;
}

export interface Step {
  index: number;
  op: string;
  /** Source text of the event, as written in the scenario. */
  text: string;
  /** Scenario line of the event. */
  line: number;
  /** C line the event comes from (scenarios generated from a finding). */
  cLine?: number;
  variant: 'always' | 'fix' | 'bug';
  /** Summary of the first line access: the address the event used and where it went. */
  va?: string;
  pa?: string;
  colour?: number;
  set?: number;
  way?: number;
  hit?: boolean;
  /** Bytes loaded, stored, or moved by the device (hex). */
  bytes?: string;
  accesses: LineAccess[];
  /** What the preset's kernel code did, e.g. "mapping && !mapping_mapped: clear PG_dcache_clean". */
  notes: string[];
  error?: string;
  check?: AssertionResult;
}

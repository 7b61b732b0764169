// The scenario model (what a .fgs file parses into) and the signature table the parser reads.
// Vocabulary: docs/design/hardware.md ("Scenario vocabulary").

export interface Loc {
  line: number;
  column: number;
}

/** A VA operand: a number, or a bound name plus an offset (`K+4`). */
export interface AddrRef {
  name?: string;
  /** The address itself, or the offset from `name`. */
  value: bigint;
}

/** A PA operand: a number, or a page name plus an offset (`P+0x10` = that page's PA + 0x10). */
export interface PaRef {
  page?: string;
  value: bigint;
}

export type DmaDir = 'to_device' | 'from_device' | 'bidirectional';

export interface PageDecl {
  name: string;
  pa: number;
  kind: 'file' | 'anon';
  index: number;
  mapped: boolean;
  mapcount: number;
  arch1: boolean;
}

/** Which run an event belongs to: both, only the fixed run, or only the run as written. */
export type Variant = 'always' | 'fix' | 'bug';

export type Op = keyof typeof SIGNATURES;

/**
 * One line of a scenario. Operands are optional fields filled according to the op's signature
 * (SIGNATURES); the parser guarantees that the ones the signature names are present.
 */
export interface ScenarioEvent {
  op: Op;
  loc: Loc;
  variant: Variant;
  /** The C source line this step comes from (`@123` prefix). */
  cLine?: number;
  text: string;
  va?: AddrRef;
  pa?: PaRef;
  len?: number;
  /** Offset into the page (dma_*). */
  off?: number;
  pages?: string[];
  data?: Uint8Array;
  buggy?: Uint8Array;
  dir?: DmaDir;
  count?: number;
  /** `as NAME` binding, or the name of `let`. */
  bind?: string;
  /** `vmap ... at VA`. */
  at?: AddrRef;
  note?: string;
  page?: PageDecl;
}

export interface PresetOverrides {
  cacheBytes?: number;
  ways?: number;
  lineBytes?: number;
}

export interface Scenario {
  title?: string;
  /** `preset <id>` header: the preset the scenario was written for (its `buggy` bytes hold there). */
  preset?: string;
  overrides?: PresetOverrides;
  events: ScenarioEvent[];
}

/**
 * Operand kinds: va (address), pa (physical address), len (byte count), page (page name),
 * pages (one or more page names), bytes (data literal), dir (DMA direction), off (number),
 * count (optional number), eq ('='), text (string literal).
 * `as` allows a trailing `as NAME`; `at` allows `at VA` (vmap).
 */
export type ArgKind =
  | 'va'
  | 'pa'
  | 'len'
  | 'page'
  | 'pages'
  | 'bytes'
  | 'dir'
  | 'off'
  | 'count'
  | 'eq'
  | 'text'
  | 'name';

export interface Signature {
  args: readonly ArgKind[];
  as?: boolean;
  at?: boolean;
  /** Accepts `buggy <bytes>` after its data. */
  buggy?: boolean;
  help: string;
}

const sig = (
  help: string,
  args: readonly ArgKind[],
  extra: Partial<Signature> = {},
): Signature => ({
  help,
  args,
  ...extra,
});

export const SIGNATURES = {
  title: sig('title "<text>"', ['text']),
  dram: sig('dram <pa> = <bytes>', ['pa', 'eq', 'bytes']),
  let: sig('let <name> = <va>', ['name', 'eq', 'va']),
  page: sig(
    'page <name> pa=<pa> file|anon [index=<n>] [mapped=<bool>] [mapcount=<n>] [arch1=<0|1>]',
    [],
  ),
  map_user: sig('map_user <va> <page> [as <name>]', ['va', 'page'], { as: true }),
  unmap_user: sig('unmap_user <va>', ['va']),
  kmap: sig('kmap <page> [as <name>]', ['page'], { as: true }),
  kmap_local: sig('kmap_local <page> [as <name>]', ['page'], { as: true }),
  kunmap: sig('kunmap <va>', ['va']),
  kmap_coherent: sig('kmap_coherent <page> <user va> [as <name>]', ['page', 'va'], { as: true }),
  kunmap_coherent: sig('kunmap_coherent <va>', ['va']),
  vmap: sig('vmap <page>... [at <va>] [as <name>]', ['pages'], { as: true, at: true }),
  vunmap: sig('vunmap <va>', ['va']),
  load: sig('load <va> <len>', ['va', 'len']),
  store: sig('store <va> <bytes>', ['va', 'bytes']),
  speculate: sig('speculate <va>', ['va']),
  speculate_any: sig('speculate_any [<count>]', ['count']),
  evict: sig('evict <va>', ['va']),
  touch: sig('touch <va>', ['va']),
  clean: sig('clean <va> <len>', ['va', 'len']),
  inval: sig('inval <va> <len>', ['va', 'len']),
  clean_inval: sig('clean_inval <va> <len>', ['va', 'len']),
  clean_inval_all: sig('clean_inval_all', []),
  inval_pa: sig('inval_pa <pa> <len>', ['pa', 'len']),
  flush_dcache_page: sig('flush_dcache_page <page>', ['page']),
  flush_anon_page: sig('flush_anon_page <page> <user va>', ['page', 'va']),
  flush_cache_page: sig('flush_cache_page <user va>', ['va']),
  flush_cache_range: sig('flush_cache_range <user va> <len>', ['va', 'len']),
  copy_user_highpage: sig('copy_user_highpage <to page> <from page> <user va>', [
    'page',
    'page',
    'va',
  ]),
  clear_user_highpage: sig('clear_user_highpage <page> <user va>', ['page', 'va']),
  copy_to_user_page: sig('copy_to_user_page <page> <user va> <bytes>', ['page', 'va', 'bytes']),
  flush_kernel_vmap_range: sig('flush_kernel_vmap_range <va> <len>', ['va', 'len']),
  invalidate_kernel_vmap_range: sig('invalidate_kernel_vmap_range <va> <len>', ['va', 'len']),
  dma_map: sig('dma_map <page> <off> <len> <dir>', ['page', 'off', 'len', 'dir']),
  dma_unmap: sig('dma_unmap <page> <off> <len> <dir>', ['page', 'off', 'len', 'dir']),
  dma_sync_for_cpu: sig('dma_sync_for_cpu <page> <off> <len> <dir>', ['page', 'off', 'len', 'dir']),
  dma_sync_for_device: sig('dma_sync_for_device <page> <off> <len> <dir>', [
    'page',
    'off',
    'len',
    'dir',
  ]),
  dev_read: sig('dev_read <pa> <len>', ['pa', 'len']),
  dev_write: sig('dev_write <pa> <bytes>', ['pa', 'bytes']),
  bio_write: sig('bio_write <va> <len>', ['va', 'len']),
  bio_read: sig('bio_read <va> <bytes>', ['va', 'bytes']),
  note: sig('note "<text>"', ['text']),
  expect_load: sig('expect_load <va> = <bytes> [buggy <bytes>]', ['va', 'eq', 'bytes'], {
    buggy: true,
  }),
  expect_mem: sig('expect_mem <pa> = <bytes> [buggy <bytes>]', ['pa', 'eq', 'bytes'], {
    buggy: true,
  }),
  expect_dev: sig('expect_dev = <bytes> [buggy <bytes>]', ['eq', 'bytes'], { buggy: true }),
} as const satisfies Record<string, Signature>;

export function isOp(word: string): word is Op {
  return Object.prototype.hasOwnProperty.call(SIGNATURES, word);
}

/** The events of one run: `fix` steps only in the fixed run, `bug` steps only as written. */
export function eventsFor(s: Scenario, withFix: boolean): ScenarioEvent[] {
  return s.events.filter((e) => e.variant === 'always' || (e.variant === 'fix') === withFix);
}

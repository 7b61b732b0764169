/** The vmap model's shapes: the aliases of a function, and what its events do to them. */
import type { Node } from '../../parsing/parser';
import type { Event } from '../core/events';
import type { FunctionFacts } from '../core/facts';
import type { Dir, VmapFile } from './file';
import type { Context, EmptyWrapper } from './shapes';

export type { Context } from './shapes';

export interface AliasInfo {
  key: string;
  /** Source text naming the alias, for messages and fixes. */
  display: string;
  /** Length expression the code uses with this alias, when known. */
  len?: string;
  /** Where it is recognised in this function (absent for callbacks: the submitter said so). */
  evidence?: Node;
  note: string;
  /** Created by vmap() here: nothing written through it yet. */
  clean: boolean;
}

export type VmapAction =
  | { kind: 'alias'; alias: string; node: Node; clean: boolean }
  | { kind: 'write'; alias: string; node: Node; size?: number }
  | { kind: 'flush' | 'invalidate'; alias: string | null; node: Node; api: string; len?: string }
  | { kind: 'attach'; alias: string; node: Node; api: string }
  | { kind: 'submit'; dir: Dir; node: Node; api: string; sync: boolean }
  | { kind: 'complete'; dir: Dir; node: Node; api: string }
  | { kind: 'use'; node: Node; api: string }
  | { kind: 'unmap'; alias: string; node: Node; api: string };

export interface VmapFunction {
  facts: FunctionFacts;
  file: VmapFile;
  aliases: Map<string, AliasInfo>;
  actions: Map<Event, VmapAction[]>;
  context: Context;
  contextNote: string;
  /** Direction of the I/O whose completion runs this callback. */
  entryDir: Dir;
  /** The function starts after the device wrote the buffer (bi_end_io, URB complete, begin_cpu_access). */
  entryComplete: boolean;
  /** Locals holding an alias test's result: `is_vmalloc = is_vmalloc_addr(data)`. */
  guards: Set<string>;
  /** The alias key of an expression key, under the function's name equivalences. */
  canon: (key: string) => string;
  /**
   * A cache-maintenance wrapper (`persistent_memory_flush_cache(ptr, size)`, dm-writecache) that
   * tests its parameter with is_vmalloc_addr() and then does no maintenance at all.
   */
  emptyWrapper?: EmptyWrapper;
  /** Aliases known only through their owner (`xfs_buf_is_vmapped(bp)`): no address for a fix. */
  placeholders: Set<string>;
}

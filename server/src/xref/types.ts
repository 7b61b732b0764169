/**
 * What the rules may ask of the whole kernel tree (issue 13): where pages kept in struct fields
 * come from, which functions in other files flush their page arguments, which implementations an
 * operations-table field has, which inodes user space cannot map. Pure types: the engine sees
 * only this interface, built by server/src/xref/treeIndex.ts from per-file facts.
 */

export type FieldOrigin = 'private' | 'visible' | 'unknown';

export interface Evidence<T> {
  value: T;
  /** Human-readable why, with tree-relative file:line (`alloc_page (net/x/y.c:59)`). */
  evidence: string;
}

/** A page a callee flushes, named from its parameter `index` (the place itself, no field path). */
export interface TreeFlushedPlace {
  index: number;
  path: string;
  /** Only when argument `flag` has this truthiness (a helper told the page is dirty). */
  when?: { flag: number; value: boolean };
}

export interface TreeFacts {
  /** `key` is `struct_name.field` (`ceph_pagelist.page`). */
  fieldOrigin(key: string): Evidence<FieldOrigin>;
  /**
   * What `name` (a function, or `->field` for a call through an operations table) flushes of its
   * arguments: the places, 'any' when it flushes a page its caller cannot name, undefined when it
   * does not flush (or the tree does not know it). `file` picks the file's own static function.
   */
  calleeFlushes(name: string, file?: string): Evidence<TreeFlushedPlace[] | 'any'> | undefined;
  /** Whether `name` writes through its argument `argIndex` (directly or through its callees). */
  calleeWrites(name: string, argIndex: number, file?: string): boolean;
  /**
   * Whether `->field` (its exported implementations) writes through the byte buffer it is given
   * as argument `argIndex`; `when`: only when argument `flag` has that truthiness.
   */
  calleeWritesBuffer(
    name: string,
    argIndex: number,
  ): { when?: { flag: number; value: boolean } } | undefined;
  /** Whether `name` writes the page of its buffer-head argument `argIndex` (`bh->b_page`). */
  headWrites?(name: string, argIndex: number, file?: string): boolean;
  /** Whether `->field` (any implementation) reads the byte buffer it is given as `argIndex`. */
  calleeReadsBuffer?(name: string, argIndex: number): boolean;
  /** The functions registered for an operations-table field (`write_end`). */
  callbackImplementations(opsField: string): readonly string[];
  /** A field (`hfsplus_sb_info.alloc_file`) holding an inode user space cannot open or mmap. */
  internalInode(key: string): Evidence<true> | undefined;
  /** For a function that returns `x->f->i_mapping`, the inode field key (`T.f`). */
  mappingReturnedBy(name: string): string | undefined;
  /**
   * Whether `name` marks the page in its argument `argIndex` up to date (itself or through a
   * same-file helper): whoever wrote that page was filling file data for readers.
   */
  calleeMarksUptodate?(name: string, argIndex: number, file?: string): boolean;
  /** A function of the tree that hands a page to `name`, as `caller() (file:line)`, for a message. */
  callerOf?(name: string): string | undefined;
}

/** One place that stores into a struct field. */
export interface FieldSource {
  kind: 'private' | 'visible' | 'unknown' | 'internal-inode';
  /** The callee, or the other field (`T.f`) the value came from. */
  what: string;
  line: number;
}

export interface FunctionFactsSummary {
  name: string;
  isStatic: boolean;
  line: number;
  /** Parameter indices the function flushes itself (same-file callees included), or 'any'. */
  flushes: number[] | 'any';
  /** Parameters flushed only under a flag parameter (`if (dirty) flush_dcache_page(page)`). */
  flushWhen?: { index: number; flag: number; value: boolean }[];
  /** Parameter indices written through (same-file callees included). */
  writes: number[];
  /** Calls to functions not defined in the file: callee (or `->field`), argument → parameter index (-1). */
  calls: {
    callee: string;
    args: number[];
    /** Arguments that are constants (`false`, `1`): their truthiness, by position. */
    consts?: Record<number, boolean>;
    /** Arguments that are other parameters of the function (a flag passed on), by position. */
    passes?: Record<number, number>;
    /** The call sits in a case of a `switch`: the switch's and the case's offsets. */
    arm?: [number, number];
    /** Arguments that are the function's buffer-head parameters, by position (bufferHeads.ts). */
    heads?: Record<number, number>;
    /** Arguments that name a function (a `get_block` callback), by position. */
    funcs?: Record<number, string>;
  }[];
  /** Buffer-head parameters whose page (`bh->b_page`) the function writes through a kmap. */
  headWrites?: number[];
  /** The function only returns `x->f->i_mapping`: the key of the inode field (`T.f`). */
  returnsMappingOf?: string;
  /** Page parameters marked up to date (uptodateHandOff.ts), same-file helpers included. */
  uptodate?: number[];
  /** Byte-buffer parameters written through (bufferWrites.ts), each under its flag if any. */
  bufferWrites?: { index: number; when?: { flag: number; value: boolean } }[];
  /** Byte-buffer parameters read through (bufferReads.ts). */
  bufferReads?: number[];
}

/** Everything one file contributes to the tree index; plain data (cached as JSON, crosses threads). */
export interface FileFacts {
  file: string;
  fields: Record<string, FieldSource[]>;
  functions: FunctionFactsSummary[];
  /** Operations-table field → functions registered for it in this file. */
  callbacks: Record<string, string[]>;
  /** Struct members of struct type (`state.pl` → `pagelist`), to resolve paths of fields. */
  structs?: Record<string, string>;
  /** Operations-table fields this file calls with a page's kernel mapping (`->sff_data_xfer`). */
  addressCalls?: string[];
}

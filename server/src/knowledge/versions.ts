/**
 * What an API does in kernel version V: the one question every consumer of the table asks.
 * An entry's `since`/`until` say when the name exists; a role's own `since`/`until` say when
 * that behaviour holds (`flush_kernel_dcache_page` flushed until it was removed, and is a
 * removed name after). Without a version the newest behaviour the table knows applies.
 *
 * The derived word lists (dcache.ts, vmap.ts) are rebuilt for the version selected by
 * `atKernelVersion`, which the linter calls around each rule's synchronous check: a file's
 * rules all see the facts of the file's kernel.
 */
import { APIS } from './apis';
import type { KernelApi, Role } from './types';
import {
  compareKernelVersions,
  formatKernelVersion,
  newestKernelVersion,
  parseKernelVersion,
  versionInRange,
} from '../kernel/version';
import type { KernelVersion } from '../kernel/version';

const parsedVersions = new Map<string, KernelVersion | undefined>();

/** The table's version strings, parsed once (each version switch tests every entry). */
function parsed(v: string | undefined): KernelVersion | undefined {
  if (v === undefined) return undefined;
  if (!parsedVersions.has(v)) parsedVersions.set(v, parseKernelVersion(v));
  return parsedVersions.get(v);
}

/** The newest release any entry or role of the table names: what applies outside a tree. */
export function newestKnownKernelVersion(
  apis: readonly KernelApi[] = APIS,
): KernelVersion | undefined {
  const bounds = apis.flatMap((a) => [a, ...a.roles]).flatMap((x) => [x.since, x.until]);
  return newestKernelVersion(bounds.map(parsed).filter((v): v is KernelVersion => !!v));
}

const NEWEST = newestKnownKernelVersion();

/** Whether a fact bounded by since (inclusive) and until (exclusive) holds for `version`. */
export function holdsAt(
  fact: { since?: string; until?: string },
  version: KernelVersion | undefined,
  newest: KernelVersion | undefined = NEWEST,
): boolean {
  const v = version ?? newest;
  if (!v) return fact.until === undefined;
  return versionInRange(v, parsed(fact.since), parsed(fact.until));
}

export interface ApiAt {
  api: KernelApi;
  /** The roles that hold in the version asked about (never empty). */
  roles: Role[];
}

const BY_NAME = new Map(APIS.map((a) => [a.name, a]));

/**
 * What `name` does in `version` (absent: its newest behaviour known); undefined when it does not
 * exist there.
 */
export function apiAt(name: string, version?: KernelVersion): ApiAt | undefined {
  const api = BY_NAME.get(name);
  return api && atVersion(api, version);
}

/** The release before `v` (6.0 → 5.99: only the order matters). */
function older(v: KernelVersion): KernelVersion {
  return v.minor > 0 ? { major: v.major, minor: v.minor - 1 } : { major: v.major - 1, minor: 99 };
}

/**
 * Without a version, each API's newest behaviour: what it does in the newest release, or for a
 * name removed before it, what it did last (code that calls it was written for such a kernel).
 */
function atVersion(api: KernelApi, version: KernelVersion | undefined): ApiAt | undefined {
  const removed = parsed(api.until);
  if (!version && removed && !holdsAt(api, undefined)) version = older(removed);
  if (!holdsAt(api, version)) return undefined;
  const roles = api.roles.filter((r) => holdsAt(r, version));
  return roles.length > 0 ? { api, roles } : undefined;
}

/** A version's key in the memos below ('' for the newest behaviour). */
const key = (v: KernelVersion | undefined): string => (v ? formatKernelVersion(v) : '');

const atVersions = new Map<string, readonly ApiAt[]>();
const byRole = new Map<string, RolesByKind>();

/**
 * Every API of the table as it is in `version`; computed once per version (each derived list
 * asks again, and every version switch rebuilds them all).
 */
export function apisAt(version: KernelVersion | undefined): readonly ApiAt[] {
  const k = key(version);
  let at = atVersions.get(k);
  if (!at) atVersions.set(k, (at = APIS.flatMap((a) => atVersion(a, version) ?? [])));
  return at;
}

type RolesByKind = ReadonlyMap<Role['role'], readonly [string, Role][]>;

/** (name, role) pairs of `apis`, grouped by kind, in table order. */
function byKind(apis: readonly { api: KernelApi; roles: readonly Role[] }[]): RolesByKind {
  const m = new Map<Role['role'], [string, Role][]>();
  for (const { api, roles } of apis)
    for (const r of roles) {
      let l = m.get(r.role);
      if (!l) m.set(r.role, (l = []));
      l.push([api.name, r]);
    }
  return m;
}

/**
 * Every (name, role) pair of the table in `version`, grouped by kind and in table order: each
 * derived list asks for one kind, and every version switch rebuilds them all.
 */
export function rolesAt(version: KernelVersion | undefined): RolesByKind {
  const k = key(version);
  let at = byRole.get(k);
  if (!at) byRole.set(k, (at = byKind(apisAt(version))));
  return at;
}

/** "6.12", or "newest (6.16)" when no version is known. */
export function describeVersion(version: KernelVersion | undefined): string {
  if (version) return formatKernelVersion(version);
  return NEWEST ? `newest (${formatKernelVersion(NEWEST)})` : 'newest';
}

let boundaries: KernelVersion[] | undefined;

/** The versions at which some fact of the table changes: the ones worth a fixture tree. */
export function versionBoundaries(): KernelVersion[] {
  boundaries ??= computeBoundaries();
  return [...boundaries];
}

function computeBoundaries(): KernelVersion[] {
  const seen = new Map<string, KernelVersion>();
  for (const x of APIS.flatMap((a) => [a, ...a.roles]))
    for (const b of [x.since, x.until]) {
      const v = parsed(b);
      if (v) seen.set(formatKernelVersion(v), v);
    }
  return [...seen.values()].sort(compareKernelVersions);
}

let selected: KernelVersion | undefined;
const listeners: (() => void)[] = [];

/** The version the derived lists currently describe (undefined: the newest). */
export function selectedKernelVersion(): KernelVersion | undefined {
  return selected;
}

/** A derived list registers its rebuild; it is called once now and on every version change. */
export function derivedFromTable(rebuild: () => void): void {
  listeners.push(rebuild);
  rebuild();
}

/** Runs `fn` with the table's facts for `version` (undefined: the newest known). */
export function atKernelVersion<T>(version: KernelVersion | undefined, fn: () => T): T {
  if (key(version) !== key(selected)) {
    selected = version;
    for (const rebuild of listeners) rebuild();
  }
  return fn();
}

let everyVersion = false;
let everyRole: RolesByKind | undefined;

/**
 * The roles the derived lists are built from: those of the selected version, or while
 * `acrossVersions` runs, every role of every entry (each holds in some version).
 */
export function selectedRoles(): RolesByKind {
  if (!everyVersion) return rolesAt(selected);
  everyRole ??= byKind(APIS.map((api) => ({ api, roles: api.roles })));
  return everyRole;
}

/**
 * The union of what `build` gives in every version the table distinguishes: text pre-filters
 * are built once, and must let through a name any version knows. The lists are derived once
 * from every role at once (a name's roles in all versions), not once per version.
 */
export function acrossVersions<T>(build: () => Iterable<T>): Set<T> {
  everyVersion = true;
  try {
    for (const rebuild of listeners) rebuild();
    return new Set(build());
  } finally {
    everyVersion = false;
    for (const rebuild of listeners) rebuild();
  }
}

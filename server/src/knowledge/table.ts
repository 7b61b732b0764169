/**
 * Lookups over the kernel-API table for the selected kernel version (versions.ts): the derived
 * lists in dcache.ts and vmap.ts use these, and are rebuilt when the version changes.
 */
import { APIS } from './apis';
import type { KernelApi, Role, RoleName } from './types';
import { selectedRoles } from './versions';

/** Every entry, whatever its versions (hover, documentation, the table's own checks). */
export const API_BY_NAME: ReadonlyMap<string, KernelApi> = new Map(APIS.map((a) => [a.name, a]));

type RoleOf<K extends RoleName> = Extract<Role, { role: K }>;

/** Every (name, role) pair of kind `kind`, in table order. */
export function withRole<K extends RoleName>(kind: K): [string, RoleOf<K>][] {
  return [...((selectedRoles().get(kind) ?? []) as [string, RoleOf<K>][])];
}

/** The names with a role of kind `kind` (that `keep` accepts). */
export function namesWith<K extends RoleName>(
  kind: K,
  keep: (r: RoleOf<K>) => boolean = () => true,
): Set<string> {
  return new Set(withRole(kind).flatMap(([n, r]) => (keep(r) ? [n] : [])));
}

/** name → a number the role carries (an argument index, mostly). */
export function indexBy<K extends RoleName>(
  kind: K,
  pick: (r: RoleOf<K>) => number,
  keep: (r: RoleOf<K>) => boolean = () => true,
): Map<string, number> {
  return new Map(withRole(kind).flatMap(([n, r]) => (keep(r) ? [[n, pick(r)] as const] : [])));
}

export function isKnownApi(name: string): boolean {
  return API_BY_NAME.has(name);
}

/** A word-boundary test for any of `names` (the rules' cheap text pre-filters). */
export function wordTest(names: Iterable<string>, extra: readonly string[] = []): RegExp {
  return new RegExp(`\\b(?:${[...names, ...extra].join('|')})\\b`);
}

/**
 * What the client tells the server about `flushguard.*` settings: only values someone set, so
 * that `.flushguard.json` in the workspace is not overridden by the manifest's defaults. Pure (no
 * `vscode` import): the caller hands in VS Code's `inspect()`.
 */

export interface InspectLike {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Setting keys under `flushguard.` declared in the manifest, without the prefix. */
export function settingKeys(properties: Record<string, unknown> | undefined): string[] {
  return Object.keys(properties ?? {})
    .filter((k) => k.startsWith('flushguard.'))
    .map((k) => k.slice('flushguard.'.length));
}

/** `{ "rules.<id>.severity": "off", "exclude": [...] }`, the most specific explicit value of each key. */
export function explicitSettings(
  keys: readonly string[],
  inspect: (key: string) => InspectLike | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const i = inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Settings per document: the client's `flushguard` section (asked per resource through
 * `workspace/configuration`, or taken from `didChangeConfiguration` for clients that only push)
 * merged over `.flushguard.json` at the workspace folder's root. The editor part is cached per
 * URI and dropped on `didChangeConfiguration`; the file is re-read when its mtime changes, so an
 * edit to it applies without a restart. Problems are reported once per distinct text.
 */
import { statSync } from 'node:fs';
import { MIB, readBounded } from '../host/boundedRead';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_FILE,
  emptySettings,
  mergeSettings,
  parseConfigText,
  problemMessage,
  validateSettings,
} from '../config/settings';
import type { Settings } from '../config/settings';
import { GlobSet } from '../config/glob';

export interface Resolved {
  settings: Settings;
  /** Workspace root (file system path) the document belongs to, if any. */
  root: string | undefined;
  /** Set when `flushguard.exclude` matches: the glob's origin in words. */
  excludedBy: string | undefined;
}

interface FileConfig {
  mtimeMs: number;
  settings: Settings;
  problems: string[];
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class SettingsStore {
  private readonly editor = new Map<string, Promise<Settings>>();
  private readonly files = new Map<string, FileConfig | null>();
  private readonly reported = new Set<string>();
  roots: string[] = [];
  /** Settings pushed by `didChangeConfiguration` (clients without `workspace/configuration`). */
  pushed: unknown = undefined;

  constructor(
    private readonly fetch: ((uri: string) => Promise<unknown>) | undefined,
    private readonly report: (problem: string) => void,
  ) {}

  /** Forget the editor settings (on didChangeConfiguration) and the problems already shown. */
  invalidate(): void {
    this.editor.clear();
    this.reported.clear();
  }

  rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const r of this.roots) {
      if (
        (path === r || path.startsWith(r.endsWith(sep) ? r : r + sep)) &&
        (!best || r.length > best.length)
      )
        best = r;
    }
    return best;
  }

  async resolve(uri: string): Promise<Resolved> {
    const path = uriToPath(uri);
    const root = path ? this.rootOf(path) : this.roots[0];
    const file = root ? this.configFile(root) : undefined;
    const editor = await this.editorFor(uri);
    const settings = mergeSettings(file?.settings ?? emptySettings(), editor);
    let excludedBy: string | undefined;
    if (path && root && settings.exclude.length > 0) {
      const rel = relative(root, path).split(sep).join('/');
      if (new GlobSet(settings.exclude).matches(rel)) excludedBy = 'flushguard.exclude';
    }
    return { settings, root, excludedBy };
  }

  /** The `.flushguard.json` of a root, re-read when it changed on disk. */
  configFile(root: string): FileConfig | undefined {
    const path = join(root, CONFIG_FILE);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) {
      this.files.set(root, null);
      return undefined;
    }
    const known = this.files.get(root);
    if (known && known.mtimeMs === st.mtimeMs) return known;
    // Bounded, regular files only: a FIFO or a link to /dev/zero must not block or fill the server.
    const read = readBounded(path, MIB);
    if (!read.ok) this.say(`${path}: cannot be read (${read.reason})`);
    const { settings, problems } = parseConfigText(
      read.ok ? read.bytes.toString('utf8') : '',
      path,
    );
    const config = { mtimeMs: st.mtimeMs, settings, problems };
    this.files.set(root, config);
    if (problems.length > 0) this.say(problemMessage(problems));
    return config;
  }

  /** The editor's settings alone, for a resource. */
  editorFor(uri: string): Promise<Settings> {
    let cached = this.editor.get(uri);
    if (!cached) {
      cached = this.readEditor(uri);
      this.editor.set(uri, cached);
    }
    return cached;
  }

  private async readEditor(uri: string): Promise<Settings> {
    let raw: unknown = this.pushed;
    if (this.fetch) {
      try {
        raw = await this.fetch(uri);
      } catch {
        raw = this.pushed;
      }
    }
    const { settings, problems } = validateSettings(raw ?? undefined, 'settings', 'flushguard.');
    if (problems.length > 0) this.say(problemMessage(problems));
    return settings;
  }

  private say(problem: string): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.report(problem);
  }

  /** Whether a changed file (from didChangeWatchedFiles or a save) is one of the config files. */
  isConfigFile(uri: string): boolean {
    const path = uriToPath(uri);
    return path !== undefined && this.roots.some((r) => join(r, CONFIG_FILE) === path);
  }

  /** Forget a config file's contents so that it is read again. */
  forgetFile(uri: string): void {
    const path = uriToPath(uri);
    for (const r of this.roots) if (path === join(r, CONFIG_FILE)) this.files.delete(r);
    this.reported.clear();
  }
}

/**
 * Which `.flushguard.json` applies to each linted file: `--config FILE` for all of them, else the
 * nearest one above each file (so a tree's own configuration applies wherever `lint` runs from).
 * A configuration with problems fails the run (exit 2) with every problem of every file named.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import {
  CONFIG_FILE,
  emptySettings,
  enabledRules,
  parseConfigText,
  severityOf,
} from '../config/settings';
import type { Settings } from '../config/settings';
import { GlobSet } from '../config/glob';
import { ConfigFinder, readConfigFile } from './files';
import type { ConfigFound, InputFile } from './files';

export interface Config {
  settings: Settings;
  /** Directory the exclude globs are relative to. */
  root: string;
  /** The file as shown in messages; undefined when there is none. */
  file?: string;
  globs: GlobSet;
}

export class Configs {
  private readonly parsed = new Map<string, Config>();
  readonly problems: string[] = [];
  private readonly finder = new ConfigFinder(CONFIG_FILE);
  private readonly explicit: ConfigFound | undefined;
  private readonly none: Config = {
    settings: emptySettings(),
    root: process.cwd(),
    globs: new GlobSet([]),
  };

  constructor(explicit: string | undefined) {
    if (explicit !== undefined) this.explicit = readConfigFile(explicit, explicit);
  }

  /** The configuration of a file or directory named on the command line or found under one. */
  of(path: string): Config {
    return this.ofFound(this.explicit ?? this.finder.forPath(path));
  }

  private ofFound(found: ConfigFound | undefined): Config {
    if (!found) return this.none;
    if ('error' in found) {
      if (!this.problems.includes(found.error)) this.problems.push(found.error);
      return this.none;
    }
    let config = this.parsed.get(found.path);
    if (!config) {
      const { settings, problems } = parseConfigText(found.text, found.path);
      this.problems.push(...problems);
      config = {
        settings,
        root: found.root,
        file: found.path,
        globs: new GlobSet(settings.exclude),
      };
      this.parsed.set(found.path, config);
    }
    return config;
  }

  /** `of` for a path known to be a file (found by the walk): no stat to tell. */
  ofFile(path: string): Config {
    return this.explicit ? this.of(path) : this.ofFound(this.finder.near(dirname(path)));
  }

  /** Whether `exclude` of the file's configuration matches it. */
  excludes(config: Config, path: string): boolean {
    if (config.globs.size === 0) return false;
    return config.globs.matches(relative(config.root, resolve(path)).split(sep).join('/'));
  }
}

/** Per-file rules and severities (plain data: they cross to worker threads). */
export function fileOptions(
  config: Config,
  ruleOption: readonly string[],
): { rules: string[]; severities: Record<string, ReturnType<typeof severityOf>> } {
  const rules = ruleOption.length > 0 ? [...ruleOption] : enabledRules(config.settings);
  return {
    rules,
    severities: Object.fromEntries(rules.map((id) => [id, severityOf(config.settings, id)])),
  };
}

/**
 * Files that share their options (each file's own `.flushguard.json` decides them), in the order
 * first seen; equal options from different configuration files make one group, so one cache key.
 */
export function groupByOptions<T, O>(
  files: readonly T[],
  optionsOf: (file: T) => O,
): { indices: number[]; files: T[]; options: O }[] {
  const groups = new Map<string, { indices: number[]; files: T[]; options: O }>();
  files.forEach((file, i) => {
    const options = optionsOf(file);
    const key = JSON.stringify(options);
    let group = groups.get(key);
    if (!group) {
      group = { indices: [], files: [], options };
      groups.set(key, group);
    }
    group.indices.push(i);
    group.files.push(file);
  });
  return [...groups.values()];
}

export type { InputFile };

/**
 * FlushGuard's settings, one shape for the editor settings (`flushguard.*`) and `.flushguard.json`
 * at the workspace root. Pure: the CLI and the language server read the text or the values and
 * hand them in. A bad value is reported with the setting's full name and what was expected, and is
 * dropped; the other values keep working.
 */
import { RULE_IDS, ruleById } from '../rules/index';
import type { Severity } from '../rules/types';
import { PRESETS } from '../../../simulator/src/index';
import { parseKernelVersion } from '../kernel/version';
import type { KernelVersion } from '../kernel/version';

export type RuleSeverity = 'off' | Severity;
export const RULE_SEVERITIES: readonly RuleSeverity[] = ['off', 'hint', 'info', 'warning', 'error'];

/** Only what was set explicitly; defaults come from the rules and the simulator. */
export interface Settings {
  rules: Record<string, RuleSeverity>;
  preset?: string;
  exclude: string[];
  /** Severity of findings in code that cannot run on an aliasing D-cache (default `info`). */
  contractOnlySeverity?: RuleSeverity;
  /** `kernelVersion`: the kernel the code is checked as, instead of its tree's Makefile. */
  kernelVersion?: KernelVersion;
}

export const CONFIG_FILE = '.flushguard.json';

export interface Known {
  ruleIds: readonly string[];
  presetIds: readonly string[];
}

export function knownIds(): Known {
  return { ruleIds: RULE_IDS, presetIds: PRESETS.map((p) => p.id) };
}

export interface Validated {
  settings: Settings;
  /** One line each: `<where>: <key>: expected ... (got ...)`. */
  problems: string[];
}

export function emptySettings(): Settings {
  return { rules: {}, exclude: [] };
}

function got(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/** `{"rules.x.severity": "off"}` and `{"flushguard.exclude": [...]}` as nested objects. */
function expandDotted(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const parts = key.replace(/^flushguard\./, '').split('.');
    let target = out;
    for (const p of parts.slice(0, -1)) {
      const next = target[p];
      target = target[p] = isObject(next) ? next : {};
    }
    const last = parts[parts.length - 1]!;
    const prev = target[last];
    target[last] = isObject(prev) && isObject(value) ? { ...prev, ...value } : value;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks raw settings. `where` names the origin in messages (`.flushguard.json`, `settings`);
 * `prefix` is put before key names (`flushguard.` for editor settings).
 */
export function validateSettings(
  raw: unknown,
  where: string,
  prefix = '',
  known: Known = knownIds(),
): Validated {
  const settings = emptySettings();
  const problems: string[] = [];
  const say = (key: string, expected: string, value: unknown): void => {
    problems.push(`${where}: ${prefix}${key}: expected ${expected} (got ${got(value)})`);
  };
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isObject(raw)) {
    problems.push(`${where}: expected an object of settings (got ${got(raw)})`);
    return { settings, problems };
  }
  const obj = expandDotted(raw);
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'rules') readRules(value, settings, known, say);
    else if (key === 'simulator') readSimulator(value, settings, known, say);
    else if (key === 'exclude') readExclude(value, settings, say);
    else if (key === 'contractOnlySeverity') readContractOnly(value, settings, say);
    else if (key === 'kernelVersion') readKernelVersion(value, settings, say);
    else if (key !== '$schema')
      problems.push(
        `${where}: ${prefix}${key}: unknown setting (known: rules, simulator.preset, exclude, contractOnlySeverity, kernelVersion)`,
      );
  }
  return { settings, problems };
}

type Say = (key: string, expected: string, value: unknown) => void;

function readRules(value: unknown, settings: Settings, known: Known, say: Say): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) return say('rules', 'an object keyed by rule id', value);
  for (const [id, entry] of Object.entries(value)) {
    if (!known.ruleIds.includes(id)) {
      say(`rules.${id}`, `a known rule id (${known.ruleIds.join(', ')})`, id);
      continue;
    }
    // `"rule": "off"` is accepted as a short form of `"rule": {"severity": "off"}`.
    const severity = isObject(entry) ? entry['severity'] : entry;
    if (isObject(entry) && Object.keys(entry).some((k) => k !== 'severity')) {
      say(
        `rules.${id}`,
        'only "severity"',
        Object.keys(entry)
          .filter((k) => k !== 'severity')
          .join(', '),
      );
    }
    if (severity === undefined || severity === null) continue;
    if (
      typeof severity !== 'string' ||
      !(RULE_SEVERITIES as readonly string[]).includes(severity)
    ) {
      say(`rules.${id}.severity`, `one of ${RULE_SEVERITIES.join(', ')}`, severity);
      continue;
    }
    settings.rules[id] = severity as RuleSeverity;
  }
}

function readSimulator(value: unknown, settings: Settings, known: Known, say: Say): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) return say('simulator', 'an object with "preset"', value);
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'preset') {
      say(`simulator.${key}`, 'no such setting (known: simulator.preset)', v);
      continue;
    }
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || !known.presetIds.includes(v)) {
      say('simulator.preset', `one of ${known.presetIds.join(', ')}`, v);
      continue;
    }
    settings.preset = v;
  }
}

function readContractOnly(value: unknown, settings: Settings, say: Say): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !(RULE_SEVERITIES as readonly string[]).includes(value))
    return say('contractOnlySeverity', `one of ${RULE_SEVERITIES.join(', ')}`, value);
  settings.contractOnlySeverity = value as RuleSeverity;
}

function readExclude(value: unknown, settings: Settings, say: Say): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) return say('exclude', 'an array of glob strings', value);
  value.forEach((g: unknown, i) => {
    if (typeof g === 'string') settings.exclude.push(g);
    else say(`exclude[${i}]`, 'a glob string', g);
  });
}

function readKernelVersion(value: unknown, settings: Settings, say: Say): void {
  if (value === undefined || value === null || value === '') return;
  const version = typeof value === 'string' ? parseKernelVersion(value) : undefined;
  if (!version) return say('kernelVersion', 'a kernel version such as "6.12"', value);
  settings.kernelVersion = version;
}

/** Parses `.flushguard.json` text; a syntax error names the line and column. */
export function parseConfigText(text: string, file: string, known: Known = knownIds()): Validated {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const atEnd = /end of JSON input/.test(message);
    let where = '';
    if (at?.[1] !== undefined || atEnd) {
      const offset = atEnd ? text.length : Number(at?.[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      where = `:${line}:${offset - before.lastIndexOf('\n')}`;
    }
    return {
      settings: emptySettings(),
      problems: [
        `${file}${where}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      ],
    };
  }
  return validateSettings(raw, file, '', known);
}

/** Editor settings win over the file's, key by key; exclude globs add up. */
export function mergeSettings(file: Settings, editor: Settings): Settings {
  const merged: Settings = {
    rules: { ...file.rules, ...editor.rules },
    exclude: [...file.exclude, ...editor.exclude],
  };
  const preset = editor.preset ?? file.preset;
  if (preset !== undefined) merged.preset = preset;
  const contractOnly = editor.contractOnlySeverity ?? file.contractOnlySeverity;
  if (contractOnly !== undefined) merged.contractOnlySeverity = contractOnly;
  const kernelVersion = editor.kernelVersion ?? file.kernelVersion;
  if (kernelVersion !== undefined) merged.kernelVersion = kernelVersion;
  return merged;
}

/** The severity a rule's findings get, or 'off'. */
export function severityOf(settings: Settings, ruleId: string): RuleSeverity {
  return settings.rules[ruleId] ?? ruleById(ruleId)?.meta.defaultSeverity ?? 'warning';
}

/** The rules to run (undefined: all). */
export function enabledRules(settings: Settings, ruleIds: readonly string[] = RULE_IDS): string[] {
  return ruleIds.filter((id) => severityOf(settings, id) !== 'off');
}

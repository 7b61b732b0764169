/**
 * FlushGuard's settings, one shape for the editor settings (`flushguard.*`) and `.flushguard.json`
 * at the workspace root. Pure: the CLI and the language server read the text or the values and
 * hand them in. A bad value is reported with the setting's full name and what was expected, and is
 * dropped; the other values keep working.
 */
import { RULE_IDS, ruleById } from '../rules/index';
import type { Severity } from '../rules/types';
import { PRESETS } from '../../../simulator/src/index';
import { globProblem } from './glob';
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

/**
 * A value as shown in a message: short, one line, and never walked deeper than a level, so that
 * a 100,000-deep value or a 1 GB string costs nothing (JSON.stringify recursed into the first).
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') {
    const shown = JSON.stringify(v.length > 40 ? v.slice(0, 40) : v);
    return v.length > 40 ? `${shown.slice(0, -1)}..." (${v.length} characters)` : shown;
  }
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === null ? 'null' : `${typeof v === 'object' ? 'an object' : typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own enumerable keys only; values read by own-property lookup (no prototype, no getters). */
function ownEntries(o: Record<string, unknown>): [string, unknown][] {
  return Object.keys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)?.value]);
}

const TOP_KEYS = 'rules, simulator.preset, exclude, contractOnlySeverity, kernelVersion';

/**
 * Checks raw settings. `where` names the origin in messages (`.flushguard.json`, `settings`);
 * `prefix` is put before key names (`flushguard.` for editor settings).
 *
 * Keys are read as a fixed schema, never written into objects by name: `"__proto__.x"` or a
 * rule id of `constructor` is an unknown key like any other, named in the problems. Dotted keys
 * (`"rules.x.severity"`, `"flushguard.exclude"`) are the same settings as the nested form.
 */
export function validateSettings(
  raw: unknown,
  where: string,
  prefix = '',
  known: Known = knownIds(),
): Validated {
  const settings = emptySettings();
  const problems: string[] = [];
  const say: Say = (key, expected, value) => {
    problems.push(`${where}: ${prefix}${key}: expected ${expected} (got ${describeValue(value)})`);
  };
  const unknown = (key: string, knownKeys: string): void => {
    problems.push(`${where}: ${prefix}${key}: unknown setting (known: ${knownKeys})`);
  };
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isObject(raw)) {
    problems.push(`${where}: expected an object of settings (got ${describeValue(raw)})`);
    return { settings, problems };
  }
  const rules = new Map<string, unknown>();
  const severities = new Map<string, unknown>();
  let preset: { value: unknown } | undefined;
  let exclude: unknown[] = [];
  for (const [rawKey, value] of ownEntries(raw)) {
    const parts = rawKey.replace(/^flushguard\./, '').split('.');
    const key = parts.join('.');
    const [head, second, third, ...rest] = parts;
    if (head === '$schema' && parts.length === 1) continue;
    if (head === 'rules' && rest.length === 0) {
      if (second === undefined) {
        if (value === undefined || value === null) continue;
        if (!isObject(value)) {
          say('rules', 'an object keyed by rule id', value);
          continue;
        }
        for (const [id, entry] of ownEntries(value)) rules.set(id, entry);
      } else if (third === undefined) rules.set(second, value);
      else if (third === 'severity') severities.set(second, value);
      else unknown(key, `rules.<id>.severity`);
    } else if (head === 'simulator' && third === undefined) {
      if (second === 'preset') preset = { value };
      else if (second !== undefined) unknown(key, 'simulator.preset');
      else if (value === undefined || value === null) continue;
      else if (!isObject(value)) say('simulator', 'an object with "preset"', value);
      else
        for (const [k, v] of ownEntries(value)) {
          if (k === 'preset') preset = { value: v };
          else unknown(`simulator.${k}`, 'simulator.preset');
        }
    } else if (head === 'exclude' && parts.length === 1) {
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) say('exclude', 'an array of glob strings', value);
      else exclude = value as unknown[];
    } else if (key === 'contractOnlySeverity') readContractOnly(value, settings, say);
    else if (key === 'kernelVersion') readKernelVersion(value, settings, say);
    else unknown(key, TOP_KEYS);
  }
  for (const [id, entry] of rules) {
    if (!known.ruleIds.includes(id)) {
      say(`rules.${id}`, `a known rule id (${known.ruleIds.join(', ')})`, id);
      continue;
    }
    // `"rule": "off"` is accepted as a short form of `"rule": {"severity": "off"}`.
    if (isObject(entry)) {
      for (const [k, v] of ownEntries(entry)) {
        if (k === 'severity') severities.set(id, v);
        else unknown(`rules.${id}.${k}`, `rules.${id}.severity`);
      }
    } else if (entry !== undefined && entry !== null) severities.set(id, entry);
  }
  for (const [id, severity] of severities) {
    if (!known.ruleIds.includes(id)) {
      if (!rules.has(id)) say(`rules.${id}`, `a known rule id (${known.ruleIds.join(', ')})`, id);
      continue;
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
  if (preset && preset.value !== undefined && preset.value !== null && preset.value !== '') {
    const v = preset.value;
    if (typeof v !== 'string' || !known.presetIds.includes(v))
      say('simulator.preset', `one of ${known.presetIds.join(', ')}`, v);
    else settings.preset = v;
  }
  exclude.forEach((g: unknown, i) => {
    if (typeof g !== 'string') return say(`exclude[${i}]`, 'a glob string', g);
    const bad = globProblem(g);
    if (bad !== undefined) say(`exclude[${i}]`, `a valid glob (${bad})`, g);
    else settings.exclude.push(g);
  });
  return { settings, problems: problems.sort() };
}

type Say = (key: string, expected: string, value: unknown) => void;

/**
 * All of a source's problems as one message: the CLI prints it and exits 2, the language server
 * shows it once and goes on with the values that were valid.
 */
export function problemMessage(problems: readonly string[]): string {
  if (problems.length <= 1) return problems[0] ?? '';
  return `${problems.length} problems in the settings:\n${problems.map((p) => `  ${p}`).join('\n')}`;
}

function readContractOnly(value: unknown, settings: Settings, say: Say): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !(RULE_SEVERITIES as readonly string[]).includes(value))
    return say('contractOnlySeverity', `one of ${RULE_SEVERITIES.join(', ')}`, value);
  settings.contractOnlySeverity = value as RuleSeverity;
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
    // V8's message quotes the text around the error: say what is wrong, never what the file holds.
    const what = atEnd
      ? 'it ends too early'
      : /^Unexpected non-whitespace/.test(message)
        ? 'text after the JSON value'
        : /^Expected/.test(message)
          ? message.replace(/ in JSON at position.*$/, '')
          : 'unexpected character';
    return { settings: emptySettings(), problems: [`${file}${where}: not valid JSON: ${what}`] };
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

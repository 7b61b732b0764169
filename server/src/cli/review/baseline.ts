/**
 * `--baseline OLD.json`: findings an earlier `--format json` run already had are not reported.
 * OLD.json has no source text, so the statement is compared through the path notes, which quote
 * it without line numbers (docs/patch-review.md).
 */
import { readBounded } from '../../host/boundedRead';
import { MAX_SOURCE_BYTES } from '../files';
import { normalize, sep } from 'node:path';
import type { ReportedFinding } from '../report';
import { compare, identify } from './identity';
import type { Identified } from './identity';
import { ReviewError } from './git';
import type { SectionResult } from './review';

export function readBaseline(file: string): ReportedFinding[] {
  let data: unknown;
  try {
    const read = readBounded(file, MAX_SOURCE_BYTES);
    if (!read.ok) throw new ReviewError(`--baseline ${file}: ${read.reason}`);
    data = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    if (e instanceof ReviewError) throw e;
    const why =
      e instanceof SyntaxError ? 'not JSON' : ((e as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new ReviewError(`--baseline ${file}: ${why}`);
  }
  const findings = (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings) || !findings.every(isFinding))
    throw new ReviewError(`--baseline ${file}: not the output of flushguard lint --format json`);
  return findings;
}

function isFinding(f: unknown): f is ReportedFinding {
  const o = f as Partial<ReportedFinding> | null;
  return (
    typeof o?.rule === 'string' &&
    typeof o.file === 'string' &&
    typeof o.function === 'string' &&
    typeof o.message === 'string' &&
    Array.isArray(o.path)
  );
}

export function samePath(p: string): string {
  return normalize(p).split(sep).join('/').replace(/^\.\//, '');
}

/**
 * Moves the introduced findings that OLD.json already had to `unchanged`; with `resolve`, the
 * findings of OLD.json in files linted now but no longer found become `resolved`.
 */
export function applyBaseline(
  results: SectionResult[],
  old: ReportedFinding[],
  resolve: boolean,
  linted: Set<string>,
): void {
  const oldByFile = groupByFile(old);
  for (const r of results) {
    const byFile = groupByFile(r.introduced.map((i) => i.finding));
    const keep = new Set<ReportedFinding>();
    const resolved: Identified[] = [];
    for (const [file, now] of byFile) {
      const c = compare(
        identify(oldByFile.get(file) ?? [], undefined, file),
        identify(now, undefined, file),
        true,
      );
      for (const i of c.introduced) keep.add(i.finding);
      resolved.push(...c.resolved);
    }
    const moved = r.introduced.filter((i) => !keep.has(i.finding));
    r.introduced = r.introduced.filter((i) => keep.has(i.finding));
    r.unchanged.push(...moved);
    if (!resolve) continue;
    for (const [file, was] of oldByFile) {
      if (!linted.has(file)) continue;
      if (byFile.has(file))
        r.resolved.push(...resolved.filter((i) => samePath(i.finding.file) === file));
      else r.resolved.push(...identify(was, undefined, file));
    }
  }
}

function groupByFile(findings: ReportedFinding[]): Map<string, ReportedFinding[]> {
  const m = new Map<string, ReportedFinding[]>();
  for (const f of findings) {
    const k = samePath(f.file);
    m.set(k, [...(m.get(k) ?? []), f]);
  }
  return m;
}

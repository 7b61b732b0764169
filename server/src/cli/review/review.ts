/**
 * The core of the review modes: files as they are before and after a change, linted with the
 * CLI's own plumbing (lintFile, the worker pool), and their findings compared by identity.
 */
import { readBounded } from '../../host/boundedRead';
import { MAX_SOURCE_BYTES } from '../files';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createParser, initParser } from '../../parsing/parser';
import { wasmSources } from '../../host/wasmPaths';
import { lintFile } from '../lintFiles';
import type { FileOutcome, LintFileOptions } from '../lintFiles';
import { lintInWorkers } from '../pool';
import type { InputFile } from '../files';
import { compare, identify } from './identity';
import type { Identified } from './identity';

/** One side of a file: its bytes, or a real file to read them from. */
export interface Side {
  display: string;
  content?: Buffer;
  path?: string;
}

export interface Pair {
  before?: Side;
  after?: Side;
  /** Where the file is (or would be) on disk: what `exclude` globs are matched against. */
  abs?: string;
}

export interface Section {
  /** The patch's subject line (`[PATCH 2/5] mm: ...`) when there is one. */
  subject?: string;
  pairs: Pair[];
}

export interface SectionResult {
  subject?: string;
  introduced: Identified[];
  resolved: Identified[];
  unchanged: Identified[];
  /** Files linted after the change (or before, for a deleted file). */
  scanned: number;
  problems: string[];
}

export interface LintSettings {
  options: LintFileOptions;
  jobs: number;
}

/** Starting workers costs more than linting a few files in this thread (as in lintCommand). */
const WORKER_THRESHOLD = 64;

export async function lintInputs(
  files: InputFile[],
  settings: LintSettings,
): Promise<FileOutcome[]> {
  if (settings.jobs > 1 && files.length >= WORKER_THRESHOLD)
    return lintInWorkers(files, settings.options, settings.jobs, () => undefined);
  await initParser(wasmSources());
  const parser = createParser();
  try {
    return files.map((f) => lintFile(parser, f, settings.options));
  } finally {
    parser.delete();
  }
}

export async function reviewSections(
  sections: Section[],
  settings: LintSettings,
): Promise<SectionResult[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'flushguard-review-'));
  try {
    // In a series the side after one patch is the side before the next: each text is linted once.
    const index = new Map<Side, number>();
    const seen = new Map<string, number>();
    const inputs: InputFile[] = [];
    for (const s of sections)
      for (const p of s.pairs)
        for (const side of [p.before, p.after]) {
          if (!side) continue;
          const key =
            side.path ??
            `${side.display}\0${createHash('sha1')
              .update(side.content ?? '')
              .digest('hex')}`;
          let at = seen.get(key);
          if (at === undefined) {
            let path = side.path;
            if (path === undefined) {
              const dir = join(scratch, String(inputs.length));
              mkdirSync(dir);
              path = join(dir, basename(side.display) || 'file.c');
              writeFileSync(path, side.content ?? Buffer.alloc(0));
            }
            at = inputs.push({ display: side.display, path }) - 1;
            seen.set(key, at);
          }
          index.set(side, at);
        }
    const outcomes = await lintInputs(inputs, settings);
    const bySide = new Map([...index].map(([side, i]) => [side, outcomes[i]!]));
    return sections.map((s) => compareSection(s, bySide));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function compareSection(section: Section, outcomes: Map<Side, FileOutcome>): SectionResult {
  const result: SectionResult = {
    subject: section.subject,
    introduced: [],
    resolved: [],
    unchanged: [],
    scanned: 0,
    problems: [],
  };
  for (const pair of section.pairs) {
    const found = (side: Side | undefined): Identified[] => {
      if (!side) return [];
      const o = outcomes.get(side)!;
      if (o.error || o.skipped) {
        // Only the side the change leaves behind is worth a word; a skipped "before" just means
        // nothing is known to be pre-existing.
        if (side === pair.after)
          result.problems.push(
            `${o.display}: ${o.error ? o.error : `skipped: ${o.skipped ?? ''}`}`,
          );
        return [];
      }
      if (side === pair.after || !pair.after) result.scanned++;
      if (o.findings.length === 0) return [];
      return identify(o.findings, sideText(side), side.display);
    };
    const before = found(pair.before);
    const after = found(pair.after);
    const c = compare(before, after);
    result.introduced.push(...c.introduced);
    result.resolved.push(...c.resolved);
    result.unchanged.push(...c.unchanged);
  }
  return result;
}

function sideText(side: Side): string {
  if (side.content) return side.content.toString('utf8');
  // Read again only when the file had findings: the worker pool did not send the text back.
  const read = readBounded(side.path!, MAX_SOURCE_BYTES);
  return read.ok ? read.bytes.toString('utf8') : '';
}

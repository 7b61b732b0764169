/** The analysis of one document version, as the analysis thread returns it (plain data). */
import type { SkippedFunction } from '../linter';
import type { Finding } from '../rules/types';
import type { Suppression } from '../suppress';
import type { IncrementalStats } from './incrementalLint';
import type { ParsedDocument } from './parsedDocument';

export interface Analysis {
  version: number;
  source: string;
  /** Findings to show: not suppressed, rule not off; severity already per settings. */
  findings: Finding[];
  unused: Suppression[];
  unknown: { suppression: Suppression; rule: string }[];
  skipped: SkippedFunction[];
  /** Set when the file was not analysed (excluded, over the time budget). */
  note?: string;
  /** Set when the text is longer than the parser takes (it was not parsed). */
  tooLarge?: { chars: number; limit: number };
  stats?: IncrementalStats;
  parse?: ParsedDocument['lastParse'];
  /** An interim result: unchanged functions not yet re-checked against the edit. */
  quick?: boolean;
}

/**
 * Accuracy on real kernels (not part of `npm test`): for Debian's linux-source-6.1 and 6.12,
 * mutation recall and false alarms over the labelled flush/invalidate sites
 * (bench/accuracy/labels-<ver>.json), then the whole tree's findings against the triage ledger
 * (bench/accuracy/ledger-<ver>.json).
 *
 * Usage: npm run bench:accuracy [-- --tree 6.12] [-- --no-tree-lint] [-- --list] [-- --jobs N]
 *        [-- --json FILE] [-- --no-index] [-- --no-callers]
 * The removals are linted with the tree's index (built or reused from the cache, as the CLI does)
 * unless `--no-index` asks for each file alone. A removal the mutated function does not show is
 * then looked for in its callers (accuracy/callers.ts): a helper whose contract is to flush what
 * its callers wrote (`block_write_end`) is detected when a caller that wrote the page gains a
 * finding; `--no-callers` counts only the mutated function, as before.
 * Trees: $FLUSHGUARD_KERNEL_6_1 / $FLUSHGUARD_KERNEL_6_12, else .bench/, else apt-get + untar.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser, initParser } from '../server/src/parsing/parser';
import { wasmSources } from '../server/src/host/wasmPaths';
import { parseKernelVersion } from '../server/src/kernel/version';
import { kernelTree } from './kernelTree';
import { parseLabels, parseLedger } from './accuracy/data';
import type { Ledger } from './accuracy/data';
import { runMutations } from './accuracy/mutate';
import { ledgerReport, mutationReport } from './accuracy/report';
import { markKnown, scoreLedger } from './accuracy/score';
import { lintTree } from './accuracy/treeLint';
import {
  buildTreeFacts,
  isXrefWorker,
  runXrefWorker,
  summarizeText,
} from '../server/src/xref/build';
import type { Parser } from '../server/src/parsing/parser';
import type { FileFacts } from '../server/src/xref/types';
import { callerFiles } from './accuracy/callers';
import { TreeIndex } from '../server/src/xref/treeIndex';
import { checkTargets, parseTargets } from './accuracy/targets';

const VERSIONS = ['6.1', '6.12'] as const;
const DATA = join(__dirname, '..', 'bench', 'accuracy');

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const values = (name: string): string[] =>
  argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1]!] : []));

function readLedger(version: string): Ledger | undefined {
  const path = join(DATA, `ledger-${version}.json`);
  return existsSync(path) ? parseLedger(readFileSync(path, 'utf8'), path) : undefined;
}

async function main(): Promise<void> {
  const chosen = values('--tree');
  for (const v of chosen)
    if (!(VERSIONS as readonly string[]).includes(v))
      throw new Error(`--tree must be one of ${VERSIONS.join(', ')}`);
  const versions = chosen.length > 0 ? VERSIONS.filter((v) => chosen.includes(v)) : [...VERSIONS];
  const jobs = Number(values('--jobs')[0] ?? 2);
  const trees = new Map(versions.map((v) => [v, kernelTree(v)]));
  // Ages of 6.12's functions need 6.1's files even when only 6.12 is measured.
  const older = versions.includes('6.12') ? (trees.get('6.1') ?? kernelTree('6.1')) : undefined;
  await initParser(wasmSources());
  const parser = createParser();
  const details: Record<string, unknown> = {};
  for (const version of versions) {
    const tree = trees.get(version)!;
    const labelPath = join(DATA, `labels-${version}.json`);
    const labels = parseLabels(readFileSync(labelPath, 'utf8'), labelPath);
    const needed = labels.sites.filter((s) => s.needed).length;
    const lines = [
      `== linux-source-${version} (labels: ${labels.kernel}; tree: ${tree})`,
      `labels: ${labels.sites.length} sites, ${needed} needed`,
    ];
    const t0 = performance.now();
    const built = flag('--no-index') ? undefined : await buildTreeFacts(tree, { jobs });
    const index = built ? new TreeIndex(built.facts) : undefined;
    lines.push(`mutations linted ${index ? 'with the tree index' : 'file by file (--no-index)'}`);
    // A removal the function itself does not show is looked for in its callers (callers.ts).
    const callers =
      built && !flag('--no-callers')
        ? {
            files: callerFiles(
              tree,
              new Set(labels.sites.filter((s) => s.needed).map((s) => s.function)),
            ),
            facts: built.facts,
            summarize: overlayFacts(parser, built.facts),
          }
        : undefined;
    const { outcomes, functions } = runMutations(parser, tree, labels.sites, {
      budgetMs: 60_000,
      kernelVersion: parseKernelVersion(version),
      ...(version === '6.12' && older ? { olderTree: older } : {}),
      ...(index ? { index } : {}),
      ...(callers ? { callers } : {}),
      progress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${version}: ${done}/${total} removals`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const ledger = readLedger(version);
    markKnown(functions, ledger);
    lines.push(...mutationReport(outcomes, functions, version !== '6.1', flag('--list')));
    lines.push(`  (${((performance.now() - t0) / 1000).toFixed(1)} s for the removals)`);
    const targetPath = join(DATA, 'targets.json');
    if (existsSync(targetPath))
      lines.push(
        ...checkTargets(
          parser,
          tree,
          parseTargets(readFileSync(targetPath, 'utf8'), targetPath).filter(
            (t) => t.tree === version,
          ),
          { kernelVersion: parseKernelVersion(version), ...(index ? { index } : {}) },
        ),
      );
    details[version] = { outcomes, functions };
    if (!flag('--no-tree-lint')) {
      const whole = lintTree(tree, jobs);
      lines.push(
        `whole tree: ${whole.findings.length} findings in ${whole.filesScanned} files (${(whole.ms / 1000).toFixed(1)} s)`,
        ...ledgerReport(scoreLedger(whole.findings, ledger), ledger !== undefined),
      );
      (details[version] as Record<string, unknown>)['treeFindings'] = whole.findings;
    }
    console.log(lines.join('\n') + '\n');
  }
  parser.delete();
  const out = values('--json')[0];
  if (out) writeFileSync(out, JSON.stringify(details, null, 2) + '\n');
}

/**
 * The index's facts for a mutated file: summarised from its text; its callback registrations
 * (which a removed flush does not change) kept from the untouched file's facts.
 */
function overlayFacts(
  parser: Parser,
  all: readonly FileFacts[],
): (file: string, text: string) => FileFacts | null {
  const byFile = new Map(all.map((f) => [f.file, f]));
  return (file, text) => {
    const facts = summarizeText(parser, file, text).facts;
    const old = byFile.get(file);
    return facts && old ? { ...facts, callbacks: old.callbacks } : (facts ?? old ?? null);
  };
}

// The index's worker threads load this same script: they summarise files, nothing else.
void (isXrefWorker() ? runXrefWorker() : main()).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});

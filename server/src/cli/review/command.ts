/**
 * `flushguard lint --diff | --patch | --baseline`: what a change introduces (docs/patch-review.md).
 * Exit 1 when it introduces a finding, 0 otherwise, 2 for a usage error or a change that cannot
 * be read (an unknown REV, a patch that does not apply, a path outside the git work tree).
 */
import { availableParallelism } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import { RULE_IDS, RULES } from '../../rules/index';
import { enabledRules, severityOf } from '../../config/settings';
import { GlobSet } from '../../config/glob';
import { choice, kernelVersionOption, one, positiveInt, UsageError } from '../args';
import type { ParsedArgs } from '../args';
import { collectFiles } from '../files';
import { readConfig } from '../lintCommand';
import { fileKernelVersion } from '../../kernel/fromTree';
import type { Io } from '../lintCommand';
import { docsUri, packageVersion, ruleDocMarkdown } from '../../host/package';
import { applyBaseline, readBaseline, samePath } from './baseline';
import { diffSections } from './diffMode';
import { ReviewError } from './git';
import { renderReview } from './output';
import { patchSections } from './patchMode';
import { reviewSections } from './review';
import type { LintSettings, Section } from './review';

export const REVIEW_OPTIONS = ['--diff', '--patch', '--baseline'] as const;

export function isReview(args: ParsedArgs): boolean {
  return REVIEW_OPTIONS.some((o) => args.options.has(o));
}

export async function reviewCommand(args: ParsedArgs, io: Io): Promise<number> {
  const format = choice(args, '--format', ['text', 'json', 'sarif'] as const, 'text');
  const rules = args.options.get('--rule') ?? [];
  for (const r of rules)
    if (!RULE_IDS.includes(r))
      throw new UsageError(`unknown rule '${r}'; known rules: ${RULE_IDS.join(', ')}`);
  const diff = one(args, '--diff');
  const patch = one(args, '--patch');
  const baseline = one(args, '--baseline');
  const tree = one(args, '--tree');
  if (diff !== undefined && patch !== undefined)
    throw new UsageError('--diff and --patch do not go together');
  if (tree !== undefined && patch === undefined) throw new UsageError('--tree goes with --patch');
  if (patch !== undefined && args.positional.length > 0)
    throw new UsageError(`--patch takes no PATH (got '${args.positional[0]!}')`);

  const config = readConfig(args);
  if ('problems' in config) {
    for (const p of config.problems) io.err(`flushguard: ${p}\n`);
    return 2;
  }
  const ran = rules.length > 0 ? rules : enabledRules(config.settings);
  const settings: LintSettings = {
    options: {
      rules: ran,
      budgetMs: positiveInt(args, '--budget', 20_000),
      severities: Object.fromEntries(ran.map((id) => [id, severityOf(config.settings, id)])),
      kernelVersion: kernelVersionOption(args) ?? config.settings.kernelVersion,
    },
    jobs: positiveInt(args, '--jobs', Math.max(1, availableParallelism())),
  };
  const globs = new GlobSet(config.settings.exclude);
  const excluded = (abs: string | undefined): boolean =>
    abs !== undefined &&
    config.settings.exclude.length > 0 &&
    globs.matches(relative(config.root, abs).split(sep).join('/'));

  try {
    const old = baseline === undefined ? undefined : readBaseline(baseline);
    const cwd = process.cwd();
    let sections: Section[];
    if (diff !== undefined)
      sections = diffSections({ value: diff, positional: args.positional, cwd });
    else if (patch !== undefined)
      sections = patchSections({ file: patch, tree: resolve(tree ?? '.') });
    else sections = [baselineSection(args.positional.length > 0 ? args.positional : ['.'], io)];
    for (const s of sections) s.pairs = s.pairs.filter((p) => !excluded(p.abs));
    // One kernel version for both sides: the "before" texts sit in a scratch directory, away
    // from the tree's Makefile.
    const where = sections.flatMap((s) => s.pairs.map((p) => p.abs)).find((p) => p !== undefined);
    settings.options.kernelVersion = fileKernelVersion(
      where,
      settings.options.kernelVersion,
    ).version;
    const results = await reviewSections(sections, settings);
    if (old) {
      const linted = new Set(
        sections.flatMap((s) =>
          s.pairs.flatMap((p) => (p.after ? [samePath(p.after.display)] : [])),
        ),
      );
      applyBaseline(results, old, diff === undefined && patch === undefined, linted);
    }
    let unreadable = false;
    for (const r of results)
      for (const p of r.problems) {
        unreadable ||= !p.includes(': skipped: ');
        io.err(`flushguard: ${p}\n`);
      }
    const active = rules.length > 0 ? RULES.filter((r) => rules.includes(r.meta.id)) : RULES;
    const base = args.options.get('--docs-base')?.[0];
    io.out(
      renderReview(results, {
        format,
        verbose: args.options.has('--verbose'),
        version: packageVersion(),
        sarifRules: active.map((r) => ({
          meta: r.meta,
          helpUri: docsUri(r.meta.id, base),
          helpMarkdown: ruleDocMarkdown(r.meta.id),
        })),
      }),
    );
    if (results.some((r) => r.introduced.length > 0)) return 1;
    return unreadable ? 2 : 0;
  } catch (e) {
    if (!(e instanceof ReviewError)) throw e;
    io.err(`flushguard: ${e.message}\n`);
    return 2;
  }
}

/** `--baseline` alone: the PATHs as `flushguard lint` collects them, each file an "after" side. */
function baselineSection(paths: string[], io: Io): Section {
  const { files, errors } = collectFiles(paths);
  for (const e of errors) io.err(`flushguard: ${e}\n`);
  if (errors.length > 0)
    throw new ReviewError(`${errors.length} PATH${errors.length === 1 ? '' : 's'} unreadable`);
  return {
    pairs: files.map((f) => ({
      after: { display: f.display, path: f.path },
      abs: resolve(f.path),
    })),
  };
}

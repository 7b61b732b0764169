/** Multi-file kernel trees for the tree index's tests: a top Makefile and Kconfig, arch/, files. */
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createParser, initParser } from '../../server/src/parsing/parser';
import { wasmSources } from '../../server/src/host/wasmPaths';
import { lintSource } from '../../server/src/linter';
import { buildTreeFacts } from '../../server/src/xref/build';
import { TreeIndex } from '../../server/src/xref/treeIndex';

/**
 * A mini kernel tree: top Makefile with VERSION/PATCHLEVEL, Kconfig, arch/, and `files`, each
 * dated `mtime` when given (a cache test then tells a touched file from an untouched one).
 */
export function miniTree(files: Record<string, string>, mtime?: Date): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-xref-'));
  writeFileSync(join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n');
  writeFileSync(join(root, 'Kconfig'), 'mainmenu "mini"\nsource "arch/$(SRCARCH)/Kconfig"\n');
  mkdirSync(join(root, 'arch', 'arm'), { recursive: true });
  writeFileSync(join(root, 'arch', 'arm', 'Kconfig'), 'config ARM\n\tdef_bool y\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
    if (mtime) utimesSync(join(root, rel), mtime, mtime);
  }
  return root;
}

/** Findings of `rel` judged alone, and with the tree's index. */
export async function lintBoth(
  root: string,
  rel: string,
): Promise<{ alone: number; indexed: number; notes: string[] }> {
  await initParser(wasmSources());
  const parser = createParser();
  const { facts } = await buildTreeFacts(root, { jobs: 1, noCache: true });
  const text = readFileSync(join(root, rel), 'utf8');
  const alone = lintSource(parser, text, { rules: ['missing-flush-dcache-page'] });
  const indexed = lintSource(parser, text, {
    rules: ['missing-flush-dcache-page'],
    tree: { tree: new TreeIndex(facts), file: rel },
  });
  parser.delete();
  return {
    alone: alone.findings.length,
    indexed: indexed.findings.length,
    notes: (indexed.notes ?? []).map((n) => n.note),
  };
}

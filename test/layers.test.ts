// The layer boundaries of eslint.config.mjs hold: probe files that cross one are placed in a scratch
// copy of the repository's lint setup, each in the folder whose rule it breaks, and each must fail
// with the import restriction (docs/design/layers.md). A probe that respects the layers must pass,
// so a config that rejects everything cannot pass this test either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..');
const RULE = '@typescript-eslint/no-restricted-imports';

interface Probe {
  what: string;
  file: string;
  source: string;
}

const CROSSING: Probe[] = [
  {
    what: 'an I/O import in the analysis',
    file: 'server/src/analysis/probe.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'an I/O import in an analysis family',
    file: 'server/src/analysis/dcache/probe.ts',
    source: "import { readFile } from 'fs/promises';\nexport const probe = readFile;\n",
  },
  {
    what: 'an LSP import in the analysis',
    file: 'server/src/analysis/probe.ts',
    source:
      "import { TextDocuments } from 'vscode-languageserver';\nexport const probe = TextDocuments;\n",
  },
  {
    what: 'cfg importing the language server',
    file: 'server/src/cfg/probe.ts',
    source: "import { startServer } from '../lsp/server';\nexport const probe = startServer;\n",
  },
  {
    what: 'cfg importing the analysis',
    file: 'server/src/cfg/probe.ts',
    source:
      "import type { FunctionFacts } from '../analysis/core/facts';\nexport type Probe = FunctionFacts;\n",
  },
  {
    what: 'a rule importing the CLI',
    file: 'server/src/rules/probe.ts',
    source: "import { main } from '../cli/main';\nexport const probe = main;\n",
  },
  {
    what: 'the analysis importing a rule',
    file: 'server/src/analysis/vmap/probe.ts',
    source: "import { RULES } from '../../rules/index';\nexport const probe = RULES;\n",
  },
  {
    what: 'the knowledge importing the analysis',
    file: 'server/src/knowledge/probe.ts',
    source: "import type { Event } from '../analysis/core/events';\nexport type Probe = Event;\n",
  },
  {
    what: 'a rule importing another rule',
    file: 'server/src/rules/probe.ts',
    source: "import { rule } from './missing-flush-dcache-page';\nexport const probe = rule;\n",
  },
  {
    what: 'the analysis importing the tree store (I/O)',
    file: 'server/src/analysis/core/probe.ts',
    source: "import * as store from '../../tree/store';\nexport const probe = store;\n",
  },
  {
    what: 'the analysis importing the tree index builder (I/O)',
    file: 'server/src/analysis/dcache/probe.ts',
    source: "import * as build from '../../xref/build';\nexport const probe = build;\n",
  },
  {
    what: 'the pure tree index importing the file system',
    file: 'server/src/xref/probe.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'the pure tree index importing its cache (I/O)',
    file: 'server/src/xref/probe.ts',
    source: "import * as cache from './cache';\nexport const probe = cache;\n",
  },
  {
    what: 'the tree index importing a rule',
    file: 'server/src/xref/probe.ts',
    source: "import { RULES } from '../rules/index';\nexport const probe = RULES;\n",
  },
  {
    what: 'the tree index builder importing the language server',
    file: 'server/src/xref/build.ts',
    source: "import { startServer } from '../lsp/server';\nexport const probe = startServer;\n",
  },
  {
    what: 'Kconfig evaluation importing the file system',
    file: 'server/src/tree/kconfig.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'the tree store importing the analysis',
    file: 'server/src/tree/store.ts',
    source:
      "import type { FunctionFacts } from '../analysis/core/facts';\nexport type Probe = FunctionFacts;\n",
  },
  {
    what: 'kernel versions importing the file system',
    file: 'server/src/kernel/version.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'kernel versions importing the analysis',
    file: 'server/src/kernel/probe.ts',
    source:
      "import type { FunctionFacts } from '../analysis/core/facts';\nexport type Probe = FunctionFacts;\n",
  },
  {
    what: "the knowledge importing the tree's Makefile reader",
    file: 'server/src/knowledge/probe.ts',
    source:
      "import { fileKernelVersion } from '../kernel/fromTree';\nexport const probe = fileKernelVersion;\n",
  },
  {
    what: 'the knowledge importing the analysis',
    file: 'server/src/knowledge/probe.ts',
    source: "import { testOf } from '../analysis/core/conditions';\nexport const probe = testOf;\n",
  },
  {
    what: 'the configuration importing the file system',
    file: 'server/src/config/probe.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'the configuration importing the language server',
    file: 'server/src/config/probe.ts',
    source: "import { startServer } from '../lsp/server';\nexport const probe = startServer;\n",
  },
  {
    what: 'the host importing the rules',
    file: 'server/src/host/probe.ts',
    source: "import { RULES } from '../rules/index';\nexport const probe = RULES;\n",
  },
  {
    what: 'the language server importing the CLI',
    file: 'server/src/lsp/probe.ts',
    source: "import { main } from '../cli/main';\nexport const probe = main;\n",
  },
  {
    what: 'the CLI importing the language server',
    file: 'server/src/cli/probe.ts',
    source: "import { startServer } from '../lsp/server';\nexport const probe = startServer;\n",
  },
  {
    what: 'the linter importing the file system',
    file: 'server/src/probe.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
  },
  {
    what: 'the simulator core importing vscode',
    file: 'simulator/src/core/probe.ts',
    source: "import * as vscode from 'vscode';\nexport const probe = vscode;\n",
  },
  {
    what: 'the simulator core importing the server',
    file: 'simulator/src/core/probe.ts',
    source:
      "import type { Finding } from '../../../server/src/rules/types';\nexport type Probe = Finding;\n",
  },
  {
    what: 'the client importing the rules',
    file: 'client/src/probe.ts',
    source: "import { RULES } from '../../server/src/rules/index';\nexport const probe = RULES;\n",
  },
];

const RESPECTING: Probe[] = [
  {
    what: "the knowledge reading kernel versions' arithmetic (facts hold for version ranges)",
    file: 'server/src/knowledge/probe.ts',
    source:
      "import type { KernelVersion } from '../kernel/version';\nexport type Probe = KernelVersion;\n",
  },
  {
    what: 'a vmap module importing its own tree helpers',
    file: 'server/src/analysis/vmap/probe.ts',
    source: "import { changesIn } from './tree';\nexport const probe = changesIn;\n",
  },
  {
    what: 'the tree index builder reading files and the tree store',
    file: 'server/src/xref/build.ts',
    source:
      "import { readFileSync } from 'node:fs';\nimport * as store from '../tree/store';\nexport const probe = [readFileSync, store];\n",
  },
  {
    what: 'the analysis importing the pure tree index and kernel versions',
    file: 'server/src/analysis/dcache/probe.ts',
    source:
      "import type { TreeFacts } from '../../xref/types';\nimport type { KernelVersion } from '../../kernel/version';\nexport type Probe = [TreeFacts, KernelVersion];\n",
  },
  {
    what: 'the host reading files and loading parsing',
    file: 'server/src/host/probe.ts',
    source:
      "import { readFileSync } from 'node:fs';\nimport type { Node } from '../parsing/parser';\nexport const probe = readFileSync;\nexport type Probe = Node;\n",
  },
  {
    what: 'the analysis importing cfg, parsing and knowledge',
    file: 'server/src/analysis/dcache/probe.ts',
    source:
      "import type { Node } from '../../parsing/parser';\nimport type { FunctionCfg } from '../../cfg/graph';\nimport type { KernelApi } from '../../knowledge/types';\nexport type Probe = [Node, FunctionCfg, KernelApi];\n",
  },
  {
    what: 'a rule importing the core, both families and the knowledge',
    file: 'server/src/rules/probe.ts',
    source:
      "import type { FunctionFacts } from '../analysis/core/facts';\nimport type { PageModel } from '../analysis/dcache/pageModel';\nimport type { VmapFunction } from '../analysis/vmap/model';\nimport type { KernelApi } from '../knowledge/types';\nexport type Probe = [FunctionFacts, PageModel, VmapFunction, KernelApi];\n",
  },
  {
    what: 'the language server importing the engine, the host and the LSP library',
    file: 'server/src/lsp/probe.ts',
    source:
      "import { TextDocuments } from 'vscode-languageserver';\nimport { lintSource } from '../linter';\nimport { packageVersion } from '../host/package';\nexport const probe = [TextDocuments, lintSource, packageVersion];\n",
  },
  {
    what: 'the client importing the protocol and the simulator',
    file: 'client/src/probe.ts',
    source:
      "import * as vscode from 'vscode';\nimport { SIMULATE_REQUEST } from '../../server/src/protocol/simulate';\nimport { listPresets } from '../../simulator/src/index';\nexport const probe = [vscode, SIMULATE_REQUEST, listPresets];\n",
  },
];

/** A scratch copy of the lint setup (config, tsconfig, dependencies) with one probe file. */
async function lintProbe(p: Probe): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flushguard-layers-'));
  try {
    for (const f of ['eslint.config.mjs', 'tsconfig.json', 'package.json'])
      copyFileSync(join(ROOT, f), join(dir, f));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const file = join(dir, p.file);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, p.source);
    const eslint = new ESLint({ cwd: dir });
    const [result] = await eslint.lintFiles([p.file]);
    assert.ok(result, `${p.file} was linted`);
    const fatal = result.messages.filter((m) => m.fatal === true);
    assert.deepEqual(fatal, [], `${p.what}: the probe parses`);
    return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository modules a probe imports that do not exist (a probe of a moved file proves nothing). */
function missingTargets(p: Probe): string[] {
  const missing: string[] = [];
  for (const m of p.source.matchAll(/from '(\.[^']+)'/g)) {
    const target = join(ROOT, dirname(p.file), m[1]!);
    if (![`${target}.ts`, join(target, 'index.ts')].some((f) => existsSync(f))) missing.push(m[1]!);
  }
  return missing;
}

test('layers: every probe imports modules that exist in the repository', () => {
  for (const p of [...CROSSING, ...RESPECTING]) assert.deepEqual(missingTargets(p), [], p.what);
  assert.deepEqual(
    missingTargets({
      what: 'a moved module',
      file: 'server/src/rules/probe.ts',
      source: "import { x } from '../analysis/facts';\n",
    }),
    ['../analysis/facts'],
  );
});

for (const p of CROSSING) {
  test(`layers: ${p.what} fails lint`, async () => {
    const messages = await lintProbe(p);
    assert.ok(messages.length > 0, `${p.file} should break ${RULE}`);
    assert.ok(
      messages.every((m) => m.includes('docs/design/layers.md#')),
      'the message points to the layer documentation',
    );
  });
}

for (const p of RESPECTING) {
  test(`layers: ${p.what} passes`, async () => {
    assert.deepEqual(await lintProbe(p), []);
  });
}

/** The sources the layers govern: every non-test module of the server, the simulator and the client. */
function governed(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) governed(p, out);
    else if (/\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The layer a file's restriction names (`docs/design/layers.md#<layer>`), if it has one. */
async function layerOf(eslint: ESLint, file: string): Promise<string | undefined> {
  const config = (await eslint.calculateConfigForFile(join(ROOT, file))) as {
    rules?: Record<string, [string, { patterns?: { message?: string }[] }?]>;
  };
  const patterns = config.rules?.[RULE]?.[1]?.patterns ?? [];
  const anchors = new Set(patterns.map((p) => /layers\.md#([\w-]+)/.exec(p.message ?? '')?.[1]));
  return anchors.size === 1 ? [...anchors][0] : undefined;
}

test('layers: every module is under one layer restriction, and its layer has a section in layers.md', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const doc = readFileSync(join(ROOT, 'docs', 'design', 'layers.md'), 'utf8');
  const sections = new Set([...doc.matchAll(/^## ([\w-]+)$/gm)].map((m) => m[1]));
  const files = ['server/src', 'simulator/src', 'client/src'].flatMap((d) => governed(d));
  assert.ok(files.length > 100, `${files.length} modules`);
  const bare: string[] = [];
  const undocumented = new Set<string>();
  for (const f of files) {
    const layer = await layerOf(eslint, f);
    if (!layer) bare.push(f);
    else if (!sections.has(layer)) undocumented.add(layer);
  }
  assert.deepEqual(bare, [], 'modules with no layer restriction');
  assert.deepEqual([...undocumented], [], 'layers without a section in docs/design/layers.md');
});

// Lint: typescript-eslint type-checked rules, and the layer boundaries of docs/design/layers.md.
//
// Each folder gets exactly one import restriction, built from the LAYERS table below: in a flat
// config a later block's options for the same files replace the earlier ones, so two blocks per
// folder would silently keep only the last. test/layers.test.ts proves every boundary holds.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Units of server/src that one layer may or may not import, by folder (or root module) name. */
const SERVER_UNITS = [
  'parsing',
  'cfg',
  'knowledge',
  'kernel',
  'xref',
  'tree',
  'analysis',
  'rules',
  'fixes',
  'config',
  'host',
  'protocol',
  'lsp',
  'cli',
];
/** The engine's modules that sit at the root of server/src (text in, findings out). */
const ROOT_MODULES = ['linter', 'simulation', 'suppress', 'lineMap'];

const NODE = `^(node:|(${builtinModules.join('|')})(/|$))`;
const EDITOR = '^vscode(-languageclient)?(/|$)';
const LSP = '^vscode-(languageserver|jsonrpc)';
const SIMULATOR = '(^|/)simulator/src/';
const CLIENT = '(^|/)client/src(/|$)';
/**
 * A relative import of a server/src unit from a folder below server/src: `../cli/main`,
 * `../../rules/types` (`./tree` there is a module of the folder itself, not the unit).
 */
const unit = (names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;
/** The same from a module at the root of server/src: `./lsp/server`. */
const rootUnit = (names) => `^\\./(${names.join('|')})(/|$)`;
/** The modules of xref and kernel that read files; the rest of each folder is pure. */
const XREF_IO = ['build', 'cache'];
const KERNEL_IO = ['fromTree'];
/**
 * The tree folder's modules that read the disk; the rest (Kconfig and Kbuild evaluation, field
 * sources, and any module not listed here) are pure.
 */
const TREE_IO = ['engine', 'kernelTree', 'lintCache', 'reachService', 'store'];
/** A relative import of one of `modules` of a server/src unit: `../xref/build`. */
const modulesOf = (folder, modules) => `^(\\./|(\\.\\./)+)${folder}/(${modules.join('|')})$`;
/** The same modules imported from inside their own folder: `./cache`. */
const siblings = (modules) => `^\\./(${modules.join('|')})$`;
const files = (folder, modules) => modules.map((m) => `server/src/${folder}/${m}.ts`);
const serverUnitsExcept = (allowed) => SERVER_UNITS.filter((u) => !allowed.includes(u));
const rootModulesExcept = (allowed) => ROOT_MODULES.filter((u) => !allowed.includes(u));

const layer = (name, files, forbidden, meaning, ignores = []) => ({
  name: `layers/${name}`,
  files,
  ignores: ['**/*.test.ts', ...ignores],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((regex) => ({
          regex,
          message: `${meaning} (docs/design/layers.md#${name})`,
        })),
      },
    ],
  },
});

/**
 * The engine layers: each imports the layers below it, no I/O, no editor, no LSP. Whatever an
 * engine layer may import of xref, kernel and tree, it never imports their modules that read files.
 */
const engine = (name, folder, mayImport, meaning, extra = [], fileList, ignores = []) =>
  layer(
    name,
    fileList ?? [`server/src/${folder}/**/*.ts`],
    [
      NODE,
      EDITOR,
      LSP,
      CLIENT,
      unit(serverUnitsExcept([folder, ...mayImport])),
      unit(rootModulesExcept(mayImport)),
      modulesOf('xref', XREF_IO),
      modulesOf('kernel', KERNEL_IO),
      modulesOf('tree', TREE_IO),
      ...extra,
    ].filter((r) => !r.includes('()')),
    meaning,
    ignores,
  );

const LAYERS = [
  engine('parsing', 'parsing', [], 'parsing wraps tree-sitter and imports no other layer', [
    SIMULATOR,
  ]),
  engine(
    'cfg',
    'cfg',
    ['parsing'],
    'cfg builds control flow from the syntax tree: it may import parsing only',
    [SIMULATOR],
  ),
  engine(
    'knowledge',
    'knowledge',
    ['kernel'],
    'knowledge is the kernel-API table: it imports itself and the pure kernel-version arithmetic only',
    [SIMULATOR],
  ),
  engine(
    'kernel',
    'kernel',
    ['knowledge'],
    'kernel versions and what each knows: pure, over the knowledge table',
    [SIMULATOR, siblings(KERNEL_IO)],
    undefined,
    files('kernel', KERNEL_IO),
  ),
  layer(
    'kernel-io',
    files('kernel', KERNEL_IO),
    [
      EDITOR,
      LSP,
      CLIENT,
      SIMULATOR,
      unit(serverUnitsExcept(['kernel', 'host'])),
      unit(ROOT_MODULES),
    ],
    "reading a tree's kernel version: the file system (through host's bounded reads) and kernel/version only",
  ),
  engine(
    'xref',
    'xref',
    ['parsing', 'knowledge', 'analysis'],
    'the cross-file facts of the tree index, computed without I/O (building and caching them is xref-io)',
    [SIMULATOR, siblings(XREF_IO)],
    undefined,
    files('xref', XREF_IO),
  ),
  layer(
    'xref-io',
    files('xref', XREF_IO),
    [
      EDITOR,
      LSP,
      CLIENT,
      SIMULATOR,
      unit(serverUnitsExcept(['xref', 'parsing', 'tree', 'host', 'kernel'])),
      unit(rootModulesExcept(['lineMap'])),
    ],
    'building and caching the tree index: files, workers, the tree store, line arithmetic; no engine above xref, no front end',
  ),
  engine(
    'tree',
    'tree',
    ['parsing'],
    'Kconfig, Kbuild and field-source evaluation: pure, over parsing only',
    [SIMULATOR, siblings(TREE_IO)],
    undefined,
    files('tree', TREE_IO),
  ),
  layer(
    'tree-io',
    files('tree', TREE_IO),
    [
      EDITOR,
      LSP,
      CLIENT,
      SIMULATOR,
      unit(serverUnitsExcept(['tree', 'parsing', 'kernel', 'host'])),
      unit(ROOT_MODULES),
    ],
    "the kernel tree on disk (its files, stores and caches): the file system (through host's bounded reads), parsing and the tree's kernel version only",
  ),
  engine(
    'analysis',
    'analysis',
    ['parsing', 'cfg', 'knowledge', 'kernel', 'xref'],
    'analysis computes facts over parsing, cfg, knowledge and the tree index; no rules, no I/O, no LSP',
  ),
  engine(
    'rules',
    'rules',
    ['parsing', 'cfg', 'knowledge', 'kernel', 'analysis'],
    'a rule uses parsing, cfg, analysis and knowledge, never another rule; no CLI, no LSP, no I/O',
    ['^\\./(?!types$)'],
    undefined,
    ['server/src/rules/index.ts'],
  ),
  engine(
    'rules-registry',
    'rules',
    ['parsing', 'cfg', 'knowledge', 'kernel', 'analysis'],
    'the rule registry lists the rules; it imports nothing above them',
    [],
    ['server/src/rules/index.ts'],
  ),
  engine(
    'fixes',
    'fixes',
    ['parsing', 'cfg', 'knowledge', 'kernel', 'analysis', 'rules', 'suppress', 'lineMap'],
    'fixes compute text edits from the engine; no CLI, no LSP, no I/O',
  ),
  layer(
    'engine-root',
    ['server/src/*.ts'],
    [
      NODE,
      EDITOR,
      LSP,
      CLIENT,
      rootUnit(['lsp', 'cli', 'config', 'host', 'tree']),
      modulesOf('xref', XREF_IO),
      modulesOf('kernel', KERNEL_IO),
    ],
    'linter.ts and its siblings are pure: text in, findings out',
  ),
  layer(
    'protocol',
    ['server/src/protocol/**/*.ts'],
    [NODE, EDITOR, LSP, CLIENT, unit(serverUnitsExcept(['protocol'])), unit(ROOT_MODULES)],
    'protocol holds the wire types shared by the server, the client and the webview only',
  ),
  layer(
    'config',
    ['server/src/config/**/*.ts'],
    [
      NODE,
      EDITOR,
      LSP,
      CLIENT,
      unit(['lsp', 'cli', 'host', 'fixes', 'tree', 'xref', 'analysis', 'cfg', 'parsing']),
      modulesOf('kernel', KERNEL_IO),
    ],
    'config checks settings for both front ends (it reads no files, uses neither front end)',
  ),
  layer(
    'host',
    ['server/src/host/**/*.ts'],
    [
      EDITOR,
      LSP,
      CLIENT,
      SIMULATOR,
      unit(serverUnitsExcept(['host', 'parsing'])),
      unit(ROOT_MODULES),
    ],
    'host knows where the installed package and its files are; it serves both front ends',
  ),
  layer(
    'lsp',
    ['server/src/lsp/**/*.ts'],
    [EDITOR, CLIENT, unit(['cli'])],
    'the language server is an adapter over the engine; it does not use the CLI',
  ),
  layer(
    'cli',
    ['server/src/cli/**/*.ts'],
    [EDITOR, LSP, CLIENT, unit(['lsp'])],
    'the CLI is an adapter over the engine; it does not use the language server',
  ),
  layer(
    'simulator-core',
    ['simulator/src/core/**/*.ts'],
    ['^[^.]', '^\\.\\./'],
    'simulator/src/core runs in the CLI, the server and the webview: it imports nothing outside itself',
  ),
  layer(
    'simulator',
    ['simulator/src/*.ts'],
    ['^[^.]', '^\\.\\./', '^\\./webview(/|$)'],
    'the simulator API imports only its core',
  ),
  layer(
    'webview',
    ['simulator/src/webview/**/*.ts'],
    [NODE, EDITOR, LSP, CLIENT, '(^|/)server/src/(?!protocol/)'],
    'the webview runs in a browser: it imports the simulator core and the shared protocol types',
  ),
  layer(
    'client',
    ['client/src/**/*.ts'],
    [LSP, '(^|/)server/src/(?!protocol/)'],
    'the client imports only vscode, vscode-languageclient, server/src/protocol and the simulator',
  ),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test/fixtures/**',
      '**/*.mjs',
      '**/*.js',
      '**/*.cjs',
      '.bench/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...LAYERS,
  prettier,
);

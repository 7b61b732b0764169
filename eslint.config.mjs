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
/** A relative import of a server/src unit: `../cli/main`, `../../rules/types`, `./lsp/server`. */
const unit = (names) => `^(\\./|(\\.\\./)+)(${names.join('|')})(/|$)`;
const serverUnitsExcept = (allowed) => SERVER_UNITS.filter((u) => !allowed.includes(u));
const rootModulesExcept = (allowed) => ROOT_MODULES.filter((u) => !allowed.includes(u));

const layer = (name, files, forbidden, meaning) => ({
  name: `layers/${name}`,
  files,
  ignores: ['**/*.test.ts'],
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

/** The engine layers: each imports the layers below it, no I/O, no editor, no LSP. */
const engine = (name, folder, mayImport, meaning, extra = []) =>
  layer(
    name,
    [`server/src/${folder}/**/*.ts`],
    [
      NODE,
      EDITOR,
      LSP,
      CLIENT,
      unit(serverUnitsExcept([folder, ...mayImport])),
      unit(rootModulesExcept(mayImport)),
      ...extra,
    ].filter((r) => !r.includes('()')),
    meaning,
  );

const LAYERS = [
  engine('parsing', 'parsing', [], 'parsing wraps tree-sitter and imports no other layer', [
    SIMULATOR,
  ]),
  engine('cfg', 'cfg', ['parsing'], 'cfg builds control flow from the syntax tree: it may import parsing only', [
    SIMULATOR,
  ]),
  engine('knowledge', 'knowledge', [], 'knowledge is the kernel-API table: it imports nothing but itself', [
    SIMULATOR,
  ]),
  engine(
    'analysis',
    'analysis',
    ['parsing', 'cfg', 'knowledge'],
    'analysis computes facts over parsing, cfg and knowledge; no rules, no I/O, no LSP',
  ),
  engine(
    'rules',
    'rules',
    ['parsing', 'cfg', 'knowledge', 'analysis'],
    'a rule uses parsing, cfg, analysis and knowledge; no CLI, no LSP, no I/O',
  ),
  engine(
    'fixes',
    'fixes',
    ['parsing', 'cfg', 'knowledge', 'analysis', 'rules', 'suppress', 'lineMap'],
    'fixes compute text edits from the engine; no CLI, no LSP, no I/O',
  ),
  layer(
    'engine-root',
    ['server/src/*.ts'],
    [NODE, EDITOR, LSP, CLIENT, unit(['lsp', 'cli', 'config', 'host'])],
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
    [EDITOR, LSP, CLIENT, unit(['lsp', 'cli', 'host', 'fixes'])],
    'config reads settings for both front ends; it uses neither',
  ),
  layer(
    'host',
    ['server/src/host/**/*.ts'],
    [EDITOR, LSP, CLIENT, unit(serverUnitsExcept(['host', 'parsing'])), unit(ROOT_MODULES)],
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
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '**/*.mjs', '**/*.js', '**/*.cjs', '.bench/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS,
  prettier,
);

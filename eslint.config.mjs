// Lint: typescript-eslint type-checked rules, and the layer boundaries of docs/design/layers.md.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const restrict = (files, patterns, message) => ({
  files,
  ignores: ['**/*.test.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: patterns, message }] },
    ],
  },
});

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
  restrict(
    ['simulator/src/core/**/*.ts'],
    ['node:*', 'vscode', 'vscode-*', '../../../*', '../webview/*', '../../*', '!./*'],
    'simulator/src/core runs in the CLI, the server and the webview: it imports nothing outside itself.',
  ),
  restrict(
    ['server/src/parsing/**/*.ts', 'server/src/cfg/**/*.ts', 'server/src/analysis/**/*.ts', 'server/src/rules/**/*.ts'],
    ['node:*', 'vscode', 'vscode-*', '**/lsp/*', '**/cli/*', '**/linter'],
    'The engine layers import downwards only and touch no I/O (docs/design/layers.md).',
  ),
  restrict(
    ['server/src/cfg/**/*.ts'],
    ['**/analysis/*', '**/rules/*'],
    'cfg may import parsing only.',
  ),
  restrict(
    ['server/src/analysis/**/*.ts'],
    ['**/rules/*'],
    'analysis may not import rules.',
  ),
  restrict(
    ['server/src/linter.ts'],
    ['node:*', 'vscode', 'vscode-*', '**/lsp/*', '**/cli/*'],
    'linter.ts is pure: text in, findings out.',
  ),
  restrict(
    ['server/src/cli/**/*.ts'],
    ['vscode', 'vscode-languageserver*', '**/lsp/*'],
    'The CLI is an adapter over the linter; it does not use the LSP layer.',
  ),
  restrict(
    ['client/src/**/*.ts'],
    ['**/server/src/*', '!**/server/src/protocol', '**/server/src/!(protocol)/**', '**/cli/*', '**/lsp/*', '**/rules/*'],
    'The client imports only vscode, vscode-languageclient, server/src/protocol and the simulator.',
  ),
  prettier,
);

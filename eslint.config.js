// ESLint for every workspace (flat config). Formatting is Prettier's job (.prettierrc.json,
// `npm run format`): eslint-config-prettier comes last and turns off every rule that would fight it.
import js from '@eslint/js';
import grafanaConfig from '@grafana/eslint-config';
import reactPlugin from 'eslint-plugin-react';
import prettierConfig from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const GRAFANA_PLUGIN = ['grafana-plugin/**/*.{ts,tsx}'];

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/coverage/', '**/data/', '**/.stacklens/', 'grafana-plugin/screenshots/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'stacklens/defaults',
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { dropped: _dropped, ...kept } = row` is how a field is left out; TypeScript's own
      // noUnusedLocals accepts it too.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  // Grafana's own rules (React, hooks, JSDoc) for the plugin; the shared config sets no `files`.
  ...grafanaConfig.map((config) => ({ ...config, files: GRAFANA_PLUGIN })),
  // The plugin compiles JSX with the automatic runtime (tsconfig "jsx": "react-jsx"), so React need not be in scope.
  { ...reactPlugin.configs.flat['jsx-runtime'], files: GRAFANA_PLUGIN },
  {
    name: 'stacklens/grafana-plugin',
    files: ['grafana-plugin/src/**/*.{ts,tsx}', 'grafana-plugin/harness/**/*.tsx'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'stacklens/demo-pos-browser',
    files: ['demo-pos/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  {
    // Promises in product code: one left floating or handed where a callback's result is ignored
    // loses its rejection (an unhandled rejection ends a Node process). These two rules need types.
    name: 'stacklens/promises',
    files: ['*/src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  prettierConfig,
);

// Flat ESLint config: typescript-eslint's recommended rules (syntax-only, so
// lint stays fast and needs no type information), plus a few project rules.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'out/', '*.vsix'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // Node-side sources and plain-JS build scripts.
    files: ['client/**', 'server/**', 'shared/**', 'test/**', 'bench/**', 'scripts/**', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Webview code runs in the browser.
    files: ['media/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);

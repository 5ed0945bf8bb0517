// @ts-check
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import tseslint from 'typescript-eslint';

// Imports go one way: the pipeline and the site share only src/shared/, which imports
// nothing outside itself. What the site needs from the pipeline travels as published data.
// tests/shared/import-direction.test.ts proves each rule fails on a wrong-way import.
const SHARED_ONLY = 'src/shared/ imports only src/shared/ (and packages): it ships to both sides.';
const SITE_NOT_PIPELINE =
  'The site never imports pipeline/: move what both need to src/shared/, or publish it as data.';
const PIPELINE_ONLY_SHARED =
  'The pipeline imports only src/shared/ from src/: move what both need there.';

/** @param {{ regex: string, message: string }[]} patterns */
const restrictImports = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.astro/',
      'node_modules/',
      'data/',
      'public/',
      'bench/out/',
      'test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  // Astro files are parsed so that the import rules below cover pages and components too.
  ...astro.configs.base,
  {
    // Script blocks in .astro files: the `is:inline` ones reach the browser as written, in an
    // older style on purpose.
    files: ['**/*.astro/*.{js,ts}'],
    rules: { 'no-var': 'off' },
  },
  {
    files: ['src/shared/**'],
    rules: restrictImports([{ regex: '^\\.\\./', message: SHARED_ONLY }]),
  },
  {
    files: ['src/**'],
    ignores: ['src/shared/**'],
    rules: restrictImports([{ regex: '(^|/)pipeline/', message: SITE_NOT_PIPELINE }]),
  },
  {
    files: ['pipeline/**'],
    rules: restrictImports([{ regex: '(^|/)src/(?!shared/)', message: PIPELINE_ONLY_SHARED }]),
  },
);

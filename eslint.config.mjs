// Lint for every package (`npm test` runs it): the recommended JavaScript and
// TypeScript rules, React's hooks rules for the web app, and the few exceptions this
// codebase has a reason for (each says why).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeAndBrowser = Object.fromEntries(
  [
    'console',
    'process',
    'Buffer',
    'URL',
    'URLSearchParams',
    'performance',
    'PerformanceObserver',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'fetch',
    'AbortController',
    'AbortSignal',
    'window',
    'document',
    'navigator',
    'location',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'ResizeObserver',
    'MutationObserver',
    'HTMLElement',
    'Headers',
    'Response',
    'Request',
    'Blob',
    'File',
    'FormData',
    'Event',
    'KeyboardEvent',
    'MouseEvent',
    'localStorage',
    'sessionStorage',
    'getComputedStyle',
    'crypto',
    'globalThis',
  ].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'bench/out/**',
      '.test-results/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeAndBrowser },
    rules: {
      // Parsers of terminal and kernel text must match control characters on purpose
      // (escape sequences, NUL bytes in uploads).
      'no-control-regex': 'off',
      // `_`-prefixed names are the ones taken apart only to be left out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Tests poke at document shapes the types do not name.
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

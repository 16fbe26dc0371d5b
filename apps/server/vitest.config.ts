import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript source, so tests need no build.
// `*.pg.test.ts` need a PostgreSQL cluster: they run in vitest.postgres.config.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.pg.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript source, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, pool: 'forks' },
});

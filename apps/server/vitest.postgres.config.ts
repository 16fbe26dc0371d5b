import { defineConfig } from 'vitest/config';

// The server's integration tests again, on PostgreSQL: a throwaway cluster for the run
// (src/__tests__/pg-global-setup.ts), a fresh database per test app (helpers.ts). The
// store and route tests run as they run on SQLite; `*.pg.test.ts` are PostgreSQL's own
// (several servers on one database, a killed server, moving over from SQLite).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: [
      'src/routes/*.test.ts',
      'src/store/store.test.ts',
      'src/store/delete.test.ts',
      'src/app.socket.test.ts',
      'src/services/examples.test.ts',
      'src/cli.test.ts',
      'src/auth/*.test.ts',
      'src/derive/*.test.ts',
      'src/**/*.pg.test.ts',
    ],
    globalSetup: ['src/__tests__/pg-global-setup.ts'],
    env: { HANGSCOPE_TEST_ENGINE: 'postgres' },
    testTimeout: 60_000,
    pool: 'forks',
  },
});

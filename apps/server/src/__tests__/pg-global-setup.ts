// vitest globalSetup of the PostgreSQL run (vitest.postgres.config.ts): one throwaway
// cluster for the run; each test app gets a database of its own in it (helpers.ts).
import { startPgCluster, type PgCluster } from './pg-cluster.js';

let cluster: PgCluster | undefined;

export async function setup(): Promise<void> {
  cluster = await startPgCluster();
  // Inherited by the test processes (forks), which start after this.
  process.env.HANGSCOPE_TEST_PG_URL = cluster.url;
}

export async function teardown(): Promise<void> {
  cluster?.stop();
}

// A fresh database per test app in the run's PostgreSQL cluster (pg-global-setup.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test run's engine: HANGSCOPE_TEST_ENGINE=postgres (vitest.postgres.config.ts) or SQLite. */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env.HANGSCOPE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

export function clusterUrl(): string {
  const url = process.env.HANGSCOPE_TEST_PG_URL;
  if (!url)
    throw new Error('no test PostgreSQL cluster: run with vitest.postgres.config.ts (its globalSetup starts one)');
  return url;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: clusterUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Create an empty database; its postgres:// URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `hs_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^hs_[0-9a-f]{12}$/.test(name)) throw new Error(`not a test database: ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

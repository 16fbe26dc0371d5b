import { join } from 'node:path';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { IncidentStore } from './types.js';

export interface StoreLocation {
  /** The SQLite file (the embedded default). */
  dbPath: string;
  /** `postgres://…` or `postgresql://…` (HANGSCOPE_DATABASE_URL): PostgreSQL instead. */
  databaseUrl?: string;
  /** The SQLite migrations; PostgreSQL's are its `postgres/` folder. */
  migrationsDir: string;
  storedViewMinBytes?: number;
  /** PostgreSQL connections of this process (HANGSCOPE_DATABASE_POOL, default 10). */
  poolSize?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The store the settings name: PostgreSQL for a postgres:// URL, else the SQLite file. */
export async function openStore(loc: StoreLocation): Promise<IncidentStore> {
  if (loc.databaseUrl !== undefined && loc.databaseUrl !== '') {
    if (!isPostgresUrl(loc.databaseUrl))
      throw new Error('HANGSCOPE_DATABASE_URL must be a postgres:// or postgresql:// URL');
    return PostgresStore.open(loc.databaseUrl, join(loc.migrationsDir, 'postgres'), {
      storedViewMinBytes: loc.storedViewMinBytes,
      poolSize: loc.poolSize,
    });
  }
  return new SqliteStore(loc.dbPath, loc.migrationsDir, { storedViewMinBytes: loc.storedViewMinBytes });
}

import type { PoolClient } from 'pg';
import { readMigrations } from './migrate.js';

/** Any number, the same in every server: the lock that one start-up's migrations hold. */
const MIGRATION_LOCK = 0x68616e67; // 'hang'

/**
 * The PostgreSQL twin of migrate() (migrate.ts): the numbered files of `dir`, each in
 * its own transaction with its record in schema_migrations, a changed applied file an
 * error. Several servers starting at once on one database take turns (an advisory
 * lock): the first applies, the others find everything recorded.
 */
export async function migratePostgres(client: PoolClient, dir: string): Promise<number[]> {
  const migrations = readMigrations(dir);
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at text NOT NULL
    )`);
    const { rows } = await client.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done: number[] = [];
    for (const m of migrations) {
      const known = applied.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum)
          throw new Error(`migration ${m.version}_${m.name} changed after it was applied; add a new migration instead`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)',
          [m.version, m.name, m.checksum, new Date().toISOString()],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CRLF_UTF8_DUMP,
  HUNG_TASK_DUMP,
  rawSql,
  startApp,
  tempDir,
  upload,
  type TestApp,
} from '../__tests__/helpers.js';
import { clusterUrl, createTestDatabase, dropTestDatabase } from '../__tests__/pg-database.js';
import { defaultMigrationsDir } from '../paths.js';
import { openStore } from './open.js';
import { migratePostgres } from './pg-migrate.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pgMigrations = () => readdirSync(join(defaultMigrationsDir(), 'postgres')).filter((f) => /^\d+_.*\.sql$/.test(f));

describe('PostgreSQL migrations', () => {
  it('are recorded in schema_migrations, and a restart applies nothing twice and keeps data', async () => {
    const dir = tempDir();
    t = await startApp({}, dir);
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    await t.app.close();
    const rows = await t.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(pgMigrations().map((f) => Number(f.split('_')[0])));
    t = await startApp({}, dir); // the same database
    expect(await t.sql('SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: rows.length }]);
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).statusCode).toBe(200);
  });

  it('roll back a failing migration, refuse a changed one, and let servers starting together take turns', async () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '0001_a.sql'), 'CREATE TABLE a (x integer);');
    writeFileSync(join(migrations, '0002_b.sql'), 'CREATE TABLE b (x integer); INSERT INTO nope VALUES (1);');
    const url = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // Dropping the database terminates any backend still closing after pool.end(); the
    // pool re-emits that on itself (as PostgresStore's pool, which also listens).
    pool.on('error', () => {});
    const tables = async () =>
      (await pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map(
        (r) => r.tablename,
      );
    const run = async () => {
      const c = await pool.connect();
      try {
        return await migratePostgres(c, migrations);
      } finally {
        c.release();
      }
    };
    try {
      await expect(run()).rejects.toThrow(/nope/);
      expect(await tables()).toEqual(['a', 'schema_migrations']); // b rolled back with its record
      writeFileSync(join(migrations, '0002_b.sql'), 'CREATE TABLE b (x integer);');
      writeFileSync(join(migrations, '0003_c.sql'), 'CREATE TABLE c (x integer);');
      // Three servers at once: one applies, the others wait and find it done.
      const results = await Promise.all([run(), run(), run()]);
      expect(results.sort((x, y) => y.length - x.length)).toEqual([[2, 3], [], []]);
      writeFileSync(join(migrations, '0001_a.sql'), 'CREATE TABLE a (x integer, y integer);');
      await expect(run()).rejects.toThrow(/changed after it was applied/);
    } finally {
      await pool.end();
      await dropTestDatabase(url);
    }
  });
});

describe('PostgresStore', () => {
  it('stores the uploaded bytes and the compressed analysis as bytea, byte for byte', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const [raw] = await t.sql<{ encoding: string; data: Buffer }>(
      'SELECT encoding, data FROM incident_raw WHERE incident_id = ?',
      json.id,
    );
    expect(raw.encoding).toBe('gzip');
    const served = await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}/raw` });
    expect(served.rawPayload.toString()).toBe(HUNG_TASK_DUMP);
    const [a] = await t.sql<{ encoding: string; document: Buffer }>(
      'SELECT encoding, document FROM incident_analysis WHERE incident_id = ?',
      json.id,
    );
    expect(a.encoding).toBe('deflate-raw-sync');
    expect(Buffer.isBuffer(a.document)).toBe(true);
  });

  it('refuses text PostgreSQL cannot hold (U+0000) with a 400, and stays usable', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/incidents/${json.id}/annotations`,
      payload: { body: 'a\u0000b' },
    });
    expect(res.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/incidents/${json.id}/annotations`,
      payload: { body: 'fine' },
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe('PostgresStore list cache', () => {
  it('never serves a page older than the last commit of any connection, even one in progress when the page was read', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const store = await openStore({ ...t.store, migrationsDir: defaultMigrationsDir() });
    const other = new pg.Client({ connectionString: t.store.databaseUrl });
    await other.connect();
    try {
      const resolved = async () =>
        (JSON.parse(await store.listJson({ status: 'resolved' }, null, 10)) as { items: { id: string }[] }).items.map(
          (i) => i.id,
        );
      expect(await resolved()).toEqual([]);
      expect(await resolved()).toEqual([]); // now from the cache
      // Another server's transaction, begun and not yet committed when the page is read.
      await other.query('BEGIN');
      await other.query("UPDATE incidents SET status = 'resolved' WHERE id = $1", [json.id]);
      expect(await resolved()).toEqual([]);
      await other.query('COMMIT');
      expect(await resolved()).toEqual([json.id]);
      // And a committed write from a new transaction.
      await other.query("UPDATE incidents SET status = 'open' WHERE id = $1", [json.id]);
      expect(await resolved()).toEqual([]);
    } finally {
      await other.end();
      await store.close();
    }
  });
});

describe('PostgreSQL unreachable', () => {
  it('answers 503 with Retry-After while the database takes no connections, and recovers without a restart', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const name = new URL(t.store.databaseUrl!).pathname.slice(1);
    const admin = (sql: string) => rawSql({ dbPath: '', databaseUrl: clusterUrl() }, sql, []);
    // As a database under maintenance: no new connections, the existing ones ended.
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    try {
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const get = await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` });
      expect(get.statusCode).toBe(503);
      expect(get.headers['retry-after']).toBe('5');
      expect(get.json()).toMatchObject({ error: 'database_unavailable' });
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
      const up = await upload(t.app, CRLF_UTF8_DUMP);
      expect(up.status).toBe(503);
    } finally {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).statusCode).toBe(200);
    expect((await upload(t.app, CRLF_UTF8_DUMP)).status).toBe(201);
  });
});

describe('PostgresStore access records (migration 0010)', () => {
  it('tokens, sessions, audit, shares, pins, deletion and retention', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP)).json.id;
    const b = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'))).json.id;
    const store = await openStore({ ...t.store, migrationsDir: defaultMigrationsDir() });
    try {
      const token = {
        id: 'tok1',
        name: 'alice',
        role: 'write' as const,
        createdAt: '2026-01-01T00:00:00.000Z',
        revokedAt: null,
      };
      await store.createToken(token, 'f'.repeat(64));
      await expect(store.createToken({ ...token, id: 'tok2' }, 'e'.repeat(64))).rejects.toMatchObject({
        statusCode: 409,
      });
      expect(await store.listTokens()).toEqual([token]);
      expect(await store.tokenBySecret('f'.repeat(64))).toEqual(token);
      await store.createSession('s'.repeat(64), 'tok1', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      expect(await store.sessionToken('s'.repeat(64), '2026-01-01T12:00:00.000Z')).toEqual(token);
      expect(await store.sessionToken('s'.repeat(64), '2026-01-03T00:00:00.000Z')).toBeNull();
      expect(await store.revokeToken('alice', '2026-01-01T13:00:00.000Z')).toEqual({
        ...token,
        revokedAt: '2026-01-01T13:00:00.000Z',
      });
      expect(await store.sessionToken('s'.repeat(64), '2026-01-01T14:00:00.000Z')).toBeNull();
      expect(await store.tokenBySecret('f'.repeat(64))).toBeNull();
      expect(await store.revokeToken('alice', '2026-01-01T13:00:00.000Z')).toBeNull();

      await store.addAudit(a, {
        at: '2026-01-01T00:00:00.000Z',
        actor: 'alice',
        action: 'status',
        detail: { status: 'resolved' },
      });
      await store.addAudit(a, { at: '2026-01-01T00:00:01.000Z', actor: null, action: 'pin', detail: { pinned: true } });
      expect((await store.listAudit(a)).map((e) => e.action)).toEqual(['status', 'pin']);
      await store.createShare({
        id: 'share1',
        incidentId: a,
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'alice',
        kaslr: false,
      });
      expect(await store.getShare('share1')).toMatchObject({ incidentId: a, kaslr: false });

      // b is a duplicate of a; a pinned, then retention: only unpinned ones go.
      await store.update(b, { status: 'duplicate', duplicateOf: a });
      await store.update(a, { pinned: true });
      expect(await store.isPinned(a)).toBe(true);
      expect((await store.get(a))!.pinned).toBe(true);
      const future = '2999-01-01T00:00:00.000Z';
      expect(await store.deleteUnpinnedBefore(future)).toEqual([b]);
      expect(await store.get(b)).toBeNull();
      expect(await store.isPinned(b)).toBeNull();
      // Deleting a takes every row of it, the search row included.
      expect(await store.deleteIncident(a)).toBe(true);
      expect(await store.deleteIncident(a)).toBe(false);
      for (const table of [
        'incident_raw',
        'incident_analysis',
        'incident_audit',
        'incident_shares',
        'incident_search',
        'incident_tags',
        'incident_frames',
      ]) {
        expect(await t.sql(`SELECT count(*) AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
      }
    } finally {
      await store.close();
    }
  });
});

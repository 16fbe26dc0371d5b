// Moving over: `cli.js migrate-store --from sqlite:PATH --to postgres://…` copies a SQLite
// database into PostgreSQL; the API then answers the same on both, and a second run
// changes nothing but what changed in the SQLite file since.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, rawSql, sysrqDump, tempDir } from '../__tests__/helpers.js';
import { createTestDatabase, dropTestDatabase } from '../__tests__/pg-database.js';
import { buildApp } from '../app.js';
import { runCli } from '../cli.js';
import { COMPACT_MIN_TASKS } from '../analysis/digest.js';
import { defaultMigrationsDir } from '../paths.js';
import { openStore } from './open.js';

const dir = tempDir();
const dbPath = join(dir, 'data', 'hangscope.db');
let url = '';
afterAll(async () => {
  if (url) await dropTestDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

async function app(location: { dbPath: string; databaseUrl?: string }): Promise<FastifyInstance> {
  const a = buildApp({
    ...location,
    examplesDir: null,
    rateLimit: false,
    readRateLimit: false,
    reanalyzeOnStart: false,
  });
  await a.ready();
  return a;
}

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    { HANGSCOPE_MIGRATIONS: defaultMigrationsDir() },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, result: out.length ? JSON.parse(out.at(-1)!) : null, err: err.join('\n') };
}

/** Everything the API says about every incident, and lists, groups and searches. */
async function snapshot(a: FastifyInstance): Promise<unknown> {
  const get = async (u: string) => {
    const res = await a.inject({ method: 'GET', url: u });
    return {
      status: res.statusCode,
      body: String(res.headers['content-type']).includes('json') ? res.json() : res.rawPayload.toString('base64'),
    };
  };
  const list = (await get('/api/incidents?limit=200')).body as { items: { id: string; fingerprint: string }[] };
  const out: Record<string, unknown> = { list, groups: await get('/api/groups') };
  for (const q of ['flush_workqueue', 'qxl*', 'zebracorn', 'sync', 'kworker/1:2', 'INFO task'])
    out[`q=${q}`] = await get(`/api/incidents?q=${encodeURIComponent(q)}`);
  for (const { id } of list.items) {
    for (const part of [
      '',
      '/raw',
      '/analysis.json',
      '/annotations',
      '/mitigation',
      '/similar',
      '/repeat',
      '/view',
      '/captures',
      '/input',
    ])
      out[`${id}${part}`] = await get(`/api/incidents/${id}${part}`);
  }
  return out;
}

describe('cli.js migrate-store', () => {
  it('copies every incident byte for byte, the API answers the same, and it can run again', async () => {
    const sqlite = await app({ dbPath });
    const up = async (body: string, query = '') =>
      (
        await sqlite.inject({
          method: 'POST',
          url: `/api/incidents${query}`,
          headers: { 'content-type': 'text/plain' },
          payload: body,
        })
      ).json().id as string;
    const a = await up(HUNG_TASK_DUMP, '?title=first&tags=prod,db&host=db-1');
    const b = await up(CRLF_UTF8_DUMP, '?host=gpu-2');
    const big = await up(sysrqDump(COMPACT_MIN_TASKS + 50));
    const c = await up(HUNG_TASK_DUMP.replace(/4080\./g, '9120.'));
    const json = (method: string, u: string, payload: unknown) =>
      sqlite.inject({ method, url: u, payload: payload as object });
    // a is marked a duplicate of c, which came after it; notes, a mitigation, a status.
    expect((await json('PATCH', `/api/incidents/${a}`, { status: 'duplicate', duplicateOf: c })).statusCode).toBe(200);
    expect(
      (await json('POST', `/api/incidents/${b}/annotations`, { body: 'zebracorn firmware', lines: [2, 3] })).statusCode,
    ).toBe(201);
    expect(
      (await json('PUT', `/api/incidents/${c}/mitigation`, { body: 'echo 1 > /sys/x', author: 'ana' })).statusCode,
    ).toBe(200);
    expect(
      (await json('PUT', `/api/incidents/${c}/mitigation`, { body: 'echo 2 > /sys/x', author: 'ana' })).statusCode,
    ).toBe(200);
    expect((await json('PATCH', `/api/incidents/${b}`, { status: 'resolved' })).statusCode).toBe(200);
    // A capture added after c's dump (issue 23): copied with its bytes and time.
    const capture =
      '=== hangscope-collect: /proc/4790/comm ===\nkworker/1:2\n=== hangscope-collect: /proc/4790/stack ===\n[<0>] worker_thread+0x4f/0x3d0\n';
    expect(
      (
        await sqlite.inject({
          method: 'POST',
          url: `/api/incidents/${c}/captures`,
          headers: { 'content-type': 'text/plain' },
          payload: capture,
        })
      ).statusCode,
    ).toBe(201);
    expect((await sqlite.inject({ method: 'GET', url: `/api/incidents/${big}/view` })).statusCode).toBe(200);
    const side = await openStore({ dbPath, migrationsDir: defaultMigrationsDir() });
    await side.update(c, { pinned: true });
    await side.createToken(
      { id: 'tok1', name: 'ci', role: 'ingest', createdAt: '2026-01-01T00:00:00.000Z', revokedAt: null },
      'a'.repeat(64),
    );
    await side.close();
    // An analysis stored as JSON text, as SQLite rows from before its migration 0003 are.
    const text = (await sqlite.inject({ method: 'GET', url: `/api/incidents/${b}/analysis.json` })).payload;
    await rawSql(
      { dbPath },
      "UPDATE incident_analysis SET encoding = 'identity', document = ?, crc32 = NULL, length = NULL WHERE incident_id = ?",
      [text, b],
    );
    const before = await snapshot(sqlite);

    url = await createTestDatabase();
    const first = await cli(['migrate-store', '--from', `sqlite:${dbPath}`, '--to', url]);
    expect(first.err).toContain('4/4 incidents');
    expect(first).toMatchObject({
      code: 0,
      result: { incidents: 4, copied: 4, updated: 0, verified: 4, sameBytesElsewhere: [], tokens: 1 },
    });

    const pgApp = await app({ dbPath: join(dir, 'unused.db'), databaseUrl: url });
    expect(await snapshot(pgApp)).toEqual(before);
    // Byte for byte: the stored bytes hash alike on both sides.
    const hashes = async (loc: { dbPath: string; databaseUrl?: string }) =>
      (
        await rawSql<{ id: string; data: Buffer; document: Buffer | string }>(
          loc,
          'SELECT r.incident_id AS id, r.data, a.document FROM incident_raw r JOIN incident_analysis a ON a.incident_id = r.incident_id ORDER BY r.incident_id',
          [],
        )
      ).map((r) => [
        r.id,
        createHash('sha256').update(r.data).digest('hex'),
        createHash('sha256')
          .update(Buffer.isBuffer(r.document) ? r.document : Buffer.from(r.document))
          .digest('hex'),
      ]);
    expect(await hashes({ dbPath: '', databaseUrl: url })).toEqual(await hashes({ dbPath }));
    const pg = await openStore({ dbPath: '', databaseUrl: url, migrationsDir: defaultMigrationsDir() });
    expect(await pg.isPinned(c)).toBe(true);
    expect((await pg.listTokens()).map((t) => t.name)).toEqual(['ci']);
    expect(await pg.tokenBySecret('a'.repeat(64))).toMatchObject({ id: 'tok1', role: 'ingest' });
    await pg.close();

    // Again: nothing new, the same answers.
    const again = await cli(['migrate-store', '--from', `sqlite:${dbPath}`, '--to', url]);
    expect(again).toMatchObject({ code: 0, result: { incidents: 4, copied: 0, updated: 4, verified: 4 } });
    expect(await snapshot(pgApp)).toEqual(before);

    // The SQLite server went on meanwhile: a new incident and a new note are brought over.
    const d = await up(`${HUNG_TASK_DUMP}\n# another capture\n`);
    expect((await json('POST', `/api/incidents/${a}/annotations`, { body: 'late note' })).statusCode).toBe(201);
    const third = await cli(['migrate-store', '--from', `sqlite:${dbPath}`, '--to', url]);
    expect(third).toMatchObject({ code: 0, result: { incidents: 5, copied: 1, updated: 4 } });
    expect(await snapshot(pgApp)).toEqual(await snapshot(sqlite));
    expect((await pgApp.inject({ method: 'GET', url: `/api/incidents/${d}` })).statusCode).toBe(200);

    // New incidents on PostgreSQL after the move list first.
    const e = (
      await pgApp.inject({
        method: 'POST',
        url: '/api/incidents',
        headers: { 'content-type': 'text/plain' },
        payload: `${CRLF_UTF8_DUMP}\nnew\n`,
      })
    ).json().id;
    expect((await pgApp.inject({ method: 'GET', url: '/api/incidents?limit=1' })).json().items[0].id).toBe(e);

    expect((await cli(['migrate-store', '--from', dbPath, '--to', url])).code).toBe(2);
    expect((await cli(['migrate-store', '--from', `sqlite:${dbPath}`, '--to', 'mysql://x'])).code).toBe(2);
    await pgApp.close();
    await sqlite.close();
  }, 120_000);
});

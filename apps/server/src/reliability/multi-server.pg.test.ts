// Several built servers (child processes) on one PostgreSQL database, as behind a load
// balancer: each sees the others' writes at once, no cache of one serves what another
// changed, re-analysis after an upgrade is done once (not once per server), rate limits
// and the daily quota hold across them, and kill -9 during uploads loses no 201.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANALYZER_VERSION, analyze } from '@hangscope/analyzer';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, rawSql } from '../__tests__/helpers.js';
import { createTestDatabase, dropTestDatabase } from '../__tests__/pg-database.js';
import { toAnalysisRecord } from '../analysis/digest.js';
import { defaultMigrationsDir } from '../paths.js';
import { openStore } from '../store/open.js';
import { HAVE_BUILD, makeDump, startServer, waitFor, type ServerProcess } from './harness.js';

if (!HAVE_BUILD)
  console.warn(
    'reliability/multi-server: apps/server/dist is not built — run the build first (npm test does); skipping',
  );

const dir = join(tmpdir(), `hangscope-multi-${process.pid}-${Date.now()}`);
const examplesDir = join(dir, 'examples'); // empty: no examples loaded
mkdirSync(examplesDir, { recursive: true });
const running: ServerProcess[] = [];
const databases: string[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.kill9();
});
afterAll(async () => {
  for (const url of databases) await dropTestDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

async function database(): Promise<string> {
  const url = await createTestDatabase();
  databases.push(url);
  return url;
}

async function server(url: string, extra: Record<string, string> = {}): Promise<ServerProcess> {
  // HANGSCOPE_DB points nowhere useful on purpose: with a database URL it is not used.
  const s = await startServer({
    dbPath: join(dir, 'unused', 'never.db'),
    examplesDir,
    extra: { HANGSCOPE_DATABASE_URL: url, ...extra },
  });
  running.push(s);
  return s;
}

async function post(base: string, body: Buffer | string): Promise<{ status: number; id?: string; error?: string }> {
  const res = await fetch(`${base}/api/incidents`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  const json = (await res.json()) as { id?: string; error?: string };
  return { status: res.status, id: json.id, error: json.error };
}

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    body: res.status === 200 ? ((await res.json()) as Record<string, any>) : null,
  };
};

describe.skipIf(!HAVE_BUILD)('several servers on one PostgreSQL database', () => {
  it("each sees the others' writes at once, and no cache serves what another changed", async () => {
    const url = await database();
    const [a, b] = await Promise.all([server(url), server(url)]);

    // An upload through A: at once through B, in the list and in search.
    const up = await post(a.base, HUNG_TASK_DUMP);
    expect(up.status).toBe(201);
    const id = up.id!;
    const viaB = await getJson(`${b.base}/api/incidents/${id}`);
    expect(viaB.status).toBe(200);
    expect(viaB.body!.analysis.title).toContain('bsn_exit');
    expect((await getJson(`${b.base}/api/incidents`)).body!.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(
      (await getJson(`${b.base}/api/incidents?q=flush_workqueue`)).body!.items.map((i: { id: string }) => i.id),
    ).toEqual([id]);
    // The same bytes through B: the incident A stored.
    expect(await post(b.base, HUNG_TASK_DUMP)).toMatchObject({ status: 200, id });

    // A change through B: A's next answer has it, and A's old ETag no longer matches.
    const before = await getJson(`${a.base}/api/incidents/${id}`);
    const patch = await fetch(`${b.base}/api/incidents/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved', title: 'seen by both' }),
    });
    expect(patch.status).toBe(200);
    const after = await fetch(`${a.base}/api/incidents/${id}`, { headers: { 'if-none-match': before.etag! } });
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'resolved', title: 'seen by both' });
    expect((await getJson(`${a.base}/api/incidents?status=resolved`)).body!.items).toHaveLength(1);

    // A note through A is searchable through B.
    const note = await fetch(`${a.base}/api/incidents/${id}/annotations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'zebracorn firmware' }),
    });
    expect(note.status).toBe(201);
    expect((await getJson(`${b.base}/api/incidents?q=zebracorn`)).body!.items.map((i: { id: string }) => i.id)).toEqual(
      [id],
    );

    // A's page view is cached in A; another server replaces the analysis (a re-analysis):
    // A's next view is of the new analysis, under another ETag.
    const view1 = await getJson(`${a.base}/api/incidents/${id}/view`);
    expect(view1.status).toBe(200);
    expect(
      (await fetch(`${a.base}/api/incidents/${id}/view`, { headers: { 'if-none-match': view1.etag! } })).status,
    ).toBe(304);
    const other = await openStore({
      dbPath: join(dir, 'unused', 'never.db'),
      databaseUrl: url,
      migrationsDir: defaultMigrationsDir(),
    });
    try {
      await other.replaceAnalysis(
        id,
        toAnalysisRecord(analyze(CRLF_UTF8_DUMP), CRLF_UTF8_DUMP),
        new Date().toISOString(),
      );
    } finally {
      await other.close();
    }
    const stale = await fetch(`${a.base}/api/incidents/${id}/view`, { headers: { 'if-none-match': view1.etag! } });
    expect(stale.status).toBe(200);
    const view2 = (await stale.json()) as Record<string, any>;
    expect(JSON.stringify(view2)).toContain('qxl_fb_work');
    expect(JSON.stringify(view1.body)).not.toContain('qxl_fb_work');
  }, 120_000);

  it('share the write rate limit and the daily quota through the database', async () => {
    const url = await database();
    const limits = { HANGSCOPE_RATE_LIMIT: '4', HANGSCOPE_DAILY_QUOTA: '3000' };
    const [a, b] = await Promise.all([server(url, limits), server(url, limits)]);
    // Quota: 3000 bytes a day for this client, whichever server it uses.
    const first = await post(a.base, makeDump('quota-1', 1800));
    expect(first.status).toBe(201);
    const second = await post(b.base, makeDump('quota-2', 1800));
    expect(second).toMatchObject({ status: 429, error: 'quota_exceeded' });
    // Rate: 4 writes a minute on the upload route for this client, counted across both
    // servers (one or two made so far, as the quota's refusal comes before the count or
    // not). Alternating between them, at most 3 more get through; one server counting
    // alone would let through 3 + 4.
    let through = 0;
    let k = 0;
    for (; k < 10; k++) {
      const r = await post(k % 2 ? b.base : a.base, `small dump ${k}\n`);
      if (r.status === 429) {
        expect(r.error).toBe('too_many_requests');
        break;
      }
      through++;
    }
    expect(through).toBeGreaterThanOrEqual(2);
    expect(through).toBeLessThanOrEqual(3);
    // And the other server says so too.
    expect((await post(k % 2 ? a.base : b.base, 'one more\n')).status).toBe(429);
  }, 120_000);

  it('re-analysis after an analyzer upgrade is done once, shared between the servers', async () => {
    const url = await database();
    const seed = await server(url, { HANGSCOPE_REANALYZE_ON_START: '0' });
    const n = 24;
    for (let i = 0; i < n; i++)
      expect((await post(seed.base, makeDump(`reanalysis-${i}`, 30_000, i))).status).toBe(201);
    await seed.stop();
    running.splice(running.indexOf(seed), 1);
    // As if stored by an older analyzer: both servers start on it together.
    await rawSql({ dbPath: '', databaseUrl: url }, "UPDATE incidents SET analyzer_version = '0.0.0-old'", []);
    const env = { LOG_LEVEL: 'info', HANGSCOPE_REANALYSIS_LEASE_MS: '4000' };
    const [a, b] = await Promise.all([server(url, env), server(url, env)]);
    const current = async () =>
      (
        await rawSql<{ n: number }>(
          { dbPath: '', databaseUrl: url },
          'SELECT count(*) AS n FROM incidents WHERE analyzer_version = ?',
          [ANALYZER_VERSION],
        )
      )[0].n;
    await waitFor('every incident re-analysed', async () => (await current()) === n, 120_000, 100);
    const finished = (s: ServerProcess) =>
      s
        .log()
        .split('\n')
        .filter((l) => l.includes('re-analysis finished'))
        .map((l) => JSON.parse(l) as { updated: number; failed: number; claimedElsewhere?: number });
    // A server that found work logs its start and, once done, its counts.
    const done = (s: ServerProcess) => !s.log().includes('re-analysing stored incidents') || finished(s).length === 1;
    await waitFor('both servers to finish re-analysing', () => done(a) && done(b), 60_000, 100);
    const runs = [...finished(a), ...finished(b)];
    console.log(`re-analysis of ${n} incidents by two servers: ${JSON.stringify(runs)}`);
    // Every incident analysed once in all: a server skips what the other claimed or did.
    expect(runs.reduce((sum, r) => sum + r.updated, 0)).toBe(n);
    expect(runs.every((r) => r.failed === 0)).toBe(true);
    expect(await rawSql({ dbPath: '', databaseUrl: url }, 'SELECT count(*) AS n FROM reanalysis_claims', [])).toEqual([
      { n: 0 },
    ]);
  }, 240_000);

  it("a dead server's claim lapses and the incident is re-analysed by another", async () => {
    const url = await database();
    const seed = await server(url, { HANGSCOPE_REANALYZE_ON_START: '0' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await post(seed.base, makeDump(`lapse-${i}`, 20_000, i))).id!);
    await seed.stop();
    running.splice(running.indexOf(seed), 1);
    const db = { dbPath: '', databaseUrl: url };
    await rawSql(db, "UPDATE incidents SET analyzer_version = '0.0.0-old'", []);
    // A server killed while re-analysing ids[1] left its claim (lease of 3 s) behind.
    await rawSql(
      db,
      "INSERT INTO reanalysis_claims (incident_id, owner, expires_at) VALUES (?, 'gone-host:1:dead', clock_timestamp() + interval '3 seconds')",
      [ids[1]],
    );
    const started = Date.now();
    const s = await server(url, { LOG_LEVEL: 'info', HANGSCOPE_REANALYSIS_LEASE_MS: '2000' });
    const versions = async () =>
      (await rawSql<{ id: string; v: string }>(db, 'SELECT id, analyzer_version AS v FROM incidents', [])).filter(
        (r) => r.v === ANALYZER_VERSION,
      ).length;
    await waitFor(
      'every incident re-analysed, the claimed one too',
      async () => (await versions()) === ids.length,
      60_000,
      100,
    );
    // Not before the dead claim ran out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    await waitFor('the run to end', () => s.log().includes('re-analysis finished'), 30_000, 100);
    const run = s
      .log()
      .split('\n')
      .filter((l) => l.includes('re-analysis finished'))
      .map((l) => JSON.parse(l) as { updated: number; claimedElsewhere?: number })[0];
    expect(run).toMatchObject({ updated: 4 });
    expect(run.claimedElsewhere).toBeUndefined();
    expect(await rawSql(db, 'SELECT count(*) AS n FROM reanalysis_claims', [])).toEqual([{ n: 0 }]);
  }, 120_000);

  it('kill -9 during concurrent uploads loses no acknowledged upload', async () => {
    const url = await database();
    let s = await server(url);
    const dumps = Array.from({ length: 40 }, (_, i) =>
      makeDump(`pg-ingest-${i}`, 40_000 + ((i * 37_000) % 400_000), i),
    );
    const acknowledged = new Map<string, Buffer>();
    let killed = false;
    const results = dumps.map((bytes) =>
      post(s.base, bytes).then(
        (r) => {
          if (r.status === 201 && r.id) acknowledged.set(r.id, bytes);
          return r.status;
        },
        () => (killed ? 'killed' : 'error'),
      ),
    );
    await waitFor('a few acknowledged uploads', () => acknowledged.size >= 4, 60_000, 10);
    killed = true;
    await s.kill9();
    const statuses = await Promise.all(results);
    expect(statuses.filter((x) => x === 'killed').length, 'uploads cut off by the kill').toBeGreaterThan(0);
    expect(statuses.every((x) => x === 201 || x === 'killed')).toBe(true);

    // Every 201 is in the database, whole: raw bytes (by hash), analysis, search row.
    const rows = await rawSql<{ id: string; sha256: string; raw: number; analysis: number; search: number }>(
      { dbPath: '', databaseUrl: url },
      `SELECT i.id, i.sha256, (SELECT count(*) FROM incident_raw r WHERE r.incident_id = i.id) AS raw,
         (SELECT count(*) FROM incident_analysis a WHERE a.incident_id = i.id) AS analysis,
         (SELECT count(*) FROM incident_search x WHERE x.seq = i.seq) AS search FROM incidents i`,
      [],
    );
    expect(rows.every((r) => r.raw === 1 && r.analysis === 1 && r.search === 1)).toBe(true);
    const stored = new Map(rows.map((r) => [r.id, r.sha256]));
    for (const [id, bytes] of acknowledged)
      expect(stored.get(id), id).toBe(createHash('sha256').update(bytes).digest('hex'));

    s = await server(url);
    for (const [id, bytes] of acknowledged) {
      const res = await fetch(`${s.base}/api/incidents/${id}/raw`);
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes), id).toBe(0);
    }
    // An upload the kill cut off can be sent again and is stored once.
    const lost = dumps.find((d) => ![...acknowledged.values()].includes(d))!;
    expect([200, 201]).toContain((await post(s.base, lost)).status);
    expect(await s.stop()).toBe(0);
  }, 180_000);
});

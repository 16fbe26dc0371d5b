import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisDocument } from '@hangscope/analyzer';
import {
  HUNG_TASK_DUMP,
  openTestStore,
  startApp,
  TEST_ENGINE,
  tempDir,
  upload,
  type TestApp,
} from '../__tests__/helpers.js';
import { toAnalysisRecord } from '../analysis/digest.js';
import { defaultMigrationsDir } from '../paths.js';
import { migrate } from './migrate.js';
import type { IncidentSummary, ListFilter } from './types.js';
import { toFtsQuery } from './search-query.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const migrationFiles = () => readdirSync(defaultMigrationsDir()).filter((f) => /^\d+_.*\.sql$/.test(f));

// The migrations of the SQLite file (PostgreSQL's: postgres-store.pg.test.ts).
describe.skipIf(TEST_ENGINE !== 'sqlite')('migrations', () => {
  it('are recorded in schema_migrations, and a restart applies nothing twice and keeps data', async () => {
    const dir = tempDir();
    t = await startApp({}, dir);
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    await t.app.close();

    const db = new Database(t.dbPath, { readonly: true });
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
      version: number;
    }[];
    expect(rows.map((r) => r.version)).toEqual(migrationFiles().map((f) => Number(f.split('_')[0])));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    t = await startApp({}, dir); // same directory, same database file
    const again = new Database(t.dbPath, { readonly: true });
    expect((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(rows.length);
    again.close();
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).statusCode).toBe(200);
  });

  it('roll back a failing migration and refuse a changed one', () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '0001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(migrations, '0002_b.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);');
    const db = new Database(join(dir, 'x.db'));
    expect(() => migrate(db, migrations)).toThrow(/nope/);
    const tables = () =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
        (r) => r.name,
      );
    expect(tables()).toEqual(['a', 'schema_migrations']); // b rolled back with its record
    writeFileSync(join(migrations, '0002_b.sql'), 'CREATE TABLE b (x INTEGER);');
    expect(migrate(db, migrations)).toEqual([2]);
    expect(migrate(db, migrations)).toEqual([]);
    writeFileSync(join(migrations, '0001_a.sql'), 'CREATE TABLE a (x INTEGER, y INTEGER);');
    expect(() => migrate(db, migrations)).toThrow(/changed after it was applied/);
    db.close();
  });

  it('0003 applies on a database with incidents from before it: their analysis is still served, new ones are compressed', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'data', 'hangscope.db');
    mkdirSync(join(dir, 'data'));
    // A database as the server left it before 0003: migrations 1–2, one incident with its analysis as JSON text.
    const older = join(dir, 'older-migrations');
    mkdirSync(older);
    for (const f of migrationFiles().filter((f) => Number(f.split('_')[0]) <= 2))
      copyFileSync(join(defaultMigrationsDir(), f), join(older, f));
    const oldDoc = JSON.stringify(document({ title: 'INFO: task hung in old_function', fingerprint: 'fp-old' }));
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, older)).toEqual([1, 2]);
    const now = new Date().toISOString();
    const oldId = 'OOOOOOOOOOOOOOOOOOOOOO';
    db.prepare(
      `INSERT INTO incidents (id, sha256, created_at, updated_at, size, line_count, host, kind, analysis_title, fingerprint, kernel, analyzer_version)
       VALUES (?, ?, ?, ?, 3, 1, 'old-host', 'hung_task', 'INFO: task hung in old_function', 'fp-old', NULL, 'test')`,
    ).run(oldId, 'f'.repeat(64), now, now);
    db.prepare("INSERT INTO incident_raw (incident_id, encoding, data) VALUES (?, 'identity', ?)").run(
      oldId,
      Buffer.from('old'),
    );
    db.prepare(
      "INSERT INTO incident_analysis (incident_id, analyzer_version, analyzed_at, document) VALUES (?, 'test', ?, ?)",
    ).run(oldId, now, oldDoc);
    db.prepare(
      "INSERT INTO incident_fts (rowid, user_title, titles, verdict, frames, comms, annotations) VALUES (1, '', 'old_function', '', '', '', '')",
    ).run();
    db.close();

    t = await startApp({ reanalyzeOnStart: false }, dir);
    const check = new Database(dbPath, { readonly: true });
    expect(
      (check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v,
    ).toBeGreaterThanOrEqual(3);
    const indexes = (
      check.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['incidents_host', 'incidents_status', 'incidents_kernel']));
    check.close();

    const url = `/api/incidents/${oldId}`;
    const plain = await t.app.inject({ method: 'GET', url });
    expect(plain.statusCode).toBe(200);
    expect(plain.json().analysis).toEqual(JSON.parse(oldDoc));
    // an uncompressed (old) analysis is sent plain even to a gzip client
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBeUndefined();
    expect(gz.rawPayload.equals(plain.rawPayload)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: `${url}/analysis.json` })).json()).toEqual(JSON.parse(oldDoc));
    // Its exports are built (never kept: an uncompressed analysis has no tag).
    for (let i = 0; i < 2; i++) {
      const report = await t.app.inject({ method: 'GET', url: `${url}/report.md` });
      expect(report.statusCode).toBe(200);
      expect(report.body).toContain('old_function');
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/incidents?q=old_function' }))
        .json()
        .items.map((i: { id: string }) => i.id),
    ).toEqual([oldId]);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/incidents?host=old-host' }))
        .json()
        .items.map((i: { id: string }) => i.id),
    ).toEqual([oldId]);

    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const row = new Database(dbPath, { readonly: true });
    expect(
      row
        .prepare('SELECT encoding, typeof(document) AS type FROM incident_analysis WHERE incident_id = ?')
        .get(json.id),
    ).toEqual({
      encoding: 'deflate-raw-sync',
      type: 'blob',
    });
    row.close();
    const fresh = await t.app.inject({
      method: 'GET',
      url: `/api/incidents/${json.id}`,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(fresh.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(fresh.rawPayload).toString()).id).toBe(json.id);
  });

  it('the shipped migrations are well-formed files', () => {
    for (const f of migrationFiles())
      expect(readFileSync(join(defaultMigrationsDir(), f), 'utf8').length).toBeGreaterThan(0);
  });
});

/** A contract document written out by hand, independent of the analyzer's progress. */
function document(overrides: Partial<AnalysisDocument>): AnalysisDocument {
  return {
    schemaVersion: 1,
    analyzerVersion: 'test',
    kind: 'hung_task',
    title: 'INFO: task hung in flush_workqueue',
    fingerprint: 'fp-flush',
    kernel: '3.10.0-957.el7.x86_64',
    arch: 'x86_64',
    tasks: [
      {
        id: 'task:31969',
        pid: 31969,
        comm: 'rmmod',
        state: 'D',
        cpu: null,
        taskAddr: null,
        frames: [
          { fn: 'schedule', offset: '0x29', size: '0x70', module: null, addr: null, reliable: true },
          { fn: 'flush_workqueue', offset: '0x12c', size: '0x5b0', module: null, addr: null, reliable: true },
        ],
        evidence: [{ line: 1, endLine: 12 }],
      },
    ],
    cpus: [],
    locks: [],
    works: [],
    graph: { nodes: [{ id: 'task:31969', type: 'task', label: 'rmmod' }], edges: [] },
    findings: [],
    verdict: 'rmmod waits for the events workqueue to drain',
    ...overrides,
  };
}

describe(`${TEST_ENGINE} store search index`, () => {
  it('finds incidents by frame function, comm and verdict words', async () => {
    const dir = tempDir();
    const opened = await openTestStore(dir);
    const store = opened.store;
    const add = (id: string, sha: string, doc: AnalysisDocument) =>
      store.create({
        id,
        sha256: sha,
        createdAt: new Date().toISOString(),
        raw: { encoding: 'identity', data: Buffer.from(id), size: id.length },
        userTitle: null,
        host: null,
        tags: [],
        analysis: toAnalysisRecord(doc, 'x'),
      });
    await add('AAAAAAAAAAAAAAAAAAAAAA', 'a'.repeat(64), document({}));
    await add(
      'BBBBBBBBBBBBBBBBBBBBBB',
      'b'.repeat(64),
      document({
        title: 'INFO: task hung in qxl_fb_work',
        fingerprint: 'fp-qxl',
        verdict: 'kworker holds the console lock',
        tasks: [
          {
            ...document({}).tasks[0],
            id: 'task:4790',
            comm: 'kworker/1:2',
            frames: [{ fn: 'mutex_lock', offset: null, size: null, module: null, addr: null, reliable: true }],
          },
        ],
      }),
    );
    // listJson is what the API sends (and caches); list() the same page as objects.
    const page = async (filter: ListFilter, cursor: string | null = null, limit = 10) => {
      const body = JSON.parse(await store.listJson(filter, cursor, limit)) as {
        items: (IncidentSummary & { url: string })[];
        nextCursor: string | null;
      };
      const objects = await store.list(filter, cursor, limit);
      expect(body).toEqual({
        items: objects.items.map((s) => ({ ...s, url: `/i/${s.id}` })),
        nextCursor: objects.nextCursor,
      });
      return body;
    };
    const ids = async (filter: ListFilter) => (await page(filter)).items.map((i) => i.id[0]);
    const search = async (q: string) => ids({ match: toFtsQuery(q)! });
    expect(await search('flush_workqueue')).toEqual(['A']);
    expect(await search('mutex_lock')).toEqual(['B']);
    expect(await search('rmmod')).toEqual(['A']);
    expect(await search('kworker')).toEqual(['B']);
    expect(await search('console')).toEqual(['B']);
    expect(await search('INFO task hung')).toEqual(['B', 'A']);
    // The same matches on both engines (FTS5's unicode61 on SQLite, search-text.ts on
    // PostgreSQL): a word of several tokens is a phrase inside one field, `*` a prefix of
    // its last token, case folded; words in any order and field.
    expect(await search('flush_work*')).toEqual(['A']);
    expect(await search('workqueue flush')).toEqual(['A']);
    expect(await search('hung_in')).toEqual(['B', 'A']);
    expect(await search('RMMOD mutex*')).toEqual([]);
    expect(await search('mutex*')).toEqual(['B']);
    expect(await search('in_flush')).toEqual(['A']);
    expect(await search('in_rmmod')).toEqual([]);
    expect(await search('workqueue_rmmod')).toEqual([]); // the end of the title, the start of the verdict
    expect(await search('kworker/1:2')).toEqual(['B']);
    expect(await search('kworker/1:3')).toEqual([]);
    // a duplicate sha256 is reported, not inserted
    expect(await add('CCCCCCCCCCCCCCCCCCCCCC', 'a'.repeat(64), document({}))).toEqual({
      created: false,
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(await store.count()).toBe(2);

    // Cached list pages: a write through another connection (the CLI's import) shows at once.
    const other = await opened.again();
    expect(await ids({})).toEqual(['B', 'A']);
    await other.create({
      id: 'DDDDDDDDDDDDDDDDDDDDDD',
      sha256: 'd'.repeat(64),
      createdAt: new Date().toISOString(),
      raw: { encoding: 'identity', data: Buffer.from('d'), size: 1 },
      userTitle: 'flush from the cli',
      host: null,
      tags: [],
      analysis: toAnalysisRecord(document({}), 'x'),
    });
    expect(await ids({})).toEqual(['D', 'B', 'A']);
    expect(await search('flush_workqueue')).toEqual(['D', 'A']);
    await other.update('AAAAAAAAAAAAAAAAAAAAAA', { status: 'resolved' });
    expect(await ids({ status: 'resolved' })).toEqual(['A']);
    // and one through this connection
    await store.update('DDDDDDDDDDDDDDDDDDDDDD', { tags: ['cli'] });
    await store.update('BBBBBBBBBBBBBBBBBBBBBB', {
      tags: ['z-last', 'a "quoted" \\ tag'],
      host: 'host\u0001',
      userTitle: 'title \u2028 "x"',
    });
    expect(await ids({ tag: 'cli' })).toEqual(['D']);
    await store.update('DDDDDDDDDDDDDDDDDDDDDD', { userTitle: 'Crème brûlée at the ÉCOLE' });
    expect(await search('creme')).toEqual(['D']);
    expect(await search('BRÛL*')).toEqual(['D']);
    expect(await search('école')).toEqual(['D']);
    expect(await search('the_ecole')).toEqual(['D']);
    await store.update('DDDDDDDDDDDDDDDDDDDDDD', { userTitle: 'flush from the cli' });
    expect(await search('creme')).toEqual([]);
    const first = await page({});
    expect(first.items[0].tags).toEqual(['cli']);
    expect(first.items[1]).toMatchObject({
      tags: ['a "quoted" \\ tag', 'z-last'],
      host: 'host\u0001',
      title: 'title \u2028 "x"',
      duplicateOf: null,
    });
    // keyset paging: page size 1, then the cursor
    const one = await page({}, null, 1);
    expect(one.items.map((i) => i.id[0])).toEqual(['D']);
    expect((await page({}, one.nextCursor, 5)).items.map((i) => i.id[0])).toEqual(['B', 'A']);
    expect((await page({ match: toFtsQuery('flush_workqueue')! }, null, 1)).nextCursor).not.toBeNull();
    await other.close();
    await opened.close();
  });
});

describe('toFtsQuery', () => {
  it('quotes every word and drops what cannot match', () => {
    expect(toFtsQuery('flush_workqueue rmmod')).toBe('"flush_workqueue" "rmmod"');
    expect(toFtsQuery('a"b')).toBe('"ab"');
    expect(toFtsQuery('bsn*')).toBe('"bsn"*');
    expect(toFtsQuery('" * -- (')).toBeNull();
  });
});

describe(`${TEST_ENGINE} store incident views`, () => {
  it('keeps the view of the analysis stored now: written with it, replaced with it, never for an old one', async () => {
    const dir = tempDir();
    const opened = await openTestStore(dir, { storedViewMinBytes: 0 });
    const store = opened.store;
    try {
      const id = 'CCCCCCCCCCCCCCCCCCCCCC';
      const record = toAnalysisRecord(document({}), 'x');
      const created = await store.create({
        id,
        sha256: 'c'.repeat(64),
        createdAt: '2026-01-01T00:00:00.000Z',
        raw: { encoding: 'identity', data: Buffer.from('x'), size: 1 },
        userTitle: null,
        host: null,
        tags: [],
        analysis: record,
      });
      const tag = created.created ? created.analysisTag! : '';
      expect(tag).toBe((await store.getStored(id))!.analysisTag);
      // The head: the same fields and tag, without the analysis (what an export built
      // before needs to be found again).
      const { analysis: _analysis, ...head } = (await store.getStored(id))!;
      expect(await store.getStoredHead(id)).toEqual(head);
      expect(await store.getStoredHead('DDDDDDDDDDDDDDDDDDDDDD')).toBeNull();
      const version = record.view!.version;
      const first = await store.getView(id, tag, version);
      expect(first?.doc.data.equals(record.view!.doc.data)).toBe(true);
      expect(first?.groups.data.equals(record.view!.groupsDoc.data)).toBe(true);
      // Another tag or view version: not this view.
      expect(await store.getView(id, `${tag}x`, version)).toBeNull();
      expect(await store.getView(id, tag, version + 1)).toBeNull();

      // A re-analysis replaces the view with its own, under the new analysis's tag.
      const again = toAnalysisRecord(document({ verdict: 'another verdict' }), 'x');
      const newTag = await store.replaceAnalysis(id, again, '2026-02-01T00:00:00.000Z');
      expect(newTag).toBe((await store.getStored(id))!.analysisTag);
      expect((await store.getStoredHead(id))!.analysisTag).toBe(newTag);
      expect(await store.getView(id, tag, version)).toBeNull();
      expect((await store.getView(id, newTag!, version))?.doc.data.equals(again.view!.doc.data)).toBe(true);

      // A view computed from the old analysis (a request in flight during the re-analysis)
      // is not kept; one of the current analysis is.
      const stale = { tag, version, doc: record.view!.doc, groups: record.view!.groupsDoc };
      await store.putView(id, stale);
      expect(await store.getView(id, tag, version)).toBeNull();
      await store.putView(id, { ...stale, tag: newTag!, version: version + 1 });
      expect(await store.getView(id, newTag!, version + 1)).not.toBeNull();

      // Without a view in the record, a re-analysis leaves none; unknown incidents: null.
      const { view: _v, ...noView } = toAnalysisRecord(document({}), 'x');
      const third = await store.replaceAnalysis(id, noView, '2026-03-01T00:00:00.000Z');
      expect(await store.getView(id, third!, version)).toBeNull();
      expect(await store.getView(id, third!, version + 1)).toBeNull();
      expect(await store.replaceAnalysis('DDDDDDDDDDDDDDDDDDDDDD', noView, '2026-03-01T00:00:00.000Z')).toBeNull();
    } finally {
      await opened.close();
    }
  });
});

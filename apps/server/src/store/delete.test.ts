// Deleting an incident, by hand (DELETE /api/incidents/:id) or by retention, leaves
// nothing of it behind: every table is counted before and after.
import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, CRLF_UTF8_DUMP, TEST_ENGINE, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { defaultMigrationsDir } from '../paths.js';
import { applyRetention } from '../services/retention.js';
import { openStore } from './open.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Rows of every table of the database. Left out: SQLite FTS5's segment tables
 * (incident_fts_data / _idx / _config hold the index's b-tree segments, which FTS5
 * merges on its own schedule: their row counts say nothing about a document; the
 * document rows, _content and _docsize, and a search are checked instead), and
 * PostgreSQL's per-client counters (rate limits, the daily quota), which are no
 * incident's.
 */
async function countRows(t: TestApp): Promise<Record<string, number>> {
  const tables = (
    TEST_ENGINE === 'postgres'
      ? await t.sql<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
      : await t.sql<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
  ).map((r) => r.name);
  const out: Record<string, number> = {};
  for (const n of tables.filter(
    (n) => !/^(incident_fts_(data|idx|config)|rate_limit_counters|daily_quota_bytes)$/.test(n),
  )) {
    out[n] = Number((await t.sql<{ n: number }>(`SELECT count(*) AS n FROM "${n}"`))[0].n);
  }
  return out;
}

describe('deleting an incident', () => {
  it('DELETE /api/incidents/:id removes dump, analysis, views, tags, frames, notes, audit and search rows in one go', async () => {
    t = await startApp({ storedViewMinBytes: 0 });
    const keep = await upload(t.app, CRLF_UTF8_DUMP);
    const before = await countRows(t);

    const gone = (await upload(t.app, `${HUNG_TASK_DUMP}zebracorn-only-here\n`, '?tags=doomed&host=db-7')).json.id;
    const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t!.app.inject({ method, url, payload });
    expect((await inject('POST', `/api/incidents/${gone}/annotations`, { body: 'zebracorn note' })).statusCode).toBe(
      201,
    );
    expect((await inject('PUT', `/api/incidents/${gone}/mitigation`, { body: 'reboot' })).statusCode).toBe(200);
    expect(
      (await inject('PATCH', `/api/incidents/${gone}`, { status: 'mitigated', pinned: true, title: 'zebracorn title' }))
        .statusCode,
    ).toBe(200);
    expect((await inject('GET', `/api/incidents/${gone}/view`)).statusCode).toBe(200);
    // the kept incident marked a duplicate of the doomed one: it joins its group
    expect(
      (await inject('PATCH', `/api/incidents/${keep.json.id}`, { status: 'duplicate', duplicateOf: gone })).statusCode,
    ).toBe(200);
    const during = await countRows(t);
    const search =
      TEST_ENGINE === 'postgres'
        ? ['incident_search']
        : ['incident_fts', 'incident_fts_content', 'incident_fts_docsize'];
    for (const table of [
      'incidents',
      'incident_raw',
      'incident_analysis',
      'incident_views',
      'incident_tags',
      'incident_frames',
      'annotations',
      'mitigation_revisions',
      'incident_audit',
      ...search,
    ]) {
      expect(during[table], table).toBeGreaterThan(before[table]);
    }
    expect((await inject('GET', '/api/incidents?q=zebracorn')).json().items).toHaveLength(1);

    const del = await inject('DELETE', `/api/incidents/${gone}`);
    expect(del.statusCode).toBe(204);
    // Everything as before, but the kept incident's own audit entry (marked a duplicate).
    expect(await countRows(t)).toEqual({ ...before, incident_audit: before.incident_audit + 1 });
    expect((await inject('GET', `/api/incidents/${gone}`)).statusCode).toBe(404);
    expect((await inject('GET', '/api/incidents?q=zebracorn')).json().items).toHaveLength(0);
    expect((await inject('DELETE', `/api/incidents/${gone}`)).statusCode).toBe(404);
    // its duplicate lost its original: back in its own fingerprint's group
    const kept = (await inject('GET', `/api/incidents/${keep.json.id}`)).json();
    expect(kept.duplicateOf).toBeNull();
    const [row] = await t.sql<{ group_key: string; fingerprint: string }>(
      'SELECT group_key, fingerprint FROM incidents WHERE id = ?',
      keep.json.id,
    );
    expect(row.group_key).toBe(row.fingerprint);
    if (TEST_ENGINE === 'sqlite')
      expect(await t.sql("SELECT * FROM incident_fts WHERE incident_fts MATCH 'zebracorn'")).toEqual([]);
  });

  it('retention deletes unpinned incidents older than N days, keeps pinned and recent ones, leaves nothing behind', async () => {
    t = await startApp({ storedViewMinBytes: 0 });
    const before = await countRows(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(t.app, `${HUNG_TASK_DUMP}# copy ${i}\n`, '?tags=old')).json.id);
    for (const id of ids)
      await t.app.inject({ method: 'POST', url: `/api/incidents/${id}/annotations`, payload: { body: 'n' } });
    await t.app.inject({ method: 'PATCH', url: `/api/incidents/${ids[1]}`, payload: { pinned: true } });
    const store = await openStore({ ...t.store, migrationsDir: defaultMigrationsDir() });
    try {
      expect(await applyRetention(store, 30, Date.now())).toEqual([]); // all recent
      expect(await applyRetention(store, 0, Date.now() + 365 * 86_400_000)).toEqual([]); // 0: keep all
      const deleted = await applyRetention(store, 30, Date.now() + 31 * 86_400_000);
      expect(deleted.sort()).toEqual([ids[0], ids[2]].sort());
      expect(await store.count()).toBe(1);
      await store.deleteIncident(ids[1]);
    } finally {
      await store.close();
    }
    expect(await countRows(t)).toEqual(before);
  });
});

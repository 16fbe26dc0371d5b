// `cli.js migrate-store --from sqlite:PATH --to postgres://…`: copy a SQLite database
// into PostgreSQL, every incident with its bytes as stored (the gzip dump, the deflated
// analysis and views: not re-encoded), verified by hash, and safe to run again (each
// incident is brought to what the SQLite file holds: an upsert by its id).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';

export interface MigrateStoreResult {
  /** Incidents of the SQLite file. */
  incidents: number;
  /** Copied now (new in PostgreSQL). */
  copied: number;
  /** There already (an earlier run): brought up to date, bytes checked. */
  updated: number;
  /** The same bytes are stored in PostgreSQL under another id (say, the example dumps a
   *  server loaded on its first start there): not copied again. */
  sameBytesElsewhere: string[];
  /** Incidents whose stored bytes hash the same on both sides and whose dump hashes to
   *  its recorded sha256. */
  verified: number;
  tokens: number;
}

type Row = Record<string, unknown>;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytes = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));

/** Child tables copied per incident as rows of these columns, in this order. */
const CHILDREN: { table: string; columns: string[]; order: string }[] = [
  { table: 'incident_tags', columns: ['incident_id', 'tag'], order: 'tag' },
  { table: 'incident_frames', columns: ['incident_id', 'role', 'frame'], order: 'role, frame' },
  {
    table: 'annotations',
    columns: ['id', 'incident_id', 'target', 'line_from', 'line_to', 'body', 'author', 'created_at', 'updated_at'],
    order: 'created_at, id',
  },
  { table: 'mitigation_revisions', columns: ['incident_id', 'body', 'author', 'created_at'], order: 'seq' },
  {
    table: 'incident_views',
    columns: [
      'incident_id',
      'analysis_tag',
      'view_version',
      'document',
      'crc32',
      'length',
      'groups',
      'groups_crc32',
      'groups_length',
    ],
    order: 'incident_id',
  },
  { table: 'incident_audit', columns: ['incident_id', 'at', 'actor', 'action', 'detail'], order: 'seq' },
  {
    table: 'incident_shares',
    columns: ['id', 'incident_id', 'created_at', 'created_by', 'kaslr'],
    order: 'created_at, id',
  },
  // The captures added after an incident's dump (issue 23), as stored: gzip, not re-encoded.
  {
    table: 'incident_captures',
    columns: ['incident_id', 'seq', 'created_at', 'sha256', 'size', 'encoding', 'data'],
    order: 'seq',
  },
];

const INCIDENT_COLUMNS = [
  'id',
  'sha256',
  'created_at',
  'updated_at',
  'size',
  'line_count',
  'user_title',
  'host',
  'status',
  'kind',
  'analysis_title',
  'fingerprint',
  'kernel',
  'analyzer_version',
  'reanalysis_failed_version',
  'fingerprint_version',
  'group_split',
  'group_key',
  'pinned',
];

export async function migrateStore(
  sqlitePath: string,
  postgresUrl: string,
  migrationsDir: string,
  progress: (done: number, total: number) => void = () => {},
): Promise<MigrateStoreResult> {
  // Opening the file applies its pending migrations, as a server start would.
  const source = new SqliteStore(sqlitePath, migrationsDir);
  let target: PostgresStore | null = null;
  try {
    target = await PostgresStore.open(postgresUrl, join(migrationsDir, 'postgres'));
    const db = source.db;
    const hasTable = (t: string) =>
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    const children = CHILDREN.filter((c) => hasTable(c.table));
    const result: MigrateStoreResult = {
      incidents: 0,
      copied: 0,
      updated: 0,
      sameBytesElsewhere: [],
      verified: 0,
      tokens: 0,
    };
    const ids = (db.prepare('SELECT id FROM incidents ORDER BY seq').all() as { id: string }[]).map((r) => r.id);
    result.incidents = ids.length;
    const incidentRow = db.prepare(
      `SELECT seq, duplicate_of, ${INCIDENT_COLUMNS.join(', ')} FROM incidents WHERE id = ?`,
    );
    const rawRow = db.prepare('SELECT encoding, data FROM incident_raw WHERE incident_id = ?');
    const analysisRow = db.prepare(
      'SELECT analyzer_version, analyzed_at, document, encoding, form, crc32, length FROM incident_analysis WHERE incident_id = ?',
    );
    const searchRow = db.prepare(
      'SELECT user_title, titles, verdict, frames, comms, annotations FROM incident_fts WHERE rowid = ?',
    );
    const childRows = new Map(
      children.map((c) => [
        c.table,
        db.prepare(`SELECT ${c.columns.join(', ')} FROM ${c.table} WHERE incident_id = ? ORDER BY ${c.order}`),
      ]),
    );

    // Global rows first: tokens (their sessions go with them), then the small facts.
    if (hasTable('api_tokens')) {
      const tokens = db
        .prepare('SELECT id, name, role, token_sha256, created_at, revoked_at FROM api_tokens')
        .all() as Row[];
      const sessions = db
        .prepare('SELECT session_sha256, token_id, created_at, expires_at FROM web_sessions')
        .all() as Row[];
      await target.tx(async (c) => {
        for (const t of tokens) {
          await c.query(
            `INSERT INTO api_tokens (id, name, role, token_sha256, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, revoked_at = excluded.revoked_at`,
            [t.id, t.name, t.role, t.token_sha256, t.created_at, t.revoked_at],
          );
        }
        for (const s of sessions) {
          await c.query(
            'INSERT INTO web_sessions (session_sha256, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (session_sha256) DO NOTHING',
            [s.session_sha256, s.token_id, s.created_at, s.expires_at],
          );
        }
      });
      result.tokens = tokens.length;
    }
    for (const m of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]) {
      await target.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
        m.key,
        m.value,
      ]);
    }

    const duplicates: { id: string; of: string }[] = [];
    for (const id of ids) {
      const inc = incidentRow.get(id) as Row & { seq: number; duplicate_of: string | null; sha256: string };
      const raw = rawRow.get(id) as { encoding: string; data: Buffer } | undefined;
      const analysis = analysisRow.get(id) as (Row & { document: Buffer | string }) | undefined;
      if (!raw || !analysis)
        throw new Error(`incident ${id} is incomplete in the SQLite file (no ${raw ? 'analysis' : 'dump'})`);
      // The dump as uploaded must hash to its recorded sha256: the source is sound.
      const original = raw.encoding === 'gzip' ? gunzipSync(raw.data) : raw.data;
      if (sha(original) !== inc.sha256)
        throw new Error(`incident ${id}: its stored dump does not hash to its sha256 in the SQLite file`);
      const search = searchRow.get(inc.seq) as Record<string, string> | undefined;
      const document = bytes(analysis.document);

      const outcome = await target.tx(async (c): Promise<'copied' | 'updated' | 'elsewhere'> => {
        const other = await c.query<{ id: string }>('SELECT id FROM incidents WHERE sha256 = $1 AND id != $2', [
          inc.sha256,
          id,
        ]);
        if (other.rows.length) return 'elsewhere';
        const values = INCIDENT_COLUMNS.map((k) => (k === 'group_split' ? inc[k] === 1 : inc[k]));
        const upsert = await c.query<{ seq: number; inserted: boolean }>(
          `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}) VALUES (${INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
           ON CONFLICT (id) DO UPDATE SET ${INCIDENT_COLUMNS.filter((k) => k !== 'id')
             .map((k) => `${k} = excluded.${k}`)
             .join(', ')}
           RETURNING seq, (xmax = 0) AS inserted`,
          values as (string | number | boolean | null)[],
        );
        const { seq, inserted } = upsert.rows[0];
        await c.query(
          `INSERT INTO incident_raw (incident_id, encoding, data) VALUES ($1, $2, $3)
           ON CONFLICT (incident_id) DO UPDATE SET encoding = excluded.encoding, data = excluded.data`,
          [id, raw.encoding, raw.data],
        );
        await c.query(
          `INSERT INTO incident_analysis (incident_id, analyzer_version, analyzed_at, document, encoding, form, crc32, length)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (incident_id) DO UPDATE SET analyzer_version = excluded.analyzer_version, analyzed_at = excluded.analyzed_at,
             document = excluded.document, encoding = excluded.encoding, form = excluded.form, crc32 = excluded.crc32, length = excluded.length`,
          [
            id,
            analysis.analyzer_version,
            analysis.analyzed_at,
            document,
            analysis.encoding,
            analysis.form,
            analysis.crc32,
            analysis.length,
          ] as (string | number | Buffer | null)[],
        );
        for (const child of children) await copyChildren(c, child, id, childRows.get(child.table)!.all(id) as Row[]);
        await target!.writeSearch(c, seq, {
          user_title: search?.user_title ?? '',
          titles: search?.titles ?? '',
          verdict: search?.verdict ?? '',
          frames: search?.frames ?? '',
          comms: search?.comms ?? '',
          annotations: search?.annotations ?? '',
        });
        return inserted ? 'copied' : 'updated';
      });
      if (outcome === 'elsewhere') {
        result.sameBytesElsewhere.push(id);
        continue;
      }
      result[outcome]++;
      if (inc.duplicate_of) duplicates.push({ id, of: inc.duplicate_of });
      // Read back: the bytes PostgreSQL now holds hash as the SQLite file's do.
      const check = await target.pool.query<{ raw: string; doc: string }>(
        `SELECT encode(sha256(r.data), 'hex') AS raw, encode(sha256(a.document), 'hex') AS doc
         FROM incident_raw r JOIN incident_analysis a ON a.incident_id = r.incident_id WHERE r.incident_id = $1`,
        [id],
      );
      if (check.rows[0]?.raw !== sha(raw.data) || check.rows[0]?.doc !== sha(document))
        throw new Error(`incident ${id}: the copy in PostgreSQL does not hash as the original`);
      result.verified++;
      progress(result.copied + result.updated + result.sameBytesElsewhere.length, ids.length);
    }
    // "Duplicate of" last: the incident it names may have come after it.
    for (const d of duplicates) {
      await target.pool.query(
        'UPDATE incidents SET duplicate_of = $2 WHERE id = $1 AND duplicate_of IS DISTINCT FROM $2 AND EXISTS (SELECT 1 FROM incidents WHERE id = $2)',
        [d.id, d.of],
      );
    }
    return result;
  } finally {
    await target?.close();
    await source.close();
  }
}

/** Replace the incident's rows of one child table with the SQLite file's. */
async function copyChildren(
  c: pg.PoolClient,
  child: (typeof CHILDREN)[number],
  id: string,
  rows: Row[],
): Promise<void> {
  await c.query(`DELETE FROM ${child.table} WHERE incident_id = $1`, [id]);
  for (const r of rows) {
    await c.query(
      `INSERT INTO ${child.table} (${child.columns.join(', ')}) VALUES (${child.columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      child.columns.map((k) => r[k]) as (string | number | Buffer | null)[],
    );
  }
}

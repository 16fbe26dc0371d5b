import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { similarity, type FrameSignature } from '@hangscope/analyzer';
import { HttpError } from '../errors.js';
import { inflateDocument, inflateDocumentSync, type DocumentForm } from './document.js';
import { migratePostgres } from './pg-migrate.js';
import { candidateQuery, distinctTokens, parseFtsQuery, phrasePatterns, searchField } from './search-text.js';
import {
  decodeCursor,
  encodeCursor,
  fullJsonText,
  GROUP_STATUS,
  SIMILAR_CANDIDATES,
  SIMILAR_MIN_SCORE,
  STORED_VIEW_MIN_BYTES,
  headTag,
  storedAnalysisTag,
  toAnnotation,
  toDetailFields,
  toGroup,
  toSummary,
  type AnalysisHeadColumns,
  type AnnotationRow,
  type IncidentRow,
} from './sqlite-store.js';
import type {
  AddCaptureResult,
  AnalysisRecord,
  CaptureInfo,
  NewCapture,
  Annotation,
  ApiToken,
  AuditEntry,
  IncidentShare,
  AnnotationPatch,
  CreateResult,
  GroupMitigation,
  IncidentDetail,
  IncidentGroup,
  IncidentGroupDetail,
  IncidentPatch,
  IncidentStatus,
  IncidentStore,
  ListFilter,
  ListPage,
  SharedCounters,
  MitigationRevision,
  NewIncident,
  RepeatInfo,
  SimilarIncident,
  StoredAnalysis,
  StoredIncidentDetail,
  StoredIncidentHead,
  StoredView,
} from './types.js';

type Queryable = pg.Pool | pg.PoolClient;
type Param = string | number | boolean | null | Buffer | string[];

/** int8 (counts, sequence numbers, sizes) as a JS number: every value we store is far
 *  below 2^53. Set per pool, not on the driver's global parser table. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** Tags of a row, sorted as bytes (COLLATE "C"), joined by the unit separator. */
const TAGS = `(SELECT string_agg(tag, chr(31) ORDER BY tag) FROM incident_tags t WHERE t.incident_id = i.id) AS tags`;
const SELECT_INCIDENT = `SELECT i.*, ${TAGS} FROM incidents i`;
/** A list item as the API sends it (IncidentSummary plus `url`; see SqliteStore). */
const SUMMARY_JSON = `json_build_object('id', i.id, 'url', '/i/' || i.id, 'title', coalesce(i.user_title, i.analysis_title),
  'kind', i.kind, 'host', i.host, 'kernel', i.kernel, 'status', i.status, 'duplicateOf', i.duplicate_of,
  'createdAt', i.created_at, 'updatedAt', i.updated_at, 'fingerprint', i.fingerprint, 'size', i.size,
  'tags', coalesce((SELECT json_agg(tag ORDER BY tag) FROM incident_tags t WHERE t.incident_id = i.id), '[]'::json))::text`;

/** At most this many cached list pages; the cache starts over when full. */
const LIST_CACHE_ENTRIES = 512;

const TOKEN_COLUMNS = 'id, name, role, created_at AS "createdAt", revoked_at AS "revokedAt"';

/** Every group-key change takes this transaction lock: the SQLite store has one writer,
 *  here concurrent edits of linked incidents (duplicate of each other) take turns. */
const GROUP_LOCK = 0x67727570; // 'grup'

/** SQLSTATE classes and codes that say the database cannot be reached or is going away
 *  (08: connection exception; 57P01–03: shutting down, cannot connect now; 53300: too
 *  many connections), and the driver's and the OS's words for the same. */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/** Did this error come from a database that is down or unreachable (a 503, not a 500)? */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const message = err instanceof Error ? err.message : '';
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|is not currently accepting connections/.test(
    message,
  );
}

export interface PostgresStoreOptions {
  /** See STORED_VIEW_MIN_BYTES (tests store every view with 0). */
  storedViewMinBytes?: number;
  /** Connections of this server's pool (default 10). */
  poolSize?: number;
}

export interface SearchFields {
  user_title: string;
  titles: string;
  verdict: string;
  frames: string;
  comms: string;
  annotations: string;
}
const SEARCH_FIELDS: (keyof SearchFields)[] = ['user_title', 'titles', 'verdict', 'frames', 'comms', 'annotations'];

/**
 * The store on PostgreSQL: the same tables as on SQLite (migrations/postgres/), a pool of
 * connections, every write in a transaction. COMMIT returns once PostgreSQL has made the
 * transaction durable (synchronous_commit, on by default), so an upload acknowledged
 * with 201 survives a crash of this server or of the database machine.
 */
export class PostgresStore implements IncidentStore {
  private readonly storedViewMinBytes: number;

  private constructor(
    readonly pool: pg.Pool,
    readonly url: string,
    options: PostgresStoreOptions,
  ) {
    this.storedViewMinBytes = options.storedViewMinBytes ?? STORED_VIEW_MIN_BYTES;
  }

  /** Connect and apply the migrations of `migrationsDir` (migrations/postgres). */
  static async open(url: string, migrationsDir: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: TYPES,
      application_name: 'hangscope',
      // A database that does not answer: the request fails (503) instead of waiting for good.
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that breaks (the database restarted) is dropped from the pool;
    // without a listener the error would end the process.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, url, options);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, migrationsDir);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  private async q<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: Param[] = [],
    on: Queryable = this.pool,
  ): Promise<R[]> {
    return (await on.query<R>(sql, params)).rows;
  }

  private async one<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: Param[] = [],
    on: Queryable = this.pool,
  ): Promise<R | undefined> {
    return (await on.query<R>(sql, params)).rows[0];
  }

  /** Run `fn` in a transaction on one connection; rolled back when it throws. */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async ping(): Promise<boolean> {
    return (await this.one<{ ok: number }>('SELECT 1 AS ok'))?.ok === 1;
  }

  async create(incident: NewIncident): Promise<CreateResult> {
    const a = incident.analysis;
    const result = await this.tx(async (c): Promise<CreateResult> => {
      // Two servers storing the same bytes at once: the second waits for the first's
      // commit, then inserts nothing.
      const inserted = await this.one<{ seq: number }>(
        `INSERT INTO incidents (id, sha256, created_at, updated_at, size, line_count, user_title, host,
           kind, analysis_title, fingerprint, kernel, analyzer_version, fingerprint_version, group_key)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $10)
         ON CONFLICT (sha256) DO NOTHING RETURNING seq`,
        [
          incident.id,
          incident.sha256,
          incident.createdAt,
          incident.raw.size,
          a.lineCount,
          incident.userTitle,
          incident.host,
          a.kind,
          a.title,
          a.fingerprint,
          a.kernel,
          a.analyzerVersion,
          a.fingerprintVersion,
        ],
        c,
      );
      if (!inserted) return { created: false, id: '' };
      await c.query('INSERT INTO incident_raw (incident_id, encoding, data) VALUES ($1, $2, $3)', [
        incident.id,
        incident.raw.encoding,
        incident.raw.data,
      ]);
      await c.query(
        `INSERT INTO incident_analysis (incident_id, analyzer_version, analyzed_at, document, encoding, form, crc32, length)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          incident.id,
          a.analyzerVersion,
          incident.createdAt,
          a.document.data,
          a.document.encoding,
          a.document.form ?? 'full',
          a.document.crc32,
          a.document.length,
        ],
      );
      await this.writeTags(c, incident.id, incident.tags);
      await this.writeFrames(c, incident.id, a.signature);
      await this.writeSearch(c, inserted.seq, {
        user_title: incident.userTitle ?? '',
        titles: a.search.titles,
        verdict: a.search.verdict,
        frames: a.search.frames,
        comms: a.search.comms,
        annotations: '',
      });
      const analysisTag = storedAnalysisTag(incident.createdAt, a.document);
      if (a.view && this.keepsViews(a.document.length)) {
        await this.writeView(c, incident.id, {
          tag: analysisTag,
          version: a.view.version,
          doc: a.view.doc,
          groups: a.view.groupsDoc,
        });
      }
      return { created: true, id: incident.id, analysisTag };
    });
    if (result.created) return result;
    return { created: false, id: (await this.findIdBySha256(incident.sha256)) ?? incident.id };
  }

  async findIdBySha256(sha256: string): Promise<string | null> {
    return (await this.one<{ id: string }>('SELECT id FROM incidents WHERE sha256 = $1', [sha256]))?.id ?? null;
  }

  private row(id: string, on: Queryable = this.pool): Promise<IncidentRow | undefined> {
    return this.one<IncidentRow>(`${SELECT_INCIDENT} WHERE i.id = $1`, [id], on);
  }

  private analysisRow(id: string) {
    return this.one<{
      encoding: 'identity' | 'deflate-raw-sync';
      form: DocumentForm;
      document: Buffer;
      crc32: number | null;
      length: number | null;
      analyzed_at: string;
    }>('SELECT encoding, form, document, crc32, length, analyzed_at FROM incident_analysis WHERE incident_id = $1', [
      id,
    ]);
  }

  async get(id: string): Promise<IncidentDetail | null> {
    const [r, doc] = await Promise.all([this.row(id), this.analysisRow(id)]);
    if (!r) return null;
    let json: string | null = doc ? null : 'null';
    const detail = toDetailFields(r) as IncidentDetail;
    Object.defineProperty(detail, 'analysisJson', {
      enumerable: true,
      get: () =>
        (json ??=
          doc!.encoding === 'identity'
            ? fullJsonText(doc!.form, doc!.document)
            : fullJsonText(doc!.form, inflateDocumentSync(doc!.document))),
    });
    return detail;
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | null> {
    const doc = await this.analysisRow(id);
    if (!doc) return null;
    const json = doc.encoding === 'identity' ? doc.document : await inflateDocument(doc.document);
    return { form: doc.form, json };
  }

  async getStored(id: string): Promise<StoredIncidentDetail | null> {
    const r = await this.one<
      IncidentRow & {
        a_encoding: 'identity' | 'deflate-raw-sync' | null;
        a_form: DocumentForm | null;
        a_document: Buffer | null;
        a_crc32: number | null;
        a_length: number | null;
        a_analyzed_at: string | null;
      }
    >(
      `SELECT i.*, ${TAGS}, a.encoding AS a_encoding, a.form AS a_form, a.document AS a_document, a.crc32 AS a_crc32,
         a.length AS a_length, a.analyzed_at AS a_analyzed_at
       FROM incidents i LEFT JOIN incident_analysis a ON a.incident_id = i.id WHERE i.id = $1`,
      [id],
    );
    if (!r) return null;
    if (r.a_encoding === null || r.a_document === null)
      return { ...toDetailFields(r), analysis: { encoding: 'identity', json: 'null' }, analysisTag: '' };
    if (r.a_encoding === 'identity') {
      const json = r.a_document.toString('utf8');
      return {
        ...toDetailFields(r),
        analysis: { encoding: 'identity', json },
        analysisTag: `${r.a_analyzed_at}|${json.length}`,
      };
    }
    return {
      ...toDetailFields(r),
      analysis: {
        encoding: r.a_encoding,
        form: r.a_form ?? 'full',
        data: r.a_document,
        crc32: r.a_crc32 ?? 0,
        length: r.a_length ?? 0,
      },
      analysisTag: storedAnalysisTag(r.a_analyzed_at ?? '', { crc32: r.a_crc32, length: r.a_length }),
    };
  }

  async getStoredHead(id: string): Promise<StoredIncidentHead | null> {
    const r = await this.one<IncidentRow & AnalysisHeadColumns>(
      `SELECT i.*, ${TAGS}, a.encoding AS a_encoding, a.crc32 AS a_crc32, a.length AS a_length,
         a.analyzed_at AS a_analyzed_at
       FROM incidents i LEFT JOIN incident_analysis a ON a.incident_id = i.id WHERE i.id = $1`,
      [id],
    );
    return r ? { ...toDetailFields(r), analysisTag: headTag(r) } : null;
  }

  async getRaw(id: string): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null> {
    return (
      (await this.one<{ encoding: 'gzip' | 'identity'; data: Buffer }>(
        'SELECT encoding, data FROM incident_raw WHERE incident_id = $1',
        [id],
      )) ?? null
    );
  }

  /** The SQL and parameters of a list page; null: a search that can match nothing. */
  private listQuery(
    filter: ListFilter,
    cursor: string | null,
    limit: number,
    columns: string,
  ): { sql: string; params: Param[] } | null {
    const where: string[] = [];
    const params: Param[] = [];
    const p = (v: Param) => {
      params.push(v);
      return `$${params.length}`;
    };
    const eq = (column: string, key: keyof ListFilter) => {
      const value = filter[key];
      if (value !== undefined) where.push(`i.${column} = ${p(value)}`);
    };
    eq('kind', 'kind');
    eq('fingerprint', 'fingerprint');
    eq('kernel', 'kernel');
    eq('host', 'host');
    eq('status', 'status');
    if (filter.tag !== undefined)
      where.push(`EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = i.id AND t.tag = ${p(filter.tag)})`);
    if (filter.from !== undefined) where.push(`i.created_at >= ${p(filter.from)}`);
    if (filter.to !== undefined) where.push(`i.created_at <= ${p(filter.to)}`);
    if (cursor !== null) where.push(`i.seq < ${p(decodeCursor(cursor))}`);
    let from = 'incidents i';
    if (filter.match !== undefined) {
      const terms = parseFtsQuery(filter.match);
      const query = candidateQuery(terms);
      if (query === null) return null;
      from = 'incident_search s JOIN incidents i ON i.seq = s.seq';
      where.unshift(`s.tokens @@ ${p(query)}::tsquery`);
      // A phrase stands in one field: the fields joined by a separator no token holds.
      for (const pattern of phrasePatterns(terms)) {
        where.push(
          `strpos(' ' || s.user_title || ' | ' || s.titles || ' | ' || s.verdict || ' | ' || s.frames || ' | ' || s.comms || ' | ' || s.annotations || ' ', ${p(pattern)}) > 0`,
        );
      }
    }
    return {
      sql: `SELECT ${columns} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.seq DESC LIMIT ${p(limit + 1)}`,
      params,
    };
  }

  async list(filter: ListFilter, cursor: string | null, limit: number): Promise<ListPage> {
    const query = this.listQuery(filter, cursor, limit, `i.*, ${TAGS}`);
    if (!query) return { items: [], nextCursor: null };
    const rows = await this.q<IncidentRow>(query.sql, query.params);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map(toSummary), nextCursor: more ? encodeCursor(page[page.length - 1].seq) : null };
  }

  /**
   * List pages by query, valid while no transaction has written anywhere in the
   * database since they were read — by this server or any other. The stamp is
   * PostgreSQL's current snapshot (xmin:xmax:in-progress xids): a write transaction that
   * starts moves xmax, one that commits leaves the in-progress list, so an unchanged
   * snapshot means no write since. A page is read after its stamp was taken, so it is
   * never older than the stamp it is kept under. Repeated searches and list pages then
   * cost one trivial query, as the SQLite store's cache does.
   */
  private readonly listCache = new Map<string, string>();
  private listCacheStamp = '';

  async listJson(filter: ListFilter, cursor: string | null, limit: number): Promise<string> {
    const query = this.listQuery(filter, cursor, limit, `i.seq AS seq, ${SUMMARY_JSON} AS json`);
    if (!query) return '{"items":[],"nextCursor":null}';
    const stamp = (await this.one<{ s: string }>('SELECT pg_current_snapshot()::text AS s'))!.s;
    if (stamp !== this.listCacheStamp || this.listCache.size >= LIST_CACHE_ENTRIES) {
      this.listCache.clear();
      this.listCacheStamp = stamp;
    }
    const key = `${query.sql}\u0000${JSON.stringify(query.params)}`;
    const cached = this.listCache.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.q<{ seq: number; json: string }>(query.sql, query.params);
    const more = rows.length > limit;
    const n = more ? limit : rows.length;
    let items = '';
    for (let k = 0; k < n; k++) items += k === 0 ? rows[k].json : `,${rows[k].json}`;
    const body = `{"items":[${items}],"nextCursor":${more ? JSON.stringify(encodeCursor(rows[n - 1].seq)) : 'null'}}`;
    // Kept only if no other call moved the cache to a newer stamp meanwhile.
    if (this.listCacheStamp === stamp) this.listCache.set(key, body);
    return body;
  }

  async count(): Promise<number> {
    return (await this.one<{ n: number }>('SELECT count(*) AS n FROM incidents'))!.n;
  }

  private async writeTags(c: pg.PoolClient, id: string, tags: string[]): Promise<void> {
    await c.query('DELETE FROM incident_tags WHERE incident_id = $1', [id]);
    if (tags.length)
      await c.query(
        'INSERT INTO incident_tags (incident_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
        [id, tags],
      );
  }

  /** The incident's culprit and victim frames (see migrations/0009), replacing any before. */
  private async writeFrames(c: pg.PoolClient, id: string, sig: AnalysisRecord['signature'] | undefined): Promise<void> {
    await c.query('DELETE FROM incident_frames WHERE incident_id = $1', [id]);
    if (!sig) return;
    await c.query(
      `INSERT INTO incident_frames (incident_id, role, frame)
       SELECT $1, 'culprit', unnest($2::text[]) UNION ALL SELECT $1, 'victim', unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [id, sig.culprit, sig.victims],
    );
  }

  /** Write the search row of incident `seq`: the given fields as text (raw, tokenized
   *  here), the others as they are. */
  async writeSearch(c: pg.PoolClient, seq: number, raw: Partial<SearchFields>, tokenized = false): Promise<void> {
    const current = await this.one<SearchFields>(
      `SELECT ${SEARCH_FIELDS.join(', ')} FROM incident_search WHERE seq = $1 FOR UPDATE`,
      [seq],
      c,
    );
    const fields = {
      ...(current ?? { user_title: '', titles: '', verdict: '', frames: '', comms: '', annotations: '' }),
    };
    for (const k of SEARCH_FIELDS) {
      const v = raw[k];
      if (v !== undefined) fields[k] = tokenized ? v : searchField(v);
    }
    const values = SEARCH_FIELDS.map((k) => fields[k]);
    await c.query(
      `INSERT INTO incident_search (seq, ${SEARCH_FIELDS.join(', ')}, tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, array_to_tsvector($8::text[]))
       ON CONFLICT (seq) DO UPDATE SET ${SEARCH_FIELDS.map((k) => `${k} = excluded.${k}`).join(', ')}, tokens = excluded.tokens`,
      [seq, ...values, distinctTokens(values)],
    );
  }

  async update(id: string, patch: IncidentPatch): Promise<IncidentDetail | null> {
    const ok = await this.tx(async (c): Promise<boolean> => {
      const regroup = patch.duplicateOf !== undefined || patch.groupSplit !== undefined;
      if (regroup) await c.query('SELECT pg_advisory_xact_lock($1)', [GROUP_LOCK]);
      const r = await this.one<{ seq: number }>('SELECT seq FROM incidents WHERE id = $1 FOR UPDATE', [id], c);
      if (!r) return false;
      const sets: string[] = [];
      const params: Param[] = [id, new Date().toISOString()];
      const set = (column: string, v: Param) => {
        params.push(v);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.status !== undefined) set('status', patch.status);
      if (patch.duplicateOf !== undefined) set('duplicate_of', patch.duplicateOf);
      if (patch.groupSplit !== undefined) set('group_split', patch.groupSplit);
      if (patch.userTitle !== undefined) {
        set('user_title', patch.userTitle);
        await this.writeSearch(c, r.seq, { user_title: patch.userTitle ?? '' });
      }
      if (patch.host !== undefined) set('host', patch.host);
      if (patch.pinned !== undefined) set('pinned', patch.pinned ? 1 : 0);
      if (patch.tags !== undefined) await this.writeTags(c, id, patch.tags);
      await c.query(`UPDATE incidents SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, params);
      if (regroup) await this.refreshGroupKeys(c, id);
      return true;
    });
    return ok ? this.get(id) : null;
  }

  async replaceAnalysis(id: string, a: AnalysisRecord, analyzedAt: string): Promise<string | null> {
    return this.tx(async (c): Promise<string | null> => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [GROUP_LOCK]);
      const r = await this.one<{ seq: number }>('SELECT seq FROM incidents WHERE id = $1 FOR UPDATE', [id], c);
      if (!r) return null;
      return this.writeAnalysis(c, id, r.seq, a, analyzedAt);
    });
  }

  async listCaptures(id: string): Promise<CaptureInfo[] | null> {
    const first = await this.one<{ created_at: string; size: number | string; sha256: string }>(
      'SELECT created_at, size, sha256 FROM incidents WHERE id = $1',
      [id],
    );
    if (!first) return null;
    const rest = await this.q<{ seq: number; created_at: string; size: number; sha256: string }>(
      'SELECT seq, created_at, size, sha256 FROM incident_captures WHERE incident_id = $1 ORDER BY seq',
      [id],
    );
    return [
      { seq: 1, createdAt: first.created_at, size: Number(first.size), sha256: first.sha256 },
      ...rest.map((r) => ({ seq: r.seq, createdAt: r.created_at, size: Number(r.size), sha256: r.sha256 })),
    ];
  }

  async getCaptureRaw(id: string, seq: number): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null> {
    if (seq === 1) return this.getRaw(id);
    return (
      (await this.one<{ encoding: 'gzip' | 'identity'; data: Buffer }>(
        'SELECT encoding, data FROM incident_captures WHERE incident_id = $1 AND seq = $2',
        [id, seq],
      )) ?? null
    );
  }

  async addCapture(
    id: string,
    expectedCount: number,
    cap: NewCapture,
    a: AnalysisRecord,
    analyzedAt: string,
  ): Promise<AddCaptureResult> {
    return this.tx(async (c): Promise<AddCaptureResult> => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [GROUP_LOCK]);
      // The incident's row lock orders two captures of one incident.
      const r = await this.one<{ seq: number }>('SELECT seq FROM incidents WHERE id = $1 FOR UPDATE', [id], c);
      if (!r) return null;
      const n = await this.one<{ n: string }>(
        'SELECT COUNT(*) AS n FROM incident_captures WHERE incident_id = $1',
        [id],
        c,
      );
      if (Number(n?.n ?? 0) + 1 !== expectedCount) return 'conflict';
      const seq = expectedCount + 1;
      await c.query(
        'INSERT INTO incident_captures (incident_id, seq, created_at, sha256, size, encoding, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, seq, cap.createdAt, cap.sha256, cap.raw.size, cap.raw.encoding, cap.raw.data],
      );
      await c.query('UPDATE incidents SET updated_at = $1 WHERE id = $2', [cap.createdAt, id]);
      const analysisTag = await this.writeAnalysis(c, id, r.seq, a, analyzedAt);
      return { seq, analysisTag };
    });
  }

  /** The analysis, its indexed fields, search text and view replaced; inside the caller's
   *  transaction, which holds the group lock and the incident's row. */
  private async writeAnalysis(
    c: pg.PoolClient,
    id: string,
    seq: number,
    a: AnalysisRecord,
    analyzedAt: string,
  ): Promise<string> {
    await c.query(
      `UPDATE incidents SET kind = $1, analysis_title = $2, fingerprint = $3, kernel = $4, analyzer_version = $5,
         line_count = $6, reanalysis_failed_version = NULL, fingerprint_version = $7 WHERE id = $8`,
      [a.kind, a.title, a.fingerprint, a.kernel, a.analyzerVersion, a.lineCount, a.fingerprintVersion, id],
    );
    await this.refreshGroupKeys(c, id);
    await this.writeFrames(c, id, a.signature);
    await c.query(
      `UPDATE incident_analysis SET analyzer_version = $1, analyzed_at = $2, document = $3, encoding = $4, form = $5, crc32 = $6, length = $7
       WHERE incident_id = $8`,
      [
        a.analyzerVersion,
        analyzedAt,
        a.document.data,
        a.document.encoding,
        a.document.form ?? 'full',
        a.document.crc32,
        a.document.length,
        id,
      ],
    );
    await this.writeSearch(c, seq, {
      titles: a.search.titles,
      verdict: a.search.verdict,
      frames: a.search.frames,
      comms: a.search.comms,
    });
    await c.query('DELETE FROM reanalysis_claims WHERE incident_id = $1', [id]);
    const analysisTag = storedAnalysisTag(analyzedAt, a.document);
    if (a.view && this.keepsViews(a.document.length)) {
      await this.writeView(c, id, {
        tag: analysisTag,
        version: a.view.version,
        doc: a.view.doc,
        groups: a.view.groupsDoc,
      });
    } else await c.query('DELETE FROM incident_views WHERE incident_id = $1', [id]);
    return analysisTag;
  }

  async markReanalysisFailed(id: string, analyzerVersion: string): Promise<void> {
    await this.pool.query('UPDATE incidents SET reanalysis_failed_version = $1 WHERE id = $2', [analyzerVersion, id]);
    await this.pool.query('DELETE FROM reanalysis_claims WHERE incident_id = $1', [id]);
  }

  async claimReanalysis(
    id: string,
    owner: string,
    leaseMs: number,
    currentVersion: string | null,
    fingerprintVersion: number,
  ): Promise<boolean> {
    // The incident row is locked for the claim's few statements, SKIP LOCKED: a server
    // claiming the same incident at the same moment gets nothing instead of waiting. A
    // claim row of another owner counts while its lease runs (a server that died while
    // re-analysing leaves one behind, which runs out).
    const r = await this.one<{ incident_id: string }>(
      `WITH candidate AS (
         SELECT i.id FROM incidents i
         WHERE i.id = $1
           AND ($3::text IS NULL OR ((i.analyzer_version != $3 OR i.fingerprint = 'analysis-failed' OR ($4 > 0 AND i.fingerprint_version != $4))
                AND i.reanalysis_failed_version IS DISTINCT FROM $3))
         FOR UPDATE SKIP LOCKED
       )
       INSERT INTO reanalysis_claims (incident_id, owner, expires_at)
       SELECT id, $2, clock_timestamp() + $5 * interval '1 millisecond' FROM candidate
       ON CONFLICT (incident_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE reanalysis_claims.expires_at < clock_timestamp() OR reanalysis_claims.owner = excluded.owner
       RETURNING incident_id`,
      [id, owner, currentVersion, fingerprintVersion, leaseMs],
    );
    return r !== undefined;
  }

  /** See SharedCounters: rows of UNLOGGED tables (migrations/postgres/0009), times by the
   *  database's clock, the same for every server whatever their own clocks say. */
  readonly shared: SharedCounters = {
    hit: async (key, windowMs) => {
      const r = (await this.one<{ count: number; ttl: number }>(
        `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
         INSERT INTO rate_limit_counters AS c (key, count, expires_at) SELECT $1, 1, ms + $2 FROM now
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN c.expires_at <= (SELECT ms FROM now) THEN 1 ELSE c.count + 1 END,
           expires_at = CASE WHEN c.expires_at <= (SELECT ms FROM now) THEN (SELECT ms FROM now) + $2 ELSE c.expires_at END
         RETURNING count, expires_at - (SELECT ms FROM now) AS ttl`,
        [key, windowMs],
      ))!;
      // Windows that ran out are deleted now and then, so the table holds the live ones.
      if (Math.random() < 0.001) {
        await this.pool.query(
          'DELETE FROM rate_limit_counters WHERE expires_at < (extract(epoch FROM clock_timestamp()) * 1000)::bigint',
        );
      }
      return { count: r.count, ttlMs: Math.max(0, r.ttl) };
    },
    quotaUsed: async (day, client) =>
      (
        await this.one<{ bytes: number }>('SELECT bytes FROM daily_quota_bytes WHERE day = $1 AND client = $2', [
          day,
          client,
        ])
      )?.bytes ?? 0,
    quotaAdd: async (day, client, bytes) => {
      await this.pool.query(
        `INSERT INTO daily_quota_bytes AS q (day, client, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (day, client) DO UPDATE SET bytes = q.bytes + excluded.bytes`,
        [day, client, bytes],
      );
      if (Math.random() < 0.01) await this.pool.query('DELETE FROM daily_quota_bytes WHERE day < $1', [day]);
    },
  };

  async getView(id: string, tag: string, version: number): Promise<StoredView | null> {
    const r = await this.one<{
      document: Buffer;
      crc32: number;
      length: number;
      groups: Buffer;
      groups_crc32: number;
      groups_length: number;
    }>(
      `SELECT document, crc32, length, groups, groups_crc32, groups_length FROM incident_views
       WHERE incident_id = $1 AND analysis_tag = $2 AND view_version = $3`,
      [id, tag, version],
    );
    if (!r) return null;
    return {
      tag,
      version,
      doc: { encoding: 'deflate-raw-sync', data: r.document, crc32: r.crc32, length: r.length },
      groups: { encoding: 'deflate-raw-sync', data: r.groups, crc32: r.groups_crc32, length: r.groups_length },
    };
  }

  keepsViews(analysisLength: number): boolean {
    return analysisLength >= this.storedViewMinBytes;
  }

  async putView(id: string, view: StoredView): Promise<void> {
    await this.tx(async (c) => {
      // Only for the analysis stored now (see SqliteStore.putView); the row lock keeps a
      // re-analysis from replacing it between the check and the write.
      const doc = await this.one<{
        analyzed_at: string;
        crc32: number | null;
        length: number | null;
        encoding: string;
      }>(
        'SELECT analyzed_at, crc32, length, encoding FROM incident_analysis WHERE incident_id = $1 FOR SHARE',
        [id],
        c,
      );
      if (!doc || doc.encoding === 'identity' || storedAnalysisTag(doc.analyzed_at, doc) !== view.tag) return;
      if (!this.keepsViews(doc.length ?? 0)) return;
      await this.writeView(c, id, view);
    });
  }

  private async writeView(c: pg.PoolClient, id: string, v: StoredView): Promise<void> {
    await c.query(
      `INSERT INTO incident_views (incident_id, analysis_tag, view_version, document, crc32, length, groups, groups_crc32, groups_length)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (incident_id) DO UPDATE SET analysis_tag = excluded.analysis_tag, view_version = excluded.view_version,
         document = excluded.document, crc32 = excluded.crc32, length = excluded.length, groups = excluded.groups,
         groups_crc32 = excluded.groups_crc32, groups_length = excluded.groups_length`,
      [id, v.tag, v.version, v.doc.data, v.doc.crc32, v.doc.length, v.groups.data, v.groups.crc32, v.groups.length],
    );
  }

  async idsToReanalyze(currentVersion: string | null, fingerprintVersion = 0): Promise<string[]> {
    const rows =
      currentVersion === null
        ? await this.q<{ id: string }>('SELECT id FROM incidents ORDER BY seq')
        : await this.q<{ id: string }>(
            `SELECT id FROM incidents
             WHERE (analyzer_version != $1 OR fingerprint = 'analysis-failed' OR ($2 > 0 AND fingerprint_version != $2))
               AND reanalysis_failed_version IS DISTINCT FROM $1
             ORDER BY fingerprint = 'analysis-failed', seq`,
            [currentVersion, fingerprintVersion],
          );
    return rows.map((r) => r.id);
  }

  /** See SqliteStore.refreshGroupKeys; inside the caller's transaction, under GROUP_LOCK. */
  private async refreshGroupKeys(c: pg.PoolClient, id: string): Promise<void> {
    type KeyRow = { id: string; fingerprint: string; duplicate_of: string | null; group_split: boolean };
    const keyOf = (x: string) =>
      this.one<KeyRow>('SELECT id, fingerprint, duplicate_of, group_split FROM incidents WHERE id = $1', [x], c);
    const effectiveKey = async (start: string): Promise<string> => {
      const seen = new Set<string>();
      let r = await keyOf(start);
      const own = r?.fingerprint ?? '';
      while (r) {
        if (r.group_split) return `split:${r.id}`;
        if (!r.duplicate_of) return r.fingerprint;
        seen.add(r.id);
        if (seen.has(r.duplicate_of)) return own;
        r = await keyOf(r.duplicate_of);
      }
      return own;
    };
    const queue = [id];
    const done = new Set<string>();
    while (queue.length) {
      const cur = queue.shift()!;
      if (done.has(cur)) continue;
      done.add(cur);
      const key = await effectiveKey(cur);
      await c.query('UPDATE incidents SET group_key = $1 WHERE id = $2 AND group_key IS DISTINCT FROM $1', [key, cur]);
      for (const d of await this.q<{ id: string }>('SELECT id FROM incidents WHERE duplicate_of = $1', [cur], c))
        queue.push(d.id);
    }
  }

  async groups(limit: number): Promise<IncidentGroup[]> {
    const rows = await this.q<{
      fingerprint: string;
      count: number;
      firstSeen: string;
      lastSeen: string;
      latestSeq: number;
      kernels: (string | null)[];
      hosts: (string | null)[];
      status: IncidentStatus;
    }>(
      `SELECT i.group_key AS fingerprint, count(*) AS count, min(i.created_at) AS "firstSeen", max(i.created_at) AS "lastSeen",
         max(i.seq) AS "latestSeq", array_agg(DISTINCT i.kernel) AS kernels, array_agg(DISTINCT i.host) AS hosts, ${GROUP_STATUS} AS status
       FROM incidents i GROUP BY i.group_key ORDER BY "latestSeq" DESC LIMIT $1`,
      [limit],
    );
    if (!rows.length) return [];
    const latest = new Map(
      (
        await this.q<{ seq: number; id: string; kind: string; title: string }>(
          'SELECT seq, id, kind, coalesce(user_title, analysis_title) AS title FROM incidents WHERE seq = ANY($1::bigint[])',
          [rows.map((r) => String(r.latestSeq))],
        )
      ).map((l) => [l.seq, l]),
    );
    return rows.map((r) => toGroup(r.fingerprint, r, latest.get(r.latestSeq)!));
  }

  async group(key: string, limit: number): Promise<IncidentGroupDetail | null> {
    const g = await this.one<{
      count: number;
      firstSeen: string;
      lastSeen: string;
      latestSeq: number | null;
      kernels: (string | null)[];
      hosts: (string | null)[];
      status: IncidentStatus;
    }>(
      `SELECT count(*) AS count, min(i.created_at) AS "firstSeen", max(i.created_at) AS "lastSeen", max(i.seq) AS "latestSeq",
         array_agg(DISTINCT i.kernel) AS kernels, array_agg(DISTINCT i.host) AS hosts, ${GROUP_STATUS} AS status
       FROM incidents i WHERE i.group_key = $1`,
      [key],
    );
    if (!g || g.count === 0 || g.latestSeq === null) return null;
    const rows = await this.q<IncidentRow>(`${SELECT_INCIDENT} WHERE i.group_key = $1 ORDER BY i.seq DESC LIMIT $2`, [
      key,
      limit,
    ]);
    const latest = (await this.one<IncidentRow>(`${SELECT_INCIDENT} WHERE i.seq = $1`, [g.latestSeq]))!;
    return {
      ...toGroup(key, g, toSummary(latest)),
      mitigation: await this.groupMitigation(key, null),
      incidents: rows.map(toSummary),
    };
  }

  async repeatInfo(id: string): Promise<RepeatInfo | null> {
    const r = await this.one<{ seq: number; group_key: string }>('SELECT seq, group_key FROM incidents WHERE id = $1', [
      id,
    ]);
    if (!r) return null;
    const before = (await this.one<{ n: number; lastSeq: number | null; status: IncidentStatus | null }>(
      `SELECT count(*) AS n, max(i.seq) AS "lastSeq", ${GROUP_STATUS} AS status FROM incidents i WHERE i.group_key = $1 AND i.seq < $2`,
      [r.group_key, r.seq],
    ))!;
    const last =
      before.lastSeq === null
        ? undefined
        : await this.one<IncidentRow>(`${SELECT_INCIDENT} WHERE i.seq = $1`, [before.lastSeq]);
    return {
      group: r.group_key,
      before: before.n,
      last: last ? toSummary(last) : null,
      status: before.n ? (before.status ?? 'open') : 'open',
      mitigation: before.n ? await this.groupMitigation(r.group_key, r.seq) : null,
    };
  }

  private async groupMitigation(key: string, beforeSeq: number | null): Promise<GroupMitigation | null> {
    const m = await this.one<GroupMitigation>(
      `SELECT m.incident_id AS "incidentId", m.body, m.author, m.created_at AS "updatedAt" FROM mitigation_revisions m
         JOIN incidents i ON i.id = m.incident_id
       WHERE i.group_key = $1 AND ($2::bigint IS NULL OR i.seq < $2::bigint)
         AND m.seq = (SELECT max(seq) FROM mitigation_revisions x WHERE x.incident_id = m.incident_id)
         AND m.body != ''
       ORDER BY m.seq DESC LIMIT 1`,
      [key, beforeSeq],
    );
    return m ?? null;
  }

  async similar(id: string, limit: number): Promise<SimilarIncident[]> {
    const r = (await this.row(id)) as (IncidentRow & { group_key: string }) | undefined;
    if (!r || r.kind === 'unknown') return [];
    const out = new Map<string, SimilarIncident>();
    const same = await this.q<IncidentRow>(
      `${SELECT_INCIDENT} WHERE i.group_key = $1 AND i.id != $2 ORDER BY i.seq DESC LIMIT $3`,
      [r.group_key, id, limit],
    );
    for (const s of same)
      out.set(s.id, {
        ...toSummary(s),
        score: 1,
        reason: s.fingerprint === r.fingerprint ? 'same fingerprint' : 'grouped with it by hand',
      });
    const mine = await this.signatureOf(id);
    const frames = [...new Set([...mine.culprit, ...mine.victims])];
    if (out.size < limit && frames.length) {
      const candidates = await this.q<{ id: string }>(
        `SELECT incident_id AS id FROM incident_frames WHERE frame = ANY($1::text[]) AND incident_id != $2
         GROUP BY incident_id ORDER BY count(*) DESC, incident_id LIMIT $3`,
        [frames, id, SIMILAR_CANDIDATES],
      );
      const scored: { id: string; score: number; reason: string }[] = [];
      for (const c of candidates) {
        if (out.has(c.id)) continue;
        const s = { id: c.id, ...similarity(mine, await this.signatureOf(c.id)) };
        if (s.score >= SIMILAR_MIN_SCORE) scored.push(s);
      }
      scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      for (const c of scored) {
        if (out.size >= limit) break;
        const row = await this.row(c.id);
        if (row) out.set(c.id, { ...toSummary(row), score: c.score, reason: c.reason });
      }
    }
    if (out.size < limit) {
      const titled = await this.q<IncidentRow>(
        `${SELECT_INCIDENT} WHERE i.id != $1 AND i.kind = $2 AND i.analysis_title = $3 ORDER BY i.seq DESC LIMIT $4`,
        [id, r.kind, r.analysis_title, limit],
      );
      for (const t of titled) {
        if (out.size >= limit) break;
        if (!out.has(t.id))
          out.set(t.id, { ...toSummary(t), ...similarity(mine, await this.signatureOf(t.id)), reason: 'same title' });
      }
    }
    return [...out.values()];
  }

  private async signatureOf(id: string): Promise<FrameSignature> {
    const rows = await this.q<{ role: 'culprit' | 'victim'; frame: string }>(
      'SELECT role, frame FROM incident_frames WHERE incident_id = $1 ORDER BY frame',
      [id],
    );
    return {
      culprit: rows.filter((x) => x.role === 'culprit').map((x) => x.frame),
      victims: rows.filter((x) => x.role === 'victim').map((x) => x.frame),
    };
  }

  private async refreshAnnotationIndex(c: pg.PoolClient, incidentId: string): Promise<void> {
    const r = await this.one<{ seq: number }>('SELECT seq FROM incidents WHERE id = $1', [incidentId], c);
    if (!r) return;
    const bodies = await this.q<{ body: string }>(
      'SELECT body FROM annotations WHERE incident_id = $1 ORDER BY created_at',
      [incidentId],
      c,
    );
    await this.writeSearch(c, r.seq, { annotations: bodies.map((b) => b.body).join('\n') });
  }

  async listAnnotations(incidentId: string): Promise<Annotation[]> {
    return (
      await this.q<AnnotationRow>('SELECT * FROM annotations WHERE incident_id = $1 ORDER BY created_at, id', [
        incidentId,
      ])
    ).map(toAnnotation);
  }

  async getAnnotation(incidentId: string, annotationId: string): Promise<Annotation | null> {
    const row = await this.one<AnnotationRow>('SELECT * FROM annotations WHERE incident_id = $1 AND id = $2', [
      incidentId,
      annotationId,
    ]);
    return row ? toAnnotation(row) : null;
  }

  async addAnnotation(a: Annotation): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO annotations (id, incident_id, target, line_from, line_to, body, author, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          a.id,
          a.incidentId,
          a.target,
          a.lines?.[0] ?? null,
          a.lines?.[1] ?? null,
          a.body,
          a.author,
          a.createdAt,
          a.updatedAt,
        ],
      );
      await this.refreshAnnotationIndex(c, a.incidentId);
    });
  }

  async updateAnnotation(
    incidentId: string,
    annotationId: string,
    patch: AnnotationPatch,
    updatedAt: string,
  ): Promise<Annotation | null> {
    return this.tx(async (c): Promise<Annotation | null> => {
      const current = await this.one<AnnotationRow>(
        'SELECT * FROM annotations WHERE incident_id = $1 AND id = $2 FOR UPDATE',
        [incidentId, annotationId],
        c,
      );
      if (!current) return null;
      const next = { ...toAnnotation(current), ...patch, updatedAt };
      await c.query(
        'UPDATE annotations SET target = $1, line_from = $2, line_to = $3, body = $4, author = $5, updated_at = $6 WHERE id = $7',
        [
          next.target,
          next.lines?.[0] ?? null,
          next.lines?.[1] ?? null,
          next.body,
          next.author,
          updatedAt,
          annotationId,
        ],
      );
      await this.refreshAnnotationIndex(c, incidentId);
      return next;
    });
  }

  async deleteAnnotation(incidentId: string, annotationId: string): Promise<boolean> {
    return this.tx(async (c) => {
      const { rowCount } = await c.query('DELETE FROM annotations WHERE incident_id = $1 AND id = $2', [
        incidentId,
        annotationId,
      ]);
      await this.refreshAnnotationIndex(c, incidentId);
      return (rowCount ?? 0) > 0;
    });
  }

  async mitigationHistory(incidentId: string): Promise<MitigationRevision[]> {
    return this.q<MitigationRevision>(
      'SELECT body, author, created_at AS "createdAt" FROM mitigation_revisions WHERE incident_id = $1 ORDER BY seq DESC',
      [incidentId],
    );
  }

  async addMitigation(incidentId: string, revision: MitigationRevision): Promise<void> {
    await this.pool.query(
      'INSERT INTO mitigation_revisions (incident_id, body, author, created_at) VALUES ($1, $2, $3, $4)',
      [incidentId, revision.body, revision.author, revision.createdAt],
    );
  }

  /** Inside the caller's transaction (under GROUP_LOCK): the incident and every row of
   *  it (all cascade from incidents, the search row through its seq). */
  private async deleteOne(c: pg.PoolClient, id: string): Promise<boolean> {
    const dependents = await this.q<{ id: string }>('SELECT id FROM incidents WHERE duplicate_of = $1', [id], c);
    const { rowCount } = await c.query('DELETE FROM incidents WHERE id = $1', [id]);
    if (!rowCount) return false;
    // Its duplicates lost their original (duplicate_of became NULL): their own group again.
    for (const d of dependents) await this.refreshGroupKeys(c, d.id);
    return true;
  }

  async deleteIncident(id: string): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [GROUP_LOCK]);
      return this.deleteOne(c, id);
    });
  }

  async deleteUnpinnedBefore(cutoff: string): Promise<string[]> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [GROUP_LOCK]);
      const ids = (
        await this.q<{ id: string }>(
          'SELECT id FROM incidents WHERE created_at < $1 AND pinned = 0 ORDER BY seq',
          [cutoff],
          c,
        )
      ).map((r) => r.id);
      const deleted: string[] = [];
      for (const id of ids) if (await this.deleteOne(c, id)) deleted.push(id);
      return deleted;
    });
  }

  async isPinned(id: string): Promise<boolean | null> {
    const r = await this.one<{ pinned: number }>('SELECT pinned FROM incidents WHERE id = $1', [id]);
    return r ? r.pinned === 1 : null;
  }

  async addAudit(incidentId: string, e: AuditEntry): Promise<void> {
    await this.pool.query(
      'INSERT INTO incident_audit (incident_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)',
      [incidentId, e.at, e.actor, e.action, JSON.stringify(e.detail)],
    );
  }

  async listAudit(incidentId: string): Promise<AuditEntry[]> {
    const rows = await this.q<Omit<AuditEntry, 'detail'> & { detail: string }>(
      'SELECT at, actor, action, detail FROM incident_audit WHERE incident_id = $1 ORDER BY seq',
      [incidentId],
    );
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async createToken(t: ApiToken, secretSha256: string): Promise<void> {
    try {
      await this.pool.query(
        'INSERT INTO api_tokens (id, name, role, token_sha256, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [t.id, t.name, t.role, secretSha256, t.createdAt, t.revokedAt],
      );
    } catch (err) {
      // 23505: unique_violation (the name; ids and secrets are random).
      if ((err as { code?: string }).code === '23505')
        throw new HttpError(409, 'name_taken', `a token named ${JSON.stringify(t.name)} exists already`);
      throw err;
    }
  }

  async listTokens(): Promise<ApiToken[]> {
    return this.q<ApiToken>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`);
  }

  async revokeToken(idOrName: string, at: string): Promise<ApiToken | null> {
    return this.tx(async (c): Promise<ApiToken | null> => {
      const t = await this.one<ApiToken>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE (id = $1 OR name = $1) AND revoked_at IS NULL FOR UPDATE`,
        [idOrName],
        c,
      );
      if (!t) return null;
      await c.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2', [at, t.id]);
      await c.query('DELETE FROM web_sessions WHERE token_id = $1', [t.id]);
      return { ...t, revokedAt: at };
    });
  }

  async tokenBySecret(secretSha256: string): Promise<ApiToken | null> {
    return (
      (await this.one<ApiToken>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL`,
        [secretSha256],
      )) ?? null
    );
  }

  async createSession(sessionSha256: string, tokenId: string, createdAt: string, expiresAt: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM web_sessions WHERE expires_at <= $1', [createdAt]);
      await c.query(
        'INSERT INTO web_sessions (session_sha256, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [sessionSha256, tokenId, createdAt, expiresAt],
      );
    });
  }

  async sessionToken(sessionSha256: string, now: string): Promise<ApiToken | null> {
    const t = await this.one<ApiToken>(
      `SELECT t.id, t.name, t.role, t.created_at AS "createdAt", t.revoked_at AS "revokedAt" FROM web_sessions s
         JOIN api_tokens t ON t.id = s.token_id
       WHERE s.session_sha256 = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL`,
      [sessionSha256, now],
    );
    return t ?? null;
  }

  async deleteSession(sessionSha256: string): Promise<void> {
    await this.pool.query('DELETE FROM web_sessions WHERE session_sha256 = $1', [sessionSha256]);
  }

  async createShare(s: IncidentShare): Promise<void> {
    await this.pool.query(
      'INSERT INTO incident_shares (id, incident_id, created_at, created_by, kaslr) VALUES ($1, $2, $3, $4, $5)',
      [s.id, s.incidentId, s.createdAt, s.createdBy, s.kaslr ? 1 : 0],
    );
  }

  async getShare(id: string): Promise<IncidentShare | null> {
    const r = await this.one<{
      id: string;
      incident_id: string;
      created_at: string;
      created_by: string | null;
      kaslr: number;
    }>('SELECT id, incident_id, created_at, created_by, kaslr FROM incident_shares WHERE id = $1', [id]);
    return r
      ? { id: r.id, incidentId: r.incident_id, createdAt: r.created_at, createdBy: r.created_by, kaslr: r.kaslr === 1 }
      : null;
  }

  async getMeta(key: string): Promise<string | null> {
    return (await this.one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  /** pg_dump's custom format of the whole database (restore with pg_restore): a
   *  consistent snapshot taken while the servers keep writing. */
  async backup(destination: string): Promise<void> {
    mkdirSync(dirname(destination), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      // The password goes in pg_dump's environment, not its command line (which other
      // users of the host can read in the process list).
      const url = new URL(this.url);
      const password = decodeURIComponent(url.password);
      url.password = '';
      const env = password ? { ...process.env, PGPASSWORD: password } : process.env;
      const child = spawn('pg_dump', ['--format=custom', `--file=${destination}`, `--dbname=${url.toString()}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env,
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
      child.once('error', (e) =>
        reject(new Error(`pg_dump could not run (${e.message}): install PostgreSQL's client tools`)),
      );
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}: ${err.trim()}`)),
      );
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

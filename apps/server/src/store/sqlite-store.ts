import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { similarity, type FrameSignature } from '@hangscope/analyzer';
import { HttpError, badRequest } from '../errors.js';
import { expandCompactJson } from './compact-json.js';
import { inflateDocument, inflateDocumentSync, type DocumentForm } from './document.js';
import { migrate } from './migrate.js';
import type {
  AnalysisRecord,
  ApiToken,
  AuditEntry,
  IncidentShare,
  StoredAnalysis,
  Annotation,
  AnnotationPatch,
  CreateResult,
  IncidentDetail,
  GroupMitigation,
  IncidentGroup,
  IncidentGroupDetail,
  AddCaptureResult,
  CaptureInfo,
  NewCapture,
  IncidentPatch,
  IncidentStatus,
  IncidentStore,
  IncidentSummary,
  ListFilter,
  ListPage,
  MitigationRevision,
  NewIncident,
  RepeatInfo,
  SimilarIncident,
  StoredIncidentDetail,
  StoredIncidentHead,
  StoredView,
} from './types.js';

/**
 * Open (creating if needed) the database file with the settings the server relies on.
 *
 * - WAL: readers never block the writer and vice versa.
 * - synchronous=FULL: in WAL mode SQLite fsyncs the WAL at every commit, so once a
 *   request got its 201 the incident survives a power loss or kernel crash, not just a
 *   crash of this process (NORMAL would only sync at checkpoints and may lose the last
 *   commits on power loss). Checkpoints fsync the database file as well.
 * - busy_timeout: a second process (the CLI's reanalyze or import) waits for the write
 *   lock instead of failing with SQLITE_BUSY.
 * - foreign_keys: SQLite leaves them off by default; our cascades depend on them.
 * - mmap_size: reads of the first GiB of the database file go through a memory map
 *   instead of read() into SQLite's 16 MB page cache. An incident page touches half a
 *   dozen B-tree pages scattered over a file of hundreds of MB; through the page cache
 *   that was ~290 µs per incident read at 100,000 incidents, mapped ~37 µs. Writes
 *   still go through write() and the WAL (SQLite never writes through the map), so
 *   durability is unchanged. Mapped pages are the kernel's page cache, shared and
 *   reclaimable, though they count in the process's RSS once touched.
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  return db;
}

/** See openDatabase. */
const MMAP_BYTES = 1024 * 1024 * 1024;

const SEP = '\u001f'; // unit separator: cannot occur in a tag (tags are validated)

/** At most this many cached list pages; the cache starts over when full. */
const LIST_CACHE_ENTRIES = 512;

export interface IncidentRow {
  seq: number;
  id: string;
  sha256: string;
  created_at: string;
  updated_at: string;
  size: number;
  line_count: number;
  user_title: string | null;
  host: string | null;
  status: IncidentStatus;
  duplicate_of: string | null;
  kind: string;
  analysis_title: string;
  fingerprint: string;
  kernel: string | null;
  analyzer_version: string;
  pinned: number;
  tags: string | null;
}

// Tags of a row from the (incident_id, tag) primary key, a covering index: evaluated
// only for the rows a query returns.
const TAGS = `(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = i.id ORDER BY tag)) AS tags`;
const SELECT_INCIDENT = `SELECT i.*, ${TAGS} FROM incidents i`;

/** Incidents sharing the most frames with one that are scored for "similar". */
export const SIMILAR_CANDIDATES = 200;
/** Below this score an incident is not similar enough to list. */
export const SIMILAR_MIN_SCORE = 0.2;

/** A group's status in an aggregate over its incidents `i`: resolved when one is, else
 *  mitigated when one is, else open (a duplicate says nothing of the bug's state). */
export const GROUP_STATUS = `CASE max(CASE i.status WHEN 'resolved' THEN 3 WHEN 'mitigated' THEN 2 ELSE 1 END)
  WHEN 3 THEN 'resolved' WHEN 2 THEN 'mitigated' ELSE 'open' END`;

/**
 * A list item as the API sends it (IncidentSummary plus `url`): incidents.summary_json,
 * kept current by triggers (migrations/0005). A page of 50 then costs one short string
 * per row instead of a 17-property row object, the tags, a summary object and the
 * response serializer.
 */
const SUMMARY_JSON = 'i.summary_json';

interface AnalysisRow {
  encoding: 'identity' | 'deflate-raw-sync';
  form: DocumentForm;
  document: string | Buffer;
  crc32: number | null;
  length: number | null;
  analyzed_at: string;
}

/** The JSON text of the full document from a stored analysis's JSON bytes. */
export function fullJsonText(form: DocumentForm, json: Buffer): string {
  if (form === 'full') return json.toString('utf8');
  const { pieces, length } = expandCompactJson(json);
  return Buffer.concat(pieces, length).toString('utf8');
}

export function toDetailFields(r: IncidentRow): Omit<IncidentDetail, 'analysisJson'> {
  return {
    ...toSummary(r),
    sha256: r.sha256,
    lineCount: r.line_count,
    userTitle: r.user_title,
    analyzerVersion: r.analyzer_version,
    pinned: r.pinned === 1,
  };
}

export function toSummary(r: IncidentRow): IncidentSummary {
  return {
    id: r.id,
    title: r.user_title ?? r.analysis_title,
    kind: r.kind,
    host: r.host,
    kernel: r.kernel,
    status: r.status,
    duplicateOf: r.duplicate_of,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    fingerprint: r.fingerprint,
    size: r.size,
    tags: r.tags ? r.tags.split(SEP) : [],
  };
}

/** A group's aggregates over its incidents, as both engines' queries give them (the
 *  distinct kernels and hosts as lists, NULL included). */
export interface GroupAggregate {
  count: number;
  firstSeen: string;
  lastSeen: string;
  kernels: (string | null)[] | null;
  hosts: (string | null)[] | null;
  status: IncidentStatus;
}

/** A group from its aggregates and its newest incident. */
export function toGroup(
  fingerprint: string,
  g: GroupAggregate,
  latest: { id: string; kind: string; title: string },
): IncidentGroup {
  const present = (values: (string | null)[] | null) => (values ?? []).filter((v): v is string => v !== null).sort();
  return {
    fingerprint,
    kind: latest.kind,
    title: latest.title,
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    latestId: latest.id,
    kernels: present(g.kernels),
    hosts: present(g.hosts),
    status: g.status,
  };
}

export interface AnnotationRow {
  id: string;
  incident_id: string;
  target: string | null;
  line_from: number | null;
  line_to: number | null;
  body: string;
  author: string | null;
  created_at: string;
  updated_at: string;
}

export function toAnnotation(r: AnnotationRow): Annotation {
  return {
    id: r.id,
    incidentId: r.incident_id,
    target: r.target,
    lines: r.line_from === null || r.line_to === null ? null : [r.line_from, r.line_to],
    body: r.body,
    author: r.author,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Cursors are opaque to clients: base64url of the last item's sequence number. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!m) throw badRequest('malformed cursor');
  return Number(m[1]);
}

/** The `analysisTag` of a compressed stored analysis (what cached views and ETags key
 *  on): when it was made and its document's checksum and length. */
/** The analysis columns a head query reads (not the document). */
export interface AnalysisHeadColumns {
  a_encoding: 'identity' | 'deflate-raw-sync' | null;
  a_crc32: number | null;
  a_length: number | null;
  a_analyzed_at: string | null;
}

/** getStored()'s tag of a compressed analysis; '' for none or an uncompressed one. */
export function headTag(r: AnalysisHeadColumns): string {
  return r.a_encoding === null || r.a_encoding === 'identity'
    ? ''
    : storedAnalysisTag(r.a_analyzed_at ?? '', { crc32: r.a_crc32, length: r.a_length });
}

export function storedAnalysisTag(analyzedAt: string, doc: { crc32?: number | null; length?: number | null }): string {
  return `${analyzedAt}|${doc.crc32}|${doc.length}`;
}

/**
 * Views are stored only for analyses whose JSON is at least this long: building a view
 * costs ~9 ms per MB of analysis (reading, inflating and parsing it), so a small
 * incident's view is rebuilt in a few ms, while storing every view made a database of
 * 100,000 mostly small incidents 50% bigger.
 */
export const STORED_VIEW_MIN_BYTES = 1024 * 1024;

export interface SqliteStoreOptions {
  /** See STORED_VIEW_MIN_BYTES (tests store every view with 0). */
  storedViewMinBytes?: number;
}

export class SqliteStore implements IncidentStore {
  readonly db: Database.Database;
  /** Statements prepared once per SQL text (list() builds a few dozen variants at most). */
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * List pages by query, valid while the database is unchanged: `total_changes()`
   * moves with every write of this connection, `data_version` with every commit of
   * another one (the CLI's import or reanalyze). The list page and a search being
   * repeated during an incident storm then cost one tiny statement.
   */
  private readonly listCache = new Map<string, string>();
  private listCacheStamp = '';

  private readonly storedViewMinBytes: number;

  constructor(path: string, migrationsDir: string, options: SqliteStoreOptions = {}) {
    this.storedViewMinBytes = options.storedViewMinBytes ?? STORED_VIEW_MIN_BYTES;
    this.db = openDatabase(path);
    try {
      migrate(this.db, migrationsDir);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async ping(): Promise<boolean> {
    return (this.stmt('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
  }

  async create(incident: NewIncident): Promise<CreateResult> {
    const { analysis: a } = incident;
    const insert = this.db.transaction((): CreateResult => {
      const existing = this.idBySha(incident.sha256);
      if (existing) return { created: false, id: existing };
      const { lastInsertRowid } = this.stmt(
        `INSERT INTO incidents (id, sha256, created_at, updated_at, size, line_count, user_title, host,
             kind, analysis_title, fingerprint, kernel, analyzer_version, fingerprint_version, group_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        incident.id,
        incident.sha256,
        incident.createdAt,
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
        a.fingerprint,
      );
      this.stmt('INSERT INTO incident_raw (incident_id, encoding, data) VALUES (?, ?, ?)').run(
        incident.id,
        incident.raw.encoding,
        incident.raw.data,
      );
      this.stmt(
        `INSERT INTO incident_analysis (incident_id, analyzer_version, analyzed_at, document, encoding, form, crc32, length)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        incident.id,
        a.analyzerVersion,
        incident.createdAt,
        a.document.data,
        a.document.encoding,
        a.document.form ?? 'full',
        a.document.crc32,
        a.document.length,
      );
      this.writeTags(incident.id, incident.tags);
      this.writeFrames(incident.id, a.signature);
      this.stmt(
        `INSERT INTO incident_fts (rowid, user_title, titles, verdict, frames, comms, annotations)
           VALUES (?, ?, ?, ?, ?, ?, '')`,
      ).run(
        lastInsertRowid,
        incident.userTitle ?? '',
        a.search.titles,
        a.search.verdict,
        a.search.frames,
        a.search.comms,
      );
      const analysisTag = storedAnalysisTag(incident.createdAt, a.document);
      if (a.view && this.keepsViews(a.document.length)) {
        this.writeView(incident.id, {
          tag: analysisTag,
          version: a.view.version,
          doc: a.view.doc,
          groups: a.view.groupsDoc,
        });
      }
      return { created: true, id: incident.id, analysisTag };
    });
    // IMMEDIATE: take the write lock before the duplicate check, so two processes
    // cannot both decide the same bytes are new.
    return insert.immediate();
  }

  private idBySha(sha256: string): string | null {
    const row = this.stmt('SELECT id FROM incidents WHERE sha256 = ?').get(sha256) as { id: string } | undefined;
    return row?.id ?? null;
  }

  async findIdBySha256(sha256: string): Promise<string | null> {
    return this.idBySha(sha256);
  }

  private row(id: string): IncidentRow | undefined {
    return this.stmt(`${SELECT_INCIDENT} WHERE i.id = ?`).get(id) as IncidentRow | undefined;
  }

  private analysisRow(id: string): AnalysisRow | undefined {
    return this.stmt(
      'SELECT encoding, form, document, crc32, length, analyzed_at FROM incident_analysis WHERE incident_id = ?',
    ).get(id) as AnalysisRow | undefined;
  }

  async get(id: string): Promise<IncidentDetail | null> {
    const r = this.row(id);
    if (!r) return null;
    const doc = this.analysisRow(id);
    // Decoded on first use: most callers (existence checks, annotations, mitigation)
    // never look at the analysis, and a large one takes a while to inflate.
    let json: string | null = doc ? null : 'null';
    const detail = toDetailFields(r) as IncidentDetail;
    Object.defineProperty(detail, 'analysisJson', {
      enumerable: true,
      get: () =>
        (json ??=
          doc!.encoding === 'identity'
            ? fullJsonText(doc!.form, Buffer.from(String(doc!.document), 'utf8'))
            : fullJsonText(doc!.form, inflateDocumentSync(doc!.document as Buffer))),
    });
    return detail;
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | null> {
    const doc = this.analysisRow(id);
    if (!doc) return null;
    // A large analysis inflates on the thread pool, not on the event loop.
    const json =
      doc.encoding === 'identity'
        ? Buffer.from(String(doc.document), 'utf8')
        : await inflateDocument(doc.document as Buffer);
    return { form: doc.form, json };
  }

  async getStored(id: string): Promise<StoredIncidentDetail | null> {
    // One statement for the incident, its tags and its analysis (the incident page's call).
    const r = this.stmt(
      `SELECT i.*, ${TAGS}, a.encoding AS a_encoding, a.form AS a_form, a.document AS a_document, a.crc32 AS a_crc32,
         a.length AS a_length, a.analyzed_at AS a_analyzed_at
       FROM incidents i LEFT JOIN incident_analysis a ON a.incident_id = i.id WHERE i.id = ?`,
    ).get(id) as
      | (IncidentRow & {
          a_encoding: AnalysisRow['encoding'] | null;
          a_form: DocumentForm | null;
          a_document: AnalysisRow['document'] | null;
          a_crc32: number | null;
          a_length: number | null;
          a_analyzed_at: string | null;
        })
      | undefined;
    if (!r) return null;
    const doc: AnalysisRow | undefined =
      r.a_encoding === null || r.a_document === null
        ? undefined
        : {
            encoding: r.a_encoding,
            form: r.a_form ?? 'full',
            document: r.a_document,
            crc32: r.a_crc32,
            length: r.a_length,
            analyzed_at: r.a_analyzed_at ?? '',
          };
    if (!doc) return { ...toDetailFields(r), analysis: { encoding: 'identity', json: 'null' }, analysisTag: '' };
    if (doc.encoding === 'identity') {
      // Rows from before 0003: always the full form (compact came later).
      const json = String(doc.document);
      return {
        ...toDetailFields(r),
        analysis: { encoding: 'identity', json },
        analysisTag: `${doc.analyzed_at}|${json.length}`,
      };
    }
    return {
      ...toDetailFields(r),
      analysis: {
        encoding: doc.encoding,
        form: doc.form,
        data: doc.document as Buffer,
        crc32: doc.crc32 ?? 0,
        length: doc.length ?? 0,
      },
      analysisTag: storedAnalysisTag(doc.analyzed_at, doc),
    };
  }

  async getStoredHead(id: string): Promise<StoredIncidentHead | null> {
    const r = this.stmt(
      `SELECT i.*, ${TAGS}, a.encoding AS a_encoding, a.crc32 AS a_crc32, a.length AS a_length,
         a.analyzed_at AS a_analyzed_at
       FROM incidents i LEFT JOIN incident_analysis a ON a.incident_id = i.id WHERE i.id = ?`,
    ).get(id) as (IncidentRow & AnalysisHeadColumns) | undefined;
    return r ? { ...toDetailFields(r), analysisTag: headTag(r) } : null;
  }

  async getRaw(id: string): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null> {
    const row = this.stmt('SELECT encoding, data FROM incident_raw WHERE incident_id = ?').get(id) as
      { encoding: 'gzip' | 'identity'; data: Buffer } | undefined;
    return row ?? null;
  }

  /** The SQL and parameters of a list page: `columns` are selected from `incidents i`. */
  private listQuery(
    filter: ListFilter,
    cursor: string | null,
    limit: number,
    columns: string,
  ): { sql: string; params: Record<string, string | number> } {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    const eq = (column: string, key: keyof ListFilter) => {
      const value = filter[key];
      if (value === undefined) return;
      where.push(`i.${column} = @${key}`);
      params[key] = value;
    };
    eq('kind', 'kind');
    eq('fingerprint', 'fingerprint');
    eq('kernel', 'kernel');
    eq('host', 'host');
    eq('status', 'status');
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = i.id AND t.tag = @tag)');
      params.tag = filter.tag;
    }
    if (filter.from !== undefined) {
      where.push('i.created_at >= @from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push('i.created_at <= @to');
      params.to = filter.to;
    }
    params.limit = limit + 1;
    if (filter.match !== undefined) {
      // The full-text index drives: its rowids (= seq) newest first, stopping after
      // `limit` rows pass the other filters, instead of collecting every hit and
      // sorting. CROSS JOIN keeps incident_fts the outer loop.
      where.unshift('incident_fts MATCH @match');
      params.match = filter.match;
      if (cursor !== null) {
        where.push('incident_fts.rowid < @cursor');
        params.cursor = decodeCursor(cursor);
      }
      return {
        sql: `SELECT ${columns} FROM incident_fts CROSS JOIN incidents i ON i.seq = incident_fts.rowid
          WHERE ${where.join(' AND ')} ORDER BY incident_fts.rowid DESC LIMIT @limit`,
        params,
      };
    }
    if (cursor !== null) {
      where.push('i.seq < @cursor');
      params.cursor = decodeCursor(cursor);
    }
    return {
      sql: `SELECT ${columns} FROM incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.seq DESC LIMIT @limit`,
      params,
    };
  }

  /** The list cache, emptied when the database changed since it was filled (or when full). */
  private cachedList(): Map<string, string> {
    const stamp = this.stmt(
      'SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v',
    ).get() as { c: number; v: number };
    const stampKey = `${stamp.c}:${stamp.v}`;
    if (stampKey !== this.listCacheStamp || this.listCache.size >= LIST_CACHE_ENTRIES) {
      this.listCache.clear();
      this.listCacheStamp = stampKey;
    }
    return this.listCache;
  }

  async list(filter: ListFilter, cursor: string | null, limit: number): Promise<ListPage> {
    const { sql, params } = this.listQuery(filter, cursor, limit, `i.*, ${TAGS}`);
    const rows = this.stmt(sql).all(params) as IncidentRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map(toSummary), nextCursor: more ? encodeCursor(page[page.length - 1].seq) : null };
  }

  async listJson(filter: ListFilter, cursor: string | null, limit: number): Promise<string> {
    const { sql, params } = this.listQuery(filter, cursor, limit, `i.seq AS seq, ${SUMMARY_JSON} AS json`);
    const cache = this.cachedList();
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const rows = this.stmt(sql).all(params) as { seq: number; json: string }[];
    const more = rows.length > limit;
    let items = '';
    const n = more ? limit : rows.length;
    for (let k = 0; k < n; k++) items += k === 0 ? rows[k].json : `,${rows[k].json}`;
    const body = `{"items":[${items}],"nextCursor":${more ? JSON.stringify(encodeCursor(rows[n - 1].seq)) : 'null'}}`;
    cache.set(key, body);
    return body;
  }

  async count(): Promise<number> {
    return (this.stmt('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
  }

  private writeTags(id: string, tags: string[]): void {
    this.stmt('DELETE FROM incident_tags WHERE incident_id = ?').run(id);
    const add = this.stmt('INSERT OR IGNORE INTO incident_tags (incident_id, tag) VALUES (?, ?)');
    for (const tag of tags) add.run(id, tag);
  }

  async update(id: string, patch: IncidentPatch): Promise<IncidentDetail | null> {
    const apply = this.db.transaction((): boolean => {
      const r = this.row(id);
      if (!r) return false;
      const sets: string[] = [];
      const params: Record<string, string | null> = { id, now: new Date().toISOString() };
      if (patch.status !== undefined) {
        sets.push('status = @status');
        params.status = patch.status;
      }
      if (patch.duplicateOf !== undefined) {
        sets.push('duplicate_of = @duplicateOf');
        params.duplicateOf = patch.duplicateOf;
      }
      if (patch.groupSplit !== undefined) {
        sets.push('group_split = @groupSplit');
        params.groupSplit = patch.groupSplit ? '1' : '0';
      }
      if (patch.userTitle !== undefined) {
        sets.push('user_title = @userTitle');
        params.userTitle = patch.userTitle;
        this.stmt('UPDATE incident_fts SET user_title = ? WHERE rowid = ?').run(patch.userTitle ?? '', r.seq);
      }
      if (patch.host !== undefined) {
        sets.push('host = @host');
        params.host = patch.host;
      }
      if (patch.pinned !== undefined) {
        sets.push('pinned = @pinned');
        params.pinned = patch.pinned ? '1' : '0';
      }
      if (patch.tags !== undefined) this.writeTags(id, patch.tags);
      this.stmt(`UPDATE incidents SET ${[...sets, 'updated_at = @now'].join(', ')} WHERE id = @id`).run(params);
      if (patch.duplicateOf !== undefined || patch.groupSplit !== undefined) this.refreshGroupKeys(id);
      return true;
    });
    return apply.immediate() ? this.get(id) : null;
  }

  async replaceAnalysis(id: string, a: AnalysisRecord, analyzedAt: string): Promise<string | null> {
    return this.db.transaction((): string | null => this.writeAnalysis(id, a, analyzedAt)).immediate();
  }

  async listCaptures(id: string): Promise<CaptureInfo[] | null> {
    const first = this.stmt('SELECT created_at, size, sha256 FROM incidents WHERE id = ?').get(id) as
      { created_at: string; size: number; sha256: string } | undefined;
    if (!first) return null;
    const rest = this.stmt(
      'SELECT seq, created_at, size, sha256 FROM incident_captures WHERE incident_id = ? ORDER BY seq',
    ).all(id) as {
      seq: number;
      created_at: string;
      size: number;
      sha256: string;
    }[];
    return [
      { seq: 1, createdAt: first.created_at, size: first.size, sha256: first.sha256 },
      ...rest.map((r) => ({ seq: r.seq, createdAt: r.created_at, size: r.size, sha256: r.sha256 })),
    ];
  }

  async getCaptureRaw(id: string, seq: number): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null> {
    if (seq === 1) return this.getRaw(id);
    const row = this.stmt('SELECT encoding, data FROM incident_captures WHERE incident_id = ? AND seq = ?').get(
      id,
      seq,
    ) as { encoding: 'gzip' | 'identity'; data: Buffer } | undefined;
    return row ?? null;
  }

  async addCapture(
    id: string,
    expectedCount: number,
    c: NewCapture,
    a: AnalysisRecord,
    analyzedAt: string,
  ): Promise<AddCaptureResult> {
    return this.db
      .transaction((): AddCaptureResult => {
        if (!this.row(id)) return null;
        const { n } = this.stmt('SELECT COUNT(*) AS n FROM incident_captures WHERE incident_id = ?').get(id) as {
          n: number;
        };
        if (n + 1 !== expectedCount) return 'conflict';
        const seq = expectedCount + 1;
        this.stmt(
          'INSERT INTO incident_captures (incident_id, seq, created_at, sha256, size, encoding, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(id, seq, c.createdAt, c.sha256, c.raw.size, c.raw.encoding, c.raw.data);
        this.stmt('UPDATE incidents SET updated_at = ? WHERE id = ?').run(c.createdAt, id);
        const analysisTag = this.writeAnalysis(id, a, analyzedAt)!;
        return { seq, analysisTag };
      })
      .immediate();
  }

  /** The analysis, its indexed fields and its view replaced; inside the caller's transaction. */
  private writeAnalysis(id: string, a: AnalysisRecord, analyzedAt: string): string | null {
    const r = this.row(id);
    if (!r) return null;
    this.stmt(
      `UPDATE incidents SET kind = ?, analysis_title = ?, fingerprint = ?, kernel = ?, analyzer_version = ?,
         line_count = ?, reanalysis_failed_version = NULL, fingerprint_version = ? WHERE id = ?`,
    ).run(a.kind, a.title, a.fingerprint, a.kernel, a.analyzerVersion, a.lineCount, a.fingerprintVersion, id);
    // The group follows the new fingerprint; a person's decisions stay.
    this.refreshGroupKeys(id);
    this.writeFrames(id, a.signature);
    this.stmt(
      `UPDATE incident_analysis SET analyzer_version = ?, analyzed_at = ?, document = ?, encoding = ?, form = ?, crc32 = ?,
         length = ?
       WHERE incident_id = ?`,
    ).run(
      a.analyzerVersion,
      analyzedAt,
      a.document.data,
      a.document.encoding,
      a.document.form ?? 'full',
      a.document.crc32,
      a.document.length,
      id,
    );
    this.stmt('UPDATE incident_fts SET titles = ?, verdict = ?, frames = ?, comms = ? WHERE rowid = ?').run(
      a.search.titles,
      a.search.verdict,
      a.search.frames,
      a.search.comms,
      r.seq,
    );
    // The old analysis's view goes with it; the new one's, when the record has it.
    const analysisTag = storedAnalysisTag(analyzedAt, a.document);
    if (a.view && this.keepsViews(a.document.length)) {
      this.writeView(id, { tag: analysisTag, version: a.view.version, doc: a.view.doc, groups: a.view.groupsDoc });
    } else this.stmt('DELETE FROM incident_views WHERE incident_id = ?').run(id);
    return analysisTag;
  }

  /** One server writes a SQLite file: nothing to share. (A CLI `reanalyze` running beside
   *  it may re-analyse an incident the server does too: the later result stands.) */
  async claimReanalysis(): Promise<boolean> {
    return true;
  }

  async markReanalysisFailed(id: string, analyzerVersion: string): Promise<void> {
    this.stmt('UPDATE incidents SET reanalysis_failed_version = ? WHERE id = ?').run(analyzerVersion, id);
  }

  async getView(id: string, tag: string, version: number): Promise<StoredView | null> {
    const r = this.stmt(
      `SELECT document, crc32, length, groups, groups_crc32, groups_length FROM incident_views
       WHERE incident_id = ? AND analysis_tag = ? AND view_version = ?`,
    ).get(id, tag, version) as
      | { document: Buffer; crc32: number; length: number; groups: Buffer; groups_crc32: number; groups_length: number }
      | undefined;
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
    this.db
      .transaction(() => {
        // Only for the analysis stored now: a view computed from an analysis that a
        // re-analysis replaced meanwhile would otherwise be kept under a stale tag.
        const doc = this.stmt(
          'SELECT analyzed_at, crc32, length, encoding FROM incident_analysis WHERE incident_id = ?',
        ).get(id) as { analyzed_at: string; crc32: number | null; length: number | null; encoding: string } | undefined;
        if (!doc || doc.encoding === 'identity' || storedAnalysisTag(doc.analyzed_at, doc) !== view.tag) return;
        if (!this.keepsViews(doc.length ?? 0)) return;
        this.writeView(id, view);
      })
      .immediate();
  }

  private writeView(id: string, v: StoredView): void {
    this.stmt(
      `INSERT OR REPLACE INTO incident_views
         (incident_id, analysis_tag, view_version, document, crc32, length, groups, groups_crc32, groups_length)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, v.tag, v.version, v.doc.data, v.doc.crc32, v.doc.length, v.groups.data, v.groups.crc32, v.groups.length);
  }

  async idsToReanalyze(currentVersion: string | null, fingerprintVersion = 0): Promise<string[]> {
    const rows = (
      currentVersion === null
        ? this.stmt('SELECT id FROM incidents ORDER BY seq').all()
        : // An analysis that did not finish (out of time on a busy machine, say) is tried again
          // too, and one whose fingerprint older rules made (its group would be wrong) — but
          // once per analyzer version: a retry that failed under this version is not made
          // again (markReanalysisFailed). Those that failed before go last.
          this.stmt(
            `SELECT id FROM incidents
               WHERE (analyzer_version != ? OR fingerprint = 'analysis-failed' OR (? > 0 AND fingerprint_version != ?))
                 AND reanalysis_failed_version IS NOT ?
               ORDER BY fingerprint = 'analysis-failed', seq`,
          ).all(currentVersion, fingerprintVersion, fingerprintVersion, currentVersion)
    ) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * The group key of an incident, and of every incident marked a duplicate of it (and of
   * those, …): its fingerprint, the group of the incident it duplicates, or a group of
   * its own when a person moved it out (migrations/0008). Inside the caller's transaction.
   */
  private refreshGroupKeys(id: string): void {
    const keyOf = this.stmt('SELECT id, fingerprint, duplicate_of, group_split FROM incidents WHERE id = ?');
    const set = this.stmt('UPDATE incidents SET group_key = ? WHERE id = ? AND group_key IS NOT ?');
    const dependents = this.stmt('SELECT id FROM incidents WHERE duplicate_of = ?');
    type KeyRow = { id: string; fingerprint: string; duplicate_of: string | null; group_split: number };
    const effectiveKey = (start: string): string => {
      const seen = new Set<string>();
      let r = keyOf.get(start) as KeyRow | undefined;
      const own = r?.fingerprint ?? '';
      while (r) {
        if (r.group_split) return `split:${r.id}`;
        if (!r.duplicate_of) return r.fingerprint;
        seen.add(r.id);
        // A loop of duplicates (two edits can make one): the incident keeps its own group.
        if (seen.has(r.duplicate_of)) return own;
        r = keyOf.get(r.duplicate_of) as KeyRow | undefined;
      }
      return own;
    };
    const queue = [id];
    const done = new Set<string>();
    while (queue.length) {
      const cur = queue.shift()!;
      if (done.has(cur)) continue;
      done.add(cur);
      const key = effectiveKey(cur);
      set.run(key, cur, key);
      for (const d of dependents.all(cur) as { id: string }[]) queue.push(d.id);
    }
  }

  async groups(limit: number): Promise<IncidentGroup[]> {
    const rows = this.stmt(
      `SELECT i.group_key AS fingerprint, count(*) AS count, min(i.created_at) AS firstSeen, max(i.created_at) AS lastSeen,
           max(i.seq) AS latestSeq, json_group_array(DISTINCT i.kernel) AS kernels,
           json_group_array(DISTINCT i.host) AS hosts, ${GROUP_STATUS} AS status
         FROM incidents i GROUP BY i.group_key ORDER BY latestSeq DESC LIMIT ?`,
    ).all(limit) as {
      fingerprint: string;
      count: number;
      firstSeen: string;
      lastSeen: string;
      latestSeq: number;
      kernels: string;
      hosts: string;
      status: IncidentStatus;
    }[];
    const latest = this.stmt(
      'SELECT id, kind, coalesce(user_title, analysis_title) AS title FROM incidents WHERE seq = ?',
    );
    return rows.map((r) =>
      toGroup(
        r.fingerprint,
        { ...r, kernels: JSON.parse(r.kernels), hosts: JSON.parse(r.hosts) },
        latest.get(r.latestSeq) as { id: string; kind: string; title: string },
      ),
    );
  }

  async group(key: string, limit: number): Promise<IncidentGroupDetail | null> {
    const g = this.stmt(
      `SELECT count(*) AS count, min(i.created_at) AS firstSeen, max(i.created_at) AS lastSeen, max(i.seq) AS latestSeq,
           json_group_array(DISTINCT i.kernel) AS kernels, json_group_array(DISTINCT i.host) AS hosts,
           ${GROUP_STATUS} AS status
         FROM incidents i WHERE i.group_key = ?`,
    ).get(key) as {
      count: number;
      firstSeen: string;
      lastSeen: string;
      latestSeq: number | null;
      kernels: string;
      hosts: string;
      status: IncidentStatus;
    };
    if (!g || g.count === 0 || g.latestSeq === null) return null;
    const rows = this.stmt(`${SELECT_INCIDENT} WHERE i.group_key = ? ORDER BY i.seq DESC LIMIT ?`).all(
      key,
      limit,
    ) as IncidentRow[];
    const latest = this.stmt(`${SELECT_INCIDENT} WHERE i.seq = ?`).get(g.latestSeq) as IncidentRow;
    return {
      ...toGroup(key, { ...g, kernels: JSON.parse(g.kernels), hosts: JSON.parse(g.hosts) }, toSummary(latest)),
      mitigation: this.groupMitigation(key, null),
      incidents: rows.map(toSummary),
    };
  }

  async repeatInfo(id: string): Promise<RepeatInfo | null> {
    const r = this.stmt('SELECT seq, group_key FROM incidents WHERE id = ?').get(id) as
      { seq: number; group_key: string } | undefined;
    if (!r) return null;
    const before = this.stmt(
      `SELECT count(*) AS n, max(i.seq) AS lastSeq, ${GROUP_STATUS} AS status FROM incidents i WHERE i.group_key = ? AND i.seq < ?`,
    ).get(r.group_key, r.seq) as { n: number; lastSeq: number | null; status: IncidentStatus | null };
    const last =
      before.lastSeq === null
        ? null
        : (this.stmt(`${SELECT_INCIDENT} WHERE i.seq = ?`).get(before.lastSeq) as IncidentRow);
    return {
      group: r.group_key,
      before: before.n,
      last: last ? toSummary(last) : null,
      status: before.status ?? 'open',
      mitigation: before.n ? this.groupMitigation(r.group_key, r.seq) : null,
    };
  }

  /** The newest mitigation note on an incident of the group (created before `beforeSeq`,
   *  when given); an emptied note is none. */
  private groupMitigation(key: string, beforeSeq: number | null): GroupMitigation | null {
    const m = this.stmt(
      `SELECT m.incident_id AS incidentId, m.body, m.author, m.created_at AS updatedAt FROM mitigation_revisions m
           JOIN incidents i ON i.id = m.incident_id
         WHERE i.group_key = ? AND (? IS NULL OR i.seq < ?)
           AND m.seq = (SELECT max(seq) FROM mitigation_revisions x WHERE x.incident_id = m.incident_id)
           AND m.body != ''
         ORDER BY m.seq DESC LIMIT 1`,
    ).get(key, beforeSeq, beforeSeq) as GroupMitigation | undefined;
    return m ?? null;
  }

  async similar(id: string, limit: number): Promise<SimilarIncident[]> {
    const r = this.row(id) as (IncidentRow & { group_key: string }) | undefined;
    if (!r || r.kind === 'unknown') return [];
    const out = new Map<string, SimilarIncident>();
    // 1. The same group: the fingerprint (or a person) says it is the same bug.
    const same = this.stmt(`${SELECT_INCIDENT} WHERE i.group_key = ? AND i.id != ? ORDER BY i.seq DESC LIMIT ?`).all(
      r.group_key,
      id,
      limit,
    ) as IncidentRow[];
    for (const s of same)
      out.set(s.id, {
        ...toSummary(s),
        score: 1,
        reason: s.fingerprint === r.fingerprint ? 'same fingerprint' : 'grouped with it by hand',
      });
    // 2. Incidents sharing culprit or victim frames, found through the frame index and
    //    scored (a weighted Jaccard overlap, culprit first).
    const mine = this.signatureOf(id);
    const frames = [...new Set([...mine.culprit, ...mine.victims])];
    if (out.size < limit && frames.length) {
      const candidates = this.db
        .prepare(
          `SELECT incident_id AS id FROM incident_frames WHERE frame IN (${frames.map(() => '?').join(', ')}) AND incident_id != ?
           GROUP BY incident_id ORDER BY count(*) DESC LIMIT ?`,
        )
        .all(...frames, id, SIMILAR_CANDIDATES) as { id: string }[];
      const scored = candidates
        .filter((c) => !out.has(c.id))
        .map((c) => ({ id: c.id, ...similarity(mine, this.signatureOf(c.id)) }))
        .filter((c) => c.score >= SIMILAR_MIN_SCORE)
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      for (const c of scored) {
        if (out.size >= limit) break;
        const row = this.row(c.id);
        if (row) out.set(c.id, { ...toSummary(row), score: c.score, reason: c.reason });
      }
    }
    // 3. The same title (same kind of hang in the same function) when nothing else says more.
    if (out.size < limit) {
      const titled = this.stmt(
        `${SELECT_INCIDENT} WHERE i.id != ? AND i.kind = ? AND i.analysis_title = ? ORDER BY i.seq DESC LIMIT ?`,
      ).all(id, r.kind, r.analysis_title, limit) as IncidentRow[];
      for (const t of titled) {
        if (out.size >= limit) break;
        if (!out.has(t.id))
          out.set(t.id, { ...toSummary(t), ...similarity(mine, this.signatureOf(t.id)), reason: 'same title' });
      }
    }
    return [...out.values()];
  }

  private signatureOf(id: string): FrameSignature {
    const rows = this.stmt('SELECT role, frame FROM incident_frames WHERE incident_id = ?').all(id) as {
      role: 'culprit' | 'victim';
      frame: string;
    }[];
    return {
      culprit: rows.filter((x) => x.role === 'culprit').map((x) => x.frame),
      victims: rows.filter((x) => x.role === 'victim').map((x) => x.frame),
    };
  }

  /** The incident's culprit and victim frames (migrations/0009), replacing any before. */
  private writeFrames(id: string, sig: AnalysisRecord['signature'] | undefined): void {
    this.stmt('DELETE FROM incident_frames WHERE incident_id = ?').run(id);
    if (!sig) return;
    const insert = this.stmt('INSERT OR IGNORE INTO incident_frames (incident_id, role, frame) VALUES (?, ?, ?)');
    for (const f of sig.culprit) insert.run(id, 'culprit', f);
    for (const f of sig.victims) insert.run(id, 'victim', f);
  }

  private refreshAnnotationIndex(incidentId: string): void {
    const r = this.row(incidentId);
    if (!r) return;
    const bodies = this.stmt('SELECT body FROM annotations WHERE incident_id = ? ORDER BY created_at').all(
      incidentId,
    ) as { body: string }[];
    this.stmt('UPDATE incident_fts SET annotations = ? WHERE rowid = ?').run(
      bodies.map((b) => b.body).join('\n'),
      r.seq,
    );
  }

  async listAnnotations(incidentId: string): Promise<Annotation[]> {
    const rows = this.stmt('SELECT * FROM annotations WHERE incident_id = ? ORDER BY created_at, id').all(
      incidentId,
    ) as AnnotationRow[];
    return rows.map(toAnnotation);
  }

  async getAnnotation(incidentId: string, annotationId: string): Promise<Annotation | null> {
    const row = this.stmt('SELECT * FROM annotations WHERE incident_id = ? AND id = ?').get(
      incidentId,
      annotationId,
    ) as AnnotationRow | undefined;
    return row ? toAnnotation(row) : null;
  }

  async addAnnotation(a: Annotation): Promise<void> {
    this.db
      .transaction(() => {
        this.stmt(
          `INSERT INTO annotations (id, incident_id, target, line_from, line_to, body, author, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          a.id,
          a.incidentId,
          a.target,
          a.lines?.[0] ?? null,
          a.lines?.[1] ?? null,
          a.body,
          a.author,
          a.createdAt,
          a.updatedAt,
        );
        this.refreshAnnotationIndex(a.incidentId);
      })
      .immediate();
  }

  async updateAnnotation(
    incidentId: string,
    annotationId: string,
    patch: AnnotationPatch,
    updatedAt: string,
  ): Promise<Annotation | null> {
    return this.db
      .transaction((): Annotation | null => {
        const current = this.stmt('SELECT * FROM annotations WHERE incident_id = ? AND id = ?').get(
          incidentId,
          annotationId,
        ) as AnnotationRow | undefined;
        if (!current) return null;
        const next = { ...toAnnotation(current), ...patch, updatedAt };
        this.stmt(
          'UPDATE annotations SET target = ?, line_from = ?, line_to = ?, body = ?, author = ?, updated_at = ? WHERE id = ?',
        ).run(
          next.target,
          next.lines?.[0] ?? null,
          next.lines?.[1] ?? null,
          next.body,
          next.author,
          updatedAt,
          annotationId,
        );
        this.refreshAnnotationIndex(incidentId);
        return next;
      })
      .immediate();
  }

  async deleteAnnotation(incidentId: string, annotationId: string): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const { changes } = this.stmt('DELETE FROM annotations WHERE incident_id = ? AND id = ?').run(
          incidentId,
          annotationId,
        );
        this.refreshAnnotationIndex(incidentId);
        return changes > 0;
      })
      .immediate();
  }

  async mitigationHistory(incidentId: string): Promise<MitigationRevision[]> {
    return this.stmt(
      'SELECT body, author, created_at AS createdAt FROM mitigation_revisions WHERE incident_id = ? ORDER BY seq DESC',
    ).all(incidentId) as MitigationRevision[];
  }

  async addMitigation(incidentId: string, revision: MitigationRevision): Promise<void> {
    this.stmt('INSERT INTO mitigation_revisions (incident_id, body, author, created_at) VALUES (?, ?, ?, ?)').run(
      incidentId,
      revision.body,
      revision.author,
      revision.createdAt,
    );
  }

  /** Inside the caller's transaction: the incident and every row of it. */
  private deleteOne(id: string): boolean {
    const r = this.stmt('SELECT seq FROM incidents WHERE id = ?').get(id) as { seq: number } | undefined;
    if (!r) return false;
    // The search row is keyed by seq, not a foreign key: deleted by hand. Everything else
    // (raw, analysis, views, tags, frames, annotations, mitigation, audit, shares)
    // cascades from the incident (foreign_keys is on, see openDatabase).
    this.stmt('DELETE FROM incident_fts WHERE rowid = ?').run(r.seq);
    const dependents = this.stmt('SELECT id FROM incidents WHERE duplicate_of = ?').all(id) as { id: string }[];
    this.stmt('DELETE FROM incidents WHERE id = ?').run(id);
    // Its duplicates lost their original (duplicate_of became NULL): they go back to
    // their own fingerprint's group.
    for (const d of dependents) this.refreshGroupKeys(d.id);
    return true;
  }

  async deleteIncident(id: string): Promise<boolean> {
    return this.db.transaction(() => this.deleteOne(id)).immediate();
  }

  async deleteUnpinnedBefore(cutoff: string): Promise<string[]> {
    return this.db
      .transaction((): string[] => {
        const ids = (
          this.stmt('SELECT id FROM incidents WHERE created_at < ? AND pinned = 0 ORDER BY seq').all(cutoff) as {
            id: string;
          }[]
        ).map((r) => r.id);
        for (const id of ids) this.deleteOne(id);
        return ids;
      })
      .immediate();
  }

  async isPinned(id: string): Promise<boolean | null> {
    const r = this.stmt('SELECT pinned FROM incidents WHERE id = ?').get(id) as { pinned: number } | undefined;
    return r ? r.pinned === 1 : null;
  }

  async addAudit(incidentId: string, e: AuditEntry): Promise<void> {
    this.stmt('INSERT INTO incident_audit (incident_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)').run(
      incidentId,
      e.at,
      e.actor,
      e.action,
      JSON.stringify(e.detail),
    );
  }

  async listAudit(incidentId: string): Promise<AuditEntry[]> {
    const rows = this.stmt(
      'SELECT at, actor, action, detail FROM incident_audit WHERE incident_id = ? ORDER BY seq',
    ).all(incidentId) as (Omit<AuditEntry, 'detail'> & { detail: string })[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async createToken(t: ApiToken, secretSha256: string): Promise<void> {
    try {
      this.stmt(
        'INSERT INTO api_tokens (id, name, role, token_sha256, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(t.id, t.name, t.role, secretSha256, t.createdAt, t.revokedAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new HttpError(409, 'name_taken', `a token named ${JSON.stringify(t.name)} exists already`);
      throw err;
    }
  }

  async listTokens(): Promise<ApiToken[]> {
    return this.stmt(
      'SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_tokens ORDER BY created_at, id',
    ).all() as ApiToken[];
  }

  async revokeToken(idOrName: string, at: string): Promise<ApiToken | null> {
    return this.db
      .transaction((): ApiToken | null => {
        const t = this.stmt(
          'SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_tokens WHERE (id = ? OR name = ?) AND revoked_at IS NULL',
        ).get(idOrName, idOrName) as ApiToken | undefined;
        if (!t) return null;
        this.stmt('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(at, t.id);
        this.stmt('DELETE FROM web_sessions WHERE token_id = ?').run(t.id);
        return { ...t, revokedAt: at };
      })
      .immediate();
  }

  async tokenBySecret(secretSha256: string): Promise<ApiToken | null> {
    const t = this.stmt(
      'SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL',
    ).get(secretSha256) as ApiToken | undefined;
    return t ?? null;
  }

  async createSession(sessionSha256: string, tokenId: string, createdAt: string, expiresAt: string): Promise<void> {
    this.db
      .transaction(() => {
        // Expired sessions go when new ones come: the table never grows past the live ones.
        this.stmt('DELETE FROM web_sessions WHERE expires_at <= ?').run(createdAt);
        this.stmt(
          'INSERT INTO web_sessions (session_sha256, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
        ).run(sessionSha256, tokenId, createdAt, expiresAt);
      })
      .immediate();
  }

  async sessionToken(sessionSha256: string, now: string): Promise<ApiToken | null> {
    const t = this.stmt(
      `SELECT t.id, t.name, t.role, t.created_at AS createdAt, t.revoked_at AS revokedAt FROM web_sessions s
           JOIN api_tokens t ON t.id = s.token_id
         WHERE s.session_sha256 = ? AND s.expires_at > ? AND t.revoked_at IS NULL`,
    ).get(sessionSha256, now) as ApiToken | undefined;
    return t ?? null;
  }

  async deleteSession(sessionSha256: string): Promise<void> {
    this.stmt('DELETE FROM web_sessions WHERE session_sha256 = ?').run(sessionSha256);
  }

  async createShare(s: IncidentShare): Promise<void> {
    this.stmt(
      'INSERT INTO incident_shares (id, incident_id, created_at, created_by, kaslr) VALUES (?, ?, ?, ?, ?)',
    ).run(s.id, s.incidentId, s.createdAt, s.createdBy, s.kaslr ? 1 : 0);
  }

  async getShare(id: string): Promise<IncidentShare | null> {
    const r = this.stmt('SELECT id, incident_id, created_at, created_by, kaslr FROM incident_shares WHERE id = ?').get(
      id,
    ) as { id: string; incident_id: string; created_at: string; created_by: string | null; kaslr: number } | undefined;
    return r
      ? { id: r.id, incidentId: r.incident_id, createdAt: r.created_at, createdBy: r.created_by, kaslr: r.kaslr === 1 }
      : null;
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  async backup(destination: string): Promise<void> {
    mkdirSync(dirname(destination), { recursive: true });
    await this.db.backup(destination);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

import Fastify, { type FastifyError, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { analysisResourceLimits } from './analysis/heap-limits.js';
import { createAnalysisRunner, type AnalysisRunner } from './analysis/pool.js';
import { DerivedCache } from './derive/cache.js';
import { createDeriveRunner, type DeriveRunner } from './derive/pool.js';
import { registerGuard, type AuthOptions } from './auth/guard.js';
import { HttpError } from './errors.js';
import { InflightBudget } from './ingest/budget.js';
import { DailyQuota, SharedDailyQuota, type Quota } from './ingest/quota.js';
import { registerExternalPlugins, type WriteRateLimit } from './plugins/external.js';
import { defaultExamplesDir, defaultMigrationsDir } from './paths.js';
import type { RouteDeps } from './routes/deps.js';
import { annotationRoutes } from './routes/annotations.js';
import { captureRoutes } from './routes/captures.js';
import { collectRoutes } from './routes/collect.js';
import { CaptureService } from './services/captures.js';
import { exportRoutes } from './routes/exports.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { mitigationRoutes } from './routes/mitigation.js';
import { sessionRoutes } from './routes/session.js';
import { shareRoutes } from './routes/shares.js';
import { uploadRoutes } from './routes/upload.js';
import { ViewCache } from './routes/view.js';
import { registerWebApp, wantsSpaFallback } from './routes/web.js';
import { loadExamplesOnce } from './services/examples.js';
import { IngestService } from './services/ingest.js';
import { reanalyzeStored } from './services/reanalyze.js';
import { redactionSecret } from './services/redaction.js';
import { scheduleRetention } from './services/retention.js';
import { openStore } from './store/open.js';
import { isDatabaseUnavailable } from './store/postgres-store.js';
import type { SharedCounters } from './store/types.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export interface AppOptions {
  /** The SQLite file, unless `databaseUrl` names a PostgreSQL database. */
  dbPath: string;
  /** `postgres://…` (HANGSCOPE_DATABASE_URL): the store is that PostgreSQL database; several
   *  servers may share it. Unset: the SQLite file `dbPath`. */
  databaseUrl?: string;
  /** Connections to PostgreSQL of this server (default 10). */
  databasePoolSize?: number;
  /** The built web app; omitted: API only. */
  webRoot?: string;
  logger?: boolean | object;
  maxUploadBytes?: number;
  /** Default: the repository's migrations/ (or env HANGSCOPE_MIGRATIONS). */
  migrationsDir?: string;
  /** Default: the repository's examples/ (or env HANGSCOPE_EXAMPLES); null: load none. */
  examplesDir?: string | null;
  /** Analysis worker threads (default 2: one big dump must not hold up the small ones behind it). */
  analysisWorkers?: number;
  /** Bound of each analysis worker's old generation in MB (default: from maxUploadBytes, see heap-limits.ts). */
  analysisHeapMb?: number;
  /** Replace the analysis runner (the CLI and tests pass their own). */
  analysis?: AnalysisRunner;
  /** Worker threads that build exports, task views and diffs from stored analyses (default 1). */
  deriveWorkers?: number;
  /** Exports and views refused (503) while this many wait for a derive worker (default 16). */
  maxQueuedDerives?: number;
  /** Bytes of built reports and graphs kept for the next request (default 32 MiB; 0: none). */
  exportCacheBytes?: number;
  /** Replace the derive runner (tests pass the built worker's pool). */
  derive?: DeriveRunner;
  /** Re-analyse incidents from other analyzer versions in the background after start (default true). */
  reanalyzeOnStart?: boolean;
  /** Per-client limit on write routes (default 120 per minute); false: none. */
  rateLimit?: WriteRateLimit | false;
  /** Per-client limit on reads that cost work per request (default 300 per minute); false: none. */
  readRateLimit?: WriteRateLimit | false;
  /** Stored bytes per client per UTC day (default 32 × maxUploadBytes); 0: no quota. */
  dailyQuotaBytes?: number;
  /** Who the client is behind a reverse proxy: Fastify's trustProxy (true, or the
   *  proxies' addresses / CIDRs); default false: the socket's address. */
  trustProxy?: boolean | string[];
  /** Bytes of upload bodies held at once across all uploads (default 4 × maxUploadBytes):
   *  past it, uploads are refused with 503 and Retry-After (ingest/budget.ts). */
  maxInflightBytes?: number;
  /** Uploads are refused (503) while this many analyses wait for a worker (default 64). */
  maxQueuedAnalyses?: number;
  /** Milliseconds an upload's body may take to arrive, 408 after (default 120 s). */
  bodyTimeoutMs?: number;
  /** Store incident page views of analyses from this many bytes of JSON (default
   *  STORED_VIEW_MIN_BYTES; see store/sqlite-store.ts). */
  storedViewMinBytes?: number;
  /** Tokens and roles (auth/guard.ts); default off: everyone may do everything, as
   *  on a loopback-only server (server.ts refuses other addresses without a choice). */
  auth?: AuthOptions;
  /** Delete incidents older than this many days unless pinned, at start and hourly (0/unset: keep all). */
  retentionDays?: number;
  /** Redact every dump before it is stored (redact/redact.ts): `kaslr` moves kernel
   *  addresses too. Default: stored byte-exact. */
  redactAtIngest?: { kaslr: boolean } | false;
}

export const DEFAULT_MAX_QUEUED_ANALYSES = 64;
export const DEFAULT_MAX_QUEUED_DERIVES = 16;
export const DEFAULT_EXPORT_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * How long an upload's body may take to arrive. A 64 MiB dump needs 0.55 MB/s to make
 * it; a slower link can send it gzip-compressed (dumps compress 5–20:1). A body
 * trickling in (a byte a second) holds its share of the memory budget for this long at
 * most, not for the 10 minutes of the old request timeout.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 120_000;

export const DEFAULT_WRITE_RATE_LIMIT: WriteRateLimit = { max: 120, timeWindowMs: 60_000 };
export const DEFAULT_READ_RATE_LIMIT: WriteRateLimit = { max: 300, timeWindowMs: 60_000 };

const STATUS_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
  507: 'insufficient_storage',
};

/** Every error leaves as `{ error, message }`; a 5xx never shows its internals. */
function errorHandler(
  this: FastifyInstance,
  err: FastifyError | HttpError,
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
) {
  // A full disk is the operator's to fix, not a bug: say so (SQLite rolled the write back;
  // 53100 is PostgreSQL's disk_full, its transaction rolled back too).
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') {
    request.log.error({ err }, 'disk full');
    return reply.code(507).type('application/json; charset=utf-8').send({
      error: 'insufficient_storage',
      message: 'the server is out of disk space; nothing was stored, retry later',
    });
  }
  // The database is down or unreachable (PostgreSQL restarting, a network cut): nothing
  // was done that the client cannot do again; a retry after a moment may succeed.
  if (isDatabaseUnavailable(err)) {
    request.log.error({ err }, 'database unavailable');
    return reply.code(503).header('retry-after', '5').type('application/json; charset=utf-8').send({
      error: 'database_unavailable',
      message: 'the database is not reachable; nothing was stored, retry later',
    });
  }
  // PostgreSQL text cannot hold U+0000 (SQLite's can): a note or title with one is refused.
  if (code === '22021' || code === '22P05') {
    return reply
      .code(400)
      .type('application/json; charset=utf-8')
      .send({ error: 'bad_request', message: 'text with a NUL character (U+0000) cannot be stored' });
  }
  if (err instanceof HttpError && err.headers) reply.headers(err.headers);
  // Answered before the request's body was read (413, 503, 408): the connection is not
  // reused — the client may still be sending it (routes/upload.ts drops the rest).
  if (!request.raw.complete) reply.header('connection', 'close');
  const status =
    typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  // A 503 the server chose (memory budget, queue) is load, not a fault.
  if (status >= 500) request.log[err instanceof HttpError ? 'warn' : 'error']({ err }, 'request failed');
  const error = err instanceof HttpError ? err.error : (STATUS_NAMES[status] ?? 'internal_error');
  const message = status >= 500 && !(err instanceof HttpError) ? 'internal server error' : err.message;
  return reply.code(status).type('application/json; charset=utf-8').send({ error, message });
}

/** The daily quota: none for 0; counted in the shared database when there is one. */
function quotaOf(bytesPerDay: number, shared: SharedCounters | undefined): Quota | null {
  if (bytesPerDay === 0) return null;
  return shared ? new SharedDailyQuota(bytesPerDay, shared) : new DailyQuota(bytesPerDay);
}

/** The application as a plugin, in layers: external plugins, store and services, routes. */
export const hangscopeApp: FastifyPluginAsync<AppOptions> = async (app, opts) => {
  const rateLimit = opts.rateLimit ?? DEFAULT_WRITE_RATE_LIMIT;
  const readRateLimit = opts.readRateLimit ?? DEFAULT_READ_RATE_LIMIT;
  const store = await openStore({
    dbPath: opts.dbPath,
    databaseUrl: opts.databaseUrl,
    migrationsDir: opts.migrationsDir ?? defaultMigrationsDir(),
    storedViewMinBytes: opts.storedViewMinBytes,
    poolSize: opts.databasePoolSize,
  });
  const auth: AuthOptions = opts.auth ?? { enabled: false };
  await registerExternalPlugins(app, {
    rateLimit,
    readRateLimit,
    guard: (a) => registerGuard(a, store, auth),
    shared: store.shared,
  });
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const analysis =
    opts.analysis ??
    createAnalysisRunner({
      size: opts.analysisWorkers ?? 2,
      timeoutMs: 5 * 60_000,
      resourceLimits: analysisResourceLimits(maxUploadBytes, opts.analysisHeapMb),
    });
  app.log.info({ mode: analysis.mode }, 'analysis runner');
  // Exports, task views, diffs: built from whole analyses, off the event loop (derive/).
  const derive =
    opts.derive ??
    createDeriveRunner({
      size: opts.deriveWorkers ?? 1,
      timeoutMs: 60_000,
      maxQueued: opts.maxQueuedDerives || DEFAULT_MAX_QUEUED_DERIVES,
      resourceLimits: analysisResourceLimits(maxUploadBytes, opts.analysisHeapMb),
    });
  app.log.info({ mode: derive.mode }, 'derive runner');
  const views = new ViewCache();
  const redaction = opts.redactAtIngest
    ? { kaslr: opts.redactAtIngest.kaslr, secret: () => redactionSecret(store) }
    : null;
  const ingest = new IngestService(store, analysis, views, redaction);
  const captures = new CaptureService(store, analysis, views, redaction);
  // Background re-analysis after a new analyzer version; stopped between incidents
  // when the server closes.
  let closing = false;
  let background: Promise<unknown> = Promise.resolve();
  if (opts.reanalyzeOnStart ?? true) {
    app.addHook('onReady', async () => {
      background = reanalyzeStored(store, analysis, app.log, { shouldStop: () => closing }).catch((err: unknown) =>
        app.log.error({ err }, 'background re-analysis stopped'),
      );
    });
  }
  if (opts.retentionDays) {
    const days = opts.retentionDays;
    let stop = () => {};
    app.addHook('onReady', async () => {
      stop = scheduleRetention(store, days, app.log, (ids) => ids.forEach((id) => views.forget(id)));
    });
    app.addHook('onClose', async () => stop());
  }
  // Close order: Fastify first stops accepting and finishes in-flight requests, then
  // runs onClose hooks; only then are the workers and the database let go.
  app.addHook('onClose', async () => {
    closing = true;
    await analysis.close();
    await derive.close();
    await background;
    await store.close();
  });

  const deps: RouteDeps = {
    store,
    ingest,
    captures,
    analysis,
    derive,
    exports: new DerivedCache(opts.exportCacheBytes ?? DEFAULT_EXPORT_CACHE_BYTES),
    maxUploadBytes,
    inflight: new InflightBudget(opts.maxInflightBytes || 4 * maxUploadBytes),
    maxQueuedAnalyses: opts.maxQueuedAnalyses || DEFAULT_MAX_QUEUED_ANALYSES,
    bodyTimeoutMs: opts.bodyTimeoutMs || DEFAULT_BODY_TIMEOUT_MS,
    readRateLimit,
    quota: quotaOf(opts.dailyQuotaBytes ?? 32 * maxUploadBytes, store.shared),
    rateLimit,
    views,
  };

  app.setErrorHandler(errorHandler);
  const spa = opts.webRoot ? await registerWebApp(app, opts.webRoot) : false;
  app.setNotFoundHandler((request, reply) => {
    if (spa && wantsSpaFallback(request.method, request.url)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply
      .code(404)
      .send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?', 1)[0]}` });
  });

  await app.register(healthRoutes, { deps });
  await app.register(sessionRoutes, { deps, auth });
  await app.register(collectRoutes, { deps });
  await app.register(captureRoutes, { deps });
  await app.register(uploadRoutes, { deps });
  await app.register(incidentRoutes, { deps });
  await app.register(annotationRoutes, { deps });
  await app.register(mitigationRoutes, { deps });
  await app.register(groupRoutes, { deps });
  await app.register(exportRoutes, { deps });
  await app.register(shareRoutes, { deps });
  await app.register((await import('./routes/view.js')).viewRoutes, { deps });

  const examplesDir = opts.examplesDir === undefined ? defaultExamplesDir() : opts.examplesDir;
  if (examplesDir !== null) await loadExamplesOnce(store, ingest, examplesDir, app.log);
};

/** A Fastify instance with the app registered; call `ready()` or `listen()` next. */
export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Bounds for the JSON bodies of the small routes; uploads have their own limit.
    bodyLimit: 1024 * 1024,
    // Receiving a whole request: a backstop behind the upload's own body timeout (which
    // answers with a JSON 408), for what it does not cover (a slow multipart prelude).
    requestTimeout: (opts.bodyTimeoutMs || DEFAULT_BODY_TIMEOUT_MS) + 10_000,
    connectionTimeout: 10 * 60_000,
    keepAliveTimeout: 10_000,
    pluginTimeout: 5 * 60_000, // loading examples on the first start runs the analyzer
    return503OnClosing: true,
    trustProxy: opts.trustProxy ?? false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.register(hangscopeApp, opts);
  return app;
}

// The process: configuration from the environment, listen, and shut down gracefully.
// Everything else is the app (app.ts), which tests build without a process.
import { resolve } from 'node:path';
import { buildApp, DEFAULT_MAX_UPLOAD_BYTES } from './app.js';
import { authFromEnv } from './auth/config.js';
import { defaultWebRoot } from './paths.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

/**
 * HANGSCOPE_TRUST_PROXY: unset or `false`, the socket's address is the client; `true`,
 * the left-most X-Forwarded-For address (only behind a proxy that always sets it);
 * otherwise a comma-separated list of the proxies' addresses or CIDRs, whose
 * X-Forwarded-For is believed (the safer choice).
 */
function trustProxyFromEnv(raw: string | undefined): boolean | string[] {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return true;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function redactAtIngestFromEnv(raw: string | undefined): { kaslr: boolean } | false {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'off' || v === 'false') return false;
  if (v === 'kaslr') return { kaslr: true };
  if (v === '1' || v === 'on' || v === 'true') return { kaslr: false };
  throw new Error(`HANGSCOPE_REDACT_AT_INGEST must be off, on or kaslr, got ${raw}`);
}

const port = intFromEnv('PORT', 8080);
const host = process.env.HOST || '127.0.0.1';
// Relative to the directory the server was started from.
const dbPath = resolve(process.env.HANGSCOPE_DB || './data/hangscope.db');

let auth;
try {
  auth = authFromEnv(process.env, host);
} catch (err) {
  console.error(`hangscope: ${(err as Error).message}`);
  process.exit(2);
}

// postgres://…: the store is that PostgreSQL database (several servers may share it).
const databaseUrl = process.env.HANGSCOPE_DATABASE_URL || undefined;

const app = buildApp({
  dbPath,
  databaseUrl,
  // 0 (or unset): 10 connections to PostgreSQL per server.
  databasePoolSize: intFromEnv('HANGSCOPE_DATABASE_POOL', 0) || undefined,
  webRoot: process.env.HANGSCOPE_WEB_ROOT || defaultWebRoot(),
  maxUploadBytes: intFromEnv('HANGSCOPE_MAX_UPLOAD', DEFAULT_MAX_UPLOAD_BYTES),
  analysisWorkers: Math.max(1, intFromEnv('HANGSCOPE_ANALYSIS_WORKERS', 2)),
  // 0: derived from the upload limit (analysis/heap-limits.ts).
  analysisHeapMb: intFromEnv('HANGSCOPE_ANALYSIS_HEAP_MB', 0),
  // Threads building exports, task views and diffs; 0 (or unset): the queue bound of app.ts.
  deriveWorkers: Math.max(1, intFromEnv('HANGSCOPE_EXPORT_WORKERS', 1)),
  maxQueuedDerives: intFromEnv('HANGSCOPE_EXPORT_QUEUE', 0),
  // MiB of built reports and graphs kept; unset: 32; 0: none.
  exportCacheBytes: process.env.HANGSCOPE_EXPORT_CACHE_MB
    ? intFromEnv('HANGSCOPE_EXPORT_CACHE_MB', 0) * 1024 * 1024
    : undefined,
  // Writes per client address and window; 0 turns limiting off.
  rateLimit:
    intFromEnv('HANGSCOPE_RATE_LIMIT', 120) === 0
      ? false
      : {
          max: intFromEnv('HANGSCOPE_RATE_LIMIT', 120),
          timeWindowMs: intFromEnv('HANGSCOPE_RATE_LIMIT_WINDOW_MS', 60_000),
          // Uploads per window of an `ingest` token (a fleet): 10 × the write limit.
          ingestMax: intFromEnv('HANGSCOPE_INGEST_RATE_LIMIT', 0) || 10 * intFromEnv('HANGSCOPE_RATE_LIMIT', 120),
        },
  reanalyzeOnStart: process.env.HANGSCOPE_REANALYZE_ON_START !== '0',
  // 0 (or unset): the defaults of app.ts (4 × the upload limit; 64; 120 s).
  maxInflightBytes: intFromEnv('HANGSCOPE_MAX_INFLIGHT', 0),
  maxQueuedAnalyses: intFromEnv('HANGSCOPE_MAX_QUEUE', 0),
  bodyTimeoutMs: intFromEnv('HANGSCOPE_BODY_TIMEOUT_MS', 0),
  // Reads that cost work per request, per client address and minute; 0 turns it off.
  readRateLimit:
    intFromEnv('HANGSCOPE_READ_RATE_LIMIT', 300) === 0
      ? false
      : { max: intFromEnv('HANGSCOPE_READ_RATE_LIMIT', 300), timeWindowMs: 60_000 },
  // Stored bytes per client per UTC day; unset: 32 × the upload limit; 0: none.
  dailyQuotaBytes: process.env.HANGSCOPE_DAILY_QUOTA ? intFromEnv('HANGSCOPE_DAILY_QUOTA', 0) : undefined,
  trustProxy: trustProxyFromEnv(process.env.HANGSCOPE_TRUST_PROXY),
  // Days an unpinned incident is kept; 0 (or unset): forever.
  retentionDays: intFromEnv('HANGSCOPE_RETENTION_DAYS', 0),
  // 1/on: dumps redacted before they are stored; kaslr: kernel addresses moved too.
  redactAtIngest: redactAtIngestFromEnv(process.env.HANGSCOPE_REDACT_AT_INGEST),
  auth,
  logger: { level: process.env.LOG_LEVEL || 'info' },
});

// Graceful shutdown: stop accepting connections, let in-flight requests finish (an
// upload being analysed included), close idle keep-alive sockets, then the workers
// and the database. A second signal, or 30 s, forces the exit.
const SHUTDOWN_GRACE_MS = 30_000;
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ port, host });
  app.log.info(
    { ...(databaseUrl ? { database: 'postgresql' } : { dbPath }), auth: auth.enabled ? 'on' : 'off' },
    'hangscope server ready',
  );
} catch (err) {
  app.log.error({ err }, 'server failed to start');
  await app.close().catch(() => {});
  process.exit(1);
}

// Helpers for the reliability tests: the built server as a child process, distinct
// dumps of a chosen size, and database checks that open the SQLite file directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BUILT_SERVER = join(SERVER_DIR, 'dist', 'server.js');
export const BUILT_CLI = join(SERVER_DIR, 'dist', 'cli.js');
export const BUILT_WORKER = join(SERVER_DIR, 'dist', 'analysis', 'worker.js');
/** `npm test` builds first; a bare `vitest run` without a build skips the child-process tests. */
export const HAVE_BUILD = existsSync(BUILT_SERVER) && existsSync(BUILT_CLI) && existsSync(BUILT_WORKER);

const FIXTURES = join(REPO_ROOT, 'packages', 'analyzer', 'fixtures');
/** Real dumps from the analyzer's fixtures (seeds, corpus, dmesg). */
export const FIXTURE_DUMPS: string[] = ['seeds', 'corpus', 'dmesg'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8')),
);

/**
 * A distinct dump of about `size` bytes: a unique first line, then real fixture dumps
 * repeated. Distinct bytes, so no upload is a duplicate of another.
 */
export function makeDump(tag: string, size: number, offset = 0): Buffer {
  const parts = [`# hangscope reliability dump ${tag}\n`];
  let n = parts[0].length;
  for (let i = offset; n < size; i++) {
    const d = FIXTURE_DUMPS[i % FIXTURE_DUMPS.length];
    parts.push(d.endsWith('\n') ? d : `${d}\n`);
    n += d.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, Math.max(size, parts[0].length));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  pid: number;
  log: () => string;
  /** SIGKILL: no shutdown hook runs, the kernel closes the files. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerEnv {
  dbPath: string;
  examplesDir: string;
  extra?: Record<string, string>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Start `node dist/server.js` and wait until /healthz answers. */
export async function startServer(env: ServerEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BUILT_SERVER], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: String(port),
      HOST: '127.0.0.1',
      HANGSCOPE_DB: env.dbPath,
      HANGSCOPE_EXAMPLES: env.examplesDir,
      HANGSCOPE_RATE_LIMIT: '0',
      HANGSCOPE_READ_RATE_LIMIT: '0',
      HANGSCOPE_DAILY_QUOTA: '0',
      HANGSCOPE_WEB_ROOT: join(env.examplesDir, 'no-web'),
      LOG_LEVEL: 'warn',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
  return {
    child,
    base,
    pid: child.pid!,
    log: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      return exited(child);
    },
  };
}

/** Run the built CLI as a child process (not awaited: the caller may kill it). */
export function spawnCli(
  args: string[],
  dbPath: string,
  extra: Record<string, string> = {},
): { child: ChildProcess; done: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HANGSCOPE_DB: dbPath, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, done: exited(child), output: () => output };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Open the database file (WAL: safe beside a running server; opening recovers a WAL left by a crash, as a restart would). */
export function withDb<T>(dbPath: string, fn: (db: Database.Database) => T, readonly = false): T {
  const db = new Database(dbPath, { readonly, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

export interface DbHealth {
  integrity: string;
  incidents: number;
  /** Incidents missing their raw bytes, their analysis or their search row. */
  halfWritten: string[];
  orphans: number;
}

/** integrity_check, and every incident complete: raw + analysis + FTS row. */
export function dbHealth(dbPath: string): DbHealth {
  return withDb(dbPath, (db) => {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    const incidents = (db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
    const halfWritten = (
      db
        .prepare(
          `SELECT i.id FROM incidents i
           LEFT JOIN incident_raw r ON r.incident_id = i.id
           LEFT JOIN incident_analysis a ON a.incident_id = i.id
           WHERE r.incident_id IS NULL OR a.incident_id IS NULL OR length(r.data) = 0 OR length(a.document) < 2
              OR NOT EXISTS (SELECT 1 FROM incident_fts f WHERE f.rowid = i.seq)`,
        )
        .all() as { id: string }[]
    ).map((r) => r.id);
    const orphans = (
      db
        .prepare(
          `SELECT (SELECT count(*) FROM incident_raw WHERE incident_id NOT IN (SELECT id FROM incidents))
                + (SELECT count(*) FROM incident_analysis WHERE incident_id NOT IN (SELECT id FROM incidents))
                + (SELECT count(*) FROM incident_views WHERE incident_id NOT IN (SELECT id FROM incidents)) AS n`,
        )
        .get() as { n: number }
    ).n;
    return { integrity, incidents, halfWritten, orphans };
  });
}

export function mkdirs(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(d, { recursive: true });
}

// Shared test setup: a real app on a real SQLite file in a fresh temp directory — or,
// in the PostgreSQL run (HANGSCOPE_TEST_ENGINE=postgres, vitest.postgres.config.ts), on a
// fresh database of the run's real PostgreSQL cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp, type AppOptions } from '../app.js';
import { defaultMigrationsDir } from '../paths.js';
import { openStore } from '../store/open.js';
import { createTestDatabase, dropTestDatabase, TEST_ENGINE } from './pg-database.js';

export { TEST_ENGINE } from './pg-database.js';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  /** The SQLite file (unused in the PostgreSQL run). */
  dbPath: string;
  /** Where the app's store is: spread into buildApp() or openStore() for another server
   *  or store on the same database. */
  store: { dbPath: string; databaseUrl?: string };
  /** Raw SQL on the app's database, `?` placeholders, on either engine; rows of a query. */
  sql<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** int8 as numbers, as the store reads them. */
const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format as 'text'),
} as pg.CustomTypesConfig;

/** Raw SQL on a store's database (see TestApp.sql). */
export async function rawSql<T>(
  store: { dbPath: string; databaseUrl?: string },
  text: string,
  params: unknown[],
): Promise<T[]> {
  if (!store.databaseUrl) {
    const db = new Database(store.dbPath);
    try {
      const s = db.prepare(text);
      if (s.reader) return s.all(...params) as T[];
      s.run(...params);
      return [];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: store.databaseUrl, types: PG_TYPES });
  await c.connect();
  try {
    let n = 0;
    return (
      await c.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as T[];
  } finally {
    await c.end();
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hangscope-test-'));
}

/** A store of the test run's engine on a fresh database in `dir`; `again()` opens a second
 *  store (another connection, as the CLI or another server) on the same database. */
export async function openTestStore(dir: string, options: { storedViewMinBytes?: number } = {}) {
  const location = {
    dbPath: join(dir, 'db.sqlite'),
    databaseUrl: TEST_ENGINE === 'postgres' ? await createTestDatabase() : undefined,
  };
  const open = () => openStore({ ...location, migrationsDir: defaultMigrationsDir(), ...options });
  const store = await open();
  return {
    store,
    location,
    again: open,
    sql: <T = Record<string, unknown>>(text: string, ...params: unknown[]) => rawSql<T>(location, text, params),
    async close() {
      await store.close();
      if (location.databaseUrl) await dropTestDatabase(location.databaseUrl);
    },
  };
}

/** A database of the test run's engine for an app a test builds itself: the SQLite file
 *  in `dir`, or a fresh PostgreSQL database; `env` is the CLI's environment for it. */
export async function testDatabase(dir: string) {
  const dbPath = join(dir, 'data', 'hangscope.db');
  const databaseUrl = TEST_ENGINE === 'postgres' ? await createTestDatabase() : undefined;
  return {
    dbPath,
    databaseUrl,
    env: { HANGSCOPE_DB: dbPath, ...(databaseUrl ? { HANGSCOPE_DATABASE_URL: databaseUrl } : {}) },
    async drop() {
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}

/** The PostgreSQL database of each temp dir of this process (a restart on the same dir
 *  reuses it, as a restart on the same SQLite file does). */
const databases = new Map<string, string>();

/** The environment that points the CLI (cli.ts) at a test app's database. */
export function cliEnv(store: { dbPath: string; databaseUrl?: string }): NodeJS.ProcessEnv {
  return { HANGSCOPE_DB: store.dbPath, ...(store.databaseUrl ? { HANGSCOPE_DATABASE_URL: store.databaseUrl } : {}) };
}

/** `beforeReady`: hooks to add before the app's plugins load (onRoute, say). */
export async function startApp(
  overrides: Partial<AppOptions> = {},
  dir = tempDir(),
  beforeReady?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const dbPath = join(dir, 'data', 'hangscope.db');
  let databaseUrl: string | undefined;
  if (TEST_ENGINE === 'postgres') {
    databaseUrl = databases.get(dir) ?? (await createTestDatabase());
    databases.set(dir, databaseUrl);
  }
  const store = { dbPath, databaseUrl };
  const app = buildApp({ ...store, examplesDir: null, rateLimit: false, readRateLimit: false, ...overrides });
  beforeReady?.(app);
  await app.ready();
  return {
    app,
    dir,
    dbPath,
    store,
    sql: (text, ...params) => rawSql(store, text, params),
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      if (databaseUrl) {
        databases.delete(dir);
        await dropTestDatabase(databaseUrl);
      }
    },
  };
}

/** A dmesg hung-task report as the kernel prints it (RHEL 7 style). */
export const HUNG_TASK_DUMP = [
  '[ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
  '[ 4080.216223]       Tainted: G           OE  ------------   3.10.0-957.el7.x86_64 #1',
  '[ 4080.216226] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
  '[ 4080.216229] rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
  '[ 4080.216235] Call Trace:',
  '[ 4080.216245]  [<ffffffff9a567c49>] schedule+0x29/0x70',
  '[ 4080.216251]  [<ffffffff9a565721>] schedule_timeout+0x221/0x2d0',
  '[ 4080.216258]  [<ffffffff9a567ffd>] wait_for_completion+0xfd/0x140',
  '[ 4080.216265]  [<ffffffff99ebb2b3>] flush_workqueue+0x12c/0x5b0',
  '[ 4080.216272]  [<ffffffffc06a2039>] bsn_exit+0x19/0x30 [bsnmod]',
  '[ 4080.216279]  [<ffffffff99f1a3fe>] SyS_delete_module+0x19e/0x310',
  '[ 4080.216286]  [<ffffffff9a574ddb>] system_call_fastpath+0x22/0x27',
  '',
].join('\n');

/** The same kind of report, but with CRLF line ends and non-ASCII UTF-8 in a comment. */
export const CRLF_UTF8_DUMP =
  '# captured on bästa-host — “prod” ✓ 日本語\r\n' +
  '[  242.113511] INFO: task kworker/1:2:4790 blocked for more than 120 seconds.\r\n' +
  '[  242.113530] kworker/1:2     D    0  4790      2 0x80000000\r\n' +
  '[  242.113536] Workqueue: events qxl_fb_work [qxl]\r\n' +
  '[  242.113540] Call Trace:\r\n' +
  '[  242.113549]  __schedule+0x2c4/0x880\r\n' +
  '[  242.113555]  schedule+0x32/0x80\r\n' +
  '[  242.113560]  schedule_preempt_disabled+0xe/0x10\r\n' +
  '[  242.113564]  __mutex_lock.isra.5+0x2ab/0x4d0\r\n' +
  '[  242.113570]  qxl_fb_work+0x41/0x90 [qxl]\r\n' +
  '[  242.113575]  process_one_work+0x1e0/0x400';

/** Upload text/plain; returns the parsed JSON reply and status. */
export interface UploadReply {
  status: number;
  json: { id: string; url: string; duplicate?: boolean; analysisError?: string; error?: string; message?: string };
  res: LightMyRequestResponse;
}

export async function upload(app: FastifyInstance, body: string | Buffer, query = ''): Promise<UploadReply> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/incidents${query}`,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    payload: body,
  });
  return { status: res.statusCode, json: res.json(), res };
}

/** A multipart/form-data body built by the platform's own FormData encoder. */
export async function multipartBody(fields: Record<string, string>, dump?: { bytes: Buffer | string; name?: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (dump) form.append('dump', new Blob([dump.bytes]), dump.name ?? 'dump.txt');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type')!,
  };
}

/** Listen on a free loopback port (a real socket, not inject) and return its base URL. */
export async function listenLocal(app: TestApp): Promise<string> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.app.server.address() as import('node:net').AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * A sysrq-t task dump (`sysrq: Show State`, 5.15 `task:` lines) with `tasks` tasks on
 * three distinct stacks, and one mutex waiter: enough tasks for the compact form.
 */
export function sysrqDump(tasks: number): string {
  const stacks = [
    [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'worker_thread+0xb3/0x3d0',
      'kthread+0x127/0x150',
      'ret_from_fork+0x1f/0x30',
    ],
    [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'smpboot_thread_fn+0xe7/0x170',
      'kthread+0x127/0x150',
      'ret_from_fork+0x1f/0x30',
    ],
    [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'schedule_preempt_disabled+0xe/0x10',
      '__mutex_lock.constprop.0+0x2ab/0x4d0',
      'ext4_sync_fs+0x41/0x90 [ext4]',
      'iterate_supers+0x9f/0x100',
      'ksys_sync+0x40/0xb0',
      '__do_sys_sync+0xe/0x20',
      'do_syscall_64+0x59/0xc0',
      'entry_SYSCALL_64_after_hwframe+0x61/0xcb',
    ],
  ];
  const lines = [
    '[ 8812.331211] Linux version 5.15.0-113-generic (buildd@lcy02-amd64-100) #123-Ubuntu SMP',
    '[ 8812.331220] sysrq: Show State',
  ];
  for (let pid = 1; pid <= tasks; pid++) {
    const kind = pid === tasks ? 2 : pid % 2;
    const comm = kind === 2 ? 'sync' : kind === 0 ? `kworker/${pid % 64}:1` : `migration/${pid % 64}`;
    const state = kind === 2 ? 'D' : kind === 0 ? 'I' : 'S';
    lines.push(
      `[ 8812.331231] task:${comm.padEnd(15)} state:${state} stack:    0 pid:${String(pid).padStart(5)} ppid:     2 flags:0x00004000`,
    );
    lines.push('[ 8812.331236] Call Trace:', '[ 8812.331239]  <TASK>');
    for (const f of stacks[kind]) lines.push(`[ 8812.331247]  ${f}`);
    lines.push('[ 8812.331285]  </TASK>');
  }
  return `${lines.join('\n')}\n`;
}

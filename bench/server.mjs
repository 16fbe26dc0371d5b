#!/usr/bin/env node
// Server benchmark over a real loopback socket, against the built server
// (apps/server/dist/server.js) in its own process with a temporary database:
//
//   1. seed N stored incidents (default 100,000) into the database before the server
//      starts, through the server's own SqliteStore.create (same rows, FTS entries and
//      analysis documents as an upload makes), using analyses of the analyzer's fixtures;
//   2. POST /api/incidents with each --dump file (default: the 10 MB and 50 MB sysrq-t
//      dumps), timing until the response, then GET /api/incidents/:id of it (the
//      incident page's API call): "ingested and answering";
//   2b. restart the server and time the first GET /api/incidents/:id/view of each posted
//      dump (the view cache is empty: the view stored beside the analysis is sent);
//   3. autocannon, 50 connections, bounded duration (after a 2 s warm-up that is not measured): GET /api/incidents/:id over seeded
//      ids, then GET /api/incidents?q=TERM (history search) over a set of terms, cached
//      and uncached;
//      p50/p99 latency and throughput.
//
//   node bench/server.mjs [--incidents 100000] [--duration 10] [--warmup 2] [--connections 50]
//                         [--dump bench/out/sysrq-10mb.txt,bench/out/sysrq-50mb.txt]
//                         [--keep DIR] [--json out.json] [--seed-cache DIR] [--only posts,restart,load]
//                         [--node-args '--cpu-prof --cpu-prof-dir=DIR']
//
// --seed-cache DIR keeps the seeded database in DIR (keyed by a hash of the migrations and
// the built store/digest code, so a change to either seeds again) and copies it for each
// run: seeding 100,000 incidents takes about a minute, copying the file a second or two.
// The server's peak RSS during each POST is sampled from /proc (VmRSS every 10 ms, after
// resetting VmHWM through clear_refs where the kernel allows it) and printed with the POST.
// Every step prints the 1-minute load average: the machine may be shared.
//
// --database-url postgres://… runs the same on PostgreSQL (an empty database: the bench
// seeds it through PostgresStore.create, 8 at a time, and the server runs with
// HANGSCOPE_DATABASE_URL); --seed-cache is for SQLite only. A throwaway cluster:
//   initdb -D DIR -A trust -U postgres; pg_ctl -D DIR -o "-p 5499 -k DIR" start; createdb -h 127.0.0.1 -p 5499 -U postgres bench
//
// --keep DIR leaves the server running on DIR's database for the browser bench
// (prints the port and the id of the last posted dump) until SIGINT/SIGTERM.
// Build first: pnpm turbo run build --filter @hangscope/server

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const serverDir = join(root, 'apps/server');
const require = createRequire(join(serverDir, 'package.json'));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const INCIDENTS = Number(arg('incidents', '100000'));
const DURATION = Number(arg('duration', '10'));
const WARMUP = Number(arg('warmup', '2'));
const CONNECTIONS = Number(arg('connections', '50'));
const DUMPS = arg('dump', [join(here, 'out/sysrq-10mb.txt'), join(here, 'out/sysrq-50mb.txt')].join(','))
  .split(',')
  .filter(Boolean)
  .map((f) => resolve(f));
const KEEP = arg('keep', null);
const JSON_OUT = arg('json', null);
const SEED_CACHE = arg('seed-cache', null);
const DATABASE_URL = arg('database-url', null);
// e.g. --node-args '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server process
// --log-level info prints the server's per-step ingest timings after each POST
const LOG_LEVEL = arg('log-level', 'warn');
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);
// --only posts,get,get-gzip,search,uncached (or 'load' for the four loads)
const ONLY = new Set(
  arg('only', 'posts,restart,load')
    .split(',')
    .flatMap((k) => (k === 'load' ? ['get', 'get-gzip', 'view', 'search', 'uncached'] : [k])),
);
const load1 = () => loadavg()[0].toFixed(2);

const log = (...a) => console.log(...a);

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function http(method, port, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) },
      },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.setTimeout(600_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    if (body) req.end(body);
    else req.end();
  });
}

// ---- 1. seed ------------------------------------------------------------------------------------
/** The corpus fixtures analysed once: the incidents of both engines are copies of them. */
async function seedTemplates() {
  const { toAnalysisRecord } = await import(pathToFileURL(join(serverDir, 'dist/analysis/digest.js')).href);
  const { analyze } = await import(pathToFileURL(join(root, 'packages/analyzer/dist/index.js')).href);
  const fixtureDir = join(root, 'packages/analyzer/fixtures/corpus');
  return readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(fixtureDir, f), 'utf8'))
    .map((t) => ({ rec: toAnalysisRecord(analyze(t), t), raw: gzipSync(Buffer.from(t)), size: Buffer.byteLength(t) }));
}

const SEED_HOSTS = Array.from({ length: 200 }, (_, i) => `node${String(i).padStart(3, '0')}.dc${i % 7}.example.net`);
const SEED_START = Date.parse('2024-01-01T00:00:00Z');

/** The k-th seeded incident: a template's analysis, a minute after the one before. */
function seedIncident(k, templates) {
  const tpl = templates[k % templates.length];
  const id = randomBytes(16).toString('base64url');
  const host = SEED_HOSTS[k % SEED_HOSTS.length];
  return {
    id,
    sha256: createHash('sha256').update(id).digest('hex'),
    createdAt: new Date(SEED_START + k * 60_000).toISOString(),
    raw: { encoding: 'gzip', data: tpl.raw, size: tpl.size },
    userTitle: k % 10 === 0 ? `incident ${k} on ${host}` : null,
    host,
    tags: k % 5 === 0 ? ['prod', `rack${k % 40}`] : [],
    analysis: tpl.rec,
  };
}

/** The same incidents as seed(), into PostgreSQL through the server's PostgresStore. */
async function seedPostgres(url, n) {
  const { PostgresStore } = await import(pathToFileURL(join(serverDir, 'dist/store/postgres-store.js')).href);
  const { defaultMigrationsDir } = await import(pathToFileURL(join(serverDir, 'dist/paths.js')).href);
  const templates = await seedTemplates();
  // Bench setup only: the seeding connections commit without waiting for the disk; the
  // server's own keep synchronous_commit on.
  const seedUrl = new URL(url);
  seedUrl.searchParams.set('options', '-c synchronous_commit=off');
  const store = await PostgresStore.open(seedUrl.toString(), join(defaultMigrationsDir(), 'postgres'));
  const ids = new Array(n);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < n; k = next++) {
      const incident = seedIncident(k, templates);
      await store.create(incident);
      ids[k] = incident.id;
      if (k % 10000 === 0) log(`  seeded ${k} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await store.pool.query('VACUUM ANALYZE');
  const ms = performance.now() - t0;
  const size = (await store.pool.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b;
  await store.close();
  return { ids, ms, templates: templates.length, bytes: Number(size) };
}

async function seed(dbPath, n) {
  const { SqliteStore } = await import(pathToFileURL(join(serverDir, 'dist/store/sqlite-store.js')).href);
  const { defaultMigrationsDir } = await import(pathToFileURL(join(serverDir, 'dist/paths.js')).href);
  const templates = await seedTemplates();
  const store = new SqliteStore(dbPath, defaultMigrationsDir());
  // Bench setup only: the server itself runs with synchronous=FULL.
  store.db.pragma('synchronous = OFF');
  const ids = [];
  const t0 = performance.now();
  const batch = 2000;
  for (let b = 0; b < n; b += batch) {
    store.db.transaction(() => {
      for (let k = b; k < Math.min(n, b + batch); k++) {
        const incident = seedIncident(k, templates);
        // create() is async by interface but synchronous inside (better-sqlite3).
        void store.create(incident);
        ids.push(incident.id);
      }
    })();
  }
  const ms = performance.now() - t0;
  store.db.pragma('synchronous = FULL');
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  return { ids, ms, templates: templates.length };
}

/** What the seeded database depends on: migrations and the built code that writes rows. */
function seedKey() {
  const h = createHash('sha256').update(String(INCIDENTS));
  const mig = join(root, 'migrations');
  for (const f of readdirSync(mig).sort()) h.update(f).update(readFileSync(join(mig, f)));
  for (const f of ['dist/store/document.js', 'dist/analysis/digest.js']) h.update(readFileSync(join(serverDir, f)));
  return h.digest('hex').slice(0, 16);
}

function seedFromCache(dbPath) {
  const db = join(SEED_CACHE, `${seedKey()}.db`);
  if (!existsSync(db)) return null;
  copyFileSync(db, dbPath);
  const ids = JSON.parse(readFileSync(join(SEED_CACHE, `${seedKey()}.json`), 'utf8'));
  log(`seeded database copied from ${db} (${ids.length} incidents)`);
  return ids;
}

/** Peak resident set of process `pid` while `fn` runs: VmHWM reset where allowed, VmRSS sampled. */
async function peakRss(pid, fn) {
  const status = () => {
    try {
      return readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return '';
    }
  };
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? 0);
  let reset = false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    reset = true;
  } catch {
    /* not allowed: sampling only */
  }
  const before = kb('VmRSS');
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, kb('VmRSS'))), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, kb('VmRSS'), reset ? kb('VmHWM') : 0);
    return { result, beforeMB: before / 1024, peakMB: peak / 1024 };
  } finally {
    clearInterval(timer);
  }
}

// ---- 2. server ----------------------------------------------------------------------------------
const ingestLog = [];

async function startServer(dir, port) {
  const examples = join(dir, 'no-examples');
  mkdirSync(examples, { recursive: true });
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HANGSCOPE_DB: join(dir, 'hangscope.db'),
    ...(DATABASE_URL ? { HANGSCOPE_DATABASE_URL: DATABASE_URL } : {}),
    HANGSCOPE_EXAMPLES: examples,
    HANGSCOPE_MAX_UPLOAD: String(256 * 1024 * 1024),
    HANGSCOPE_RATE_LIMIT: '0',
    HANGSCOPE_REANALYZE_ON_START: '0',
    LOG_LEVEL: LOG_LEVEL,
  };
  const child = spawn(process.execPath, [...NODE_ARGS, join(serverDir, 'dist/server.js')], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', (d) => {
    err += d;
    if (err.length > 1_000_000) err = err.slice(-100_000);
    for (const line of String(d).split('\n')) if (line.includes('"dump ingested"')) ingestLog.push(line);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err.slice(-2000)}`);
    try {
      const r = await http('GET', port, '/healthz');
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${err.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** utime + stime of a process in ms (from /proc; 0 where unavailable). */
function processCpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14, 15 in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 35_000);
  await done;
  clearTimeout(t);
}

// ---- 3. load ------------------------------------------------------------------------------------
async function load(port, title, paths, headers = {}) {
  const autocannon = require(join(root, 'node_modules/autocannon'));
  let i = 0;
  // Warm-up, not measured: the first requests of a route compile its code and schemas.
  // It walks the paths from the middle, so the measured run starts on paths not yet seen.
  let w = Math.floor(paths.length / 2);
  await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: WARMUP,
    requests: [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: paths[w++ % paths.length] }) }],
  });
  const cpu0 = processCpuMs(child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
  });
  const o = {
    title,
    connections: CONNECTIONS,
    durationS: DURATION,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    // Server CPU (user + system, all threads) per request: steadier than latency on a shared machine.
    serverCpuMsPerRequest: (processCpuMs(child.pid) - cpu0) / Math.max(1, result.requests.total),
    load1: Number(load1()),
  };
  log(
    `[load ${load1()}] ${title.padEnd(34)} ${String(o.requests).padStart(7)} req  ${o.rps.toFixed(0).padStart(6)} req/s  p50 ${o.p50} ms  p90 ${o.p90} ms  p99 ${o.p99} ms  max ${o.max} ms  non2xx ${o.non2xx}  errors ${o.errors}  server CPU ${o.serverCpuMsPerRequest.toFixed(2)} ms/req`,
  );
  return o;
}

// ---- main ---------------------------------------------------------------------------------------
const dir = KEEP ? resolve(KEEP) : mkdtempSync(join(tmpdir(), 'hangscope-bench-'));
mkdirSync(dir, { recursive: true });
const results = { date: new Date().toISOString(), node: process.version, incidents: INCIDENTS, posts: [], load: [] };
let child = null;
try {
  const dbPath = join(dir, 'hangscope.db');
  let ids;
  if (DATABASE_URL && !existsSync(join(dir, 'seeded-ids.json'))) {
    const s = await seedPostgres(DATABASE_URL, INCIDENTS);
    ids = s.ids;
    writeFileSync(join(dir, 'seeded-ids.json'), JSON.stringify(ids));
    log(
      `seeded ${ids.length} incidents into PostgreSQL in ${(s.ms / 1000).toFixed(1)} s; database ${(s.bytes / 1048576).toFixed(0)} MB`,
    );
  } else if (existsSync(join(dir, 'seeded-ids.json'))) {
    ids = JSON.parse(readFileSync(join(dir, 'seeded-ids.json'), 'utf8'));
    log(`reusing ${ids.length} seeded incidents in ${dir}`);
  } else if (SEED_CACHE) {
    ids = seedFromCache(dbPath) ?? null;
    if (!ids) {
      const s = await seed(dbPath, INCIDENTS);
      ids = s.ids;
      log(
        `seeded ${ids.length} incidents in ${(s.ms / 1000).toFixed(1)} s; db ${(statSync(dbPath).size / 1048576).toFixed(0)} MB; caching in ${SEED_CACHE}`,
      );
      mkdirSync(SEED_CACHE, { recursive: true });
      copyFileSync(dbPath, join(SEED_CACHE, `${seedKey()}.db`));
      writeFileSync(join(SEED_CACHE, `${seedKey()}.json`), JSON.stringify(ids));
    }
  } else {
    const s = await seed(dbPath, INCIDENTS);
    ids = s.ids;
    writeFileSync(join(dir, 'seeded-ids.json'), JSON.stringify(ids));
    log(
      `seeded ${ids.length} incidents (${s.templates} analysed fixtures as templates) in ${(s.ms / 1000).toFixed(1)} s; db ${(statSync(dbPath).size / 1048576).toFixed(0)} MB`,
    );
  }
  results.seeded = ids.length;
  const port = await freePort();
  child = await startServer(dir, port);
  log(`server on 127.0.0.1:${port} (${DATABASE_URL ? 'PostgreSQL' : `db ${dbPath}`})`);

  for (const f of ONLY.has('posts') ? DUMPS : []) {
    if (!existsSync(f)) {
      log(`skip ${f}: missing (pnpm bench:gen)`);
      continue;
    }
    const body = readFileSync(f);
    const cpu0 = processCpuMs(child.pid);
    const {
      result: post,
      beforeMB,
      peakMB,
    } = await peakRss(child.pid, () => http('POST', port, '/api/incidents', body, { 'content-type': 'text/plain' }));
    const postCpuMs = processCpuMs(child.pid) - cpu0;
    if (post.status !== 201 && post.status !== 200)
      throw new Error(`POST ${basename(f)}: ${post.status} ${post.body.toString().slice(0, 300)}`);
    const { id } = JSON.parse(post.body.toString());
    // What the incident page asks first (apps/server/src/routes/view.ts): "its incident
    // page API answering" is this request; the full document GET is measured beside it.
    const view = await http('GET', port, `/api/incidents/${id}/view`, null, { 'accept-encoding': 'gzip' });
    if (view.status !== 200) throw new Error(`GET view ${basename(f)}: ${view.status}`);
    const get = await http('GET', port, `/api/incidents/${id}`);
    const doc = JSON.parse(get.body.toString());
    const analysis = doc.analysis ?? JSON.parse(doc.analysisJson ?? 'null');
    const row = {
      file: basename(f),
      mb: body.length / 1048576,
      status: post.status,
      postMs: post.ms,
      viewMs: view.ms,
      viewKB: view.body.length / 1024,
      getMs: get.ms,
      getMB: get.body.length / 1048576,
      // Ingested and the incident page's API answered.
      totalMs: post.ms + view.ms,
      fullTotalMs: post.ms + get.ms,
      postCpuMs,
      rssBeforeMB: beforeMB,
      rssPeakMB: peakMB,
      load1: Number(load1()),
      id,
      nodes: analysis?.graph?.nodes?.length ?? null,
      edges: analysis?.graph?.edges?.length ?? null,
    };
    const logged = ingestLog.map((l) => JSON.parse(l)).find((l) => l.incident === id);
    if (logged) row.serverMs = logged.ms;
    results.posts.push(row);
    log(
      `POST ${row.file.padEnd(18)} ${row.mb.toFixed(1)} MB → ${post.status} in ${(row.postMs / 1000).toFixed(2)} s; GET …/view ${(row.viewMs / 1000).toFixed(2)} s (${row.viewKB.toFixed(0)} KB gzip); ingested + page API ${(row.totalMs / 1000).toFixed(2)} s; full GET /api/incidents/${id} ${(row.getMs / 1000).toFixed(2)} s (${row.getMB.toFixed(1)} MB); graph ${row.nodes} nodes / ${row.edges} edges; server CPU during POST ${(postCpuMs / 1000).toFixed(2)} s; server RSS ${beforeMB.toFixed(0)} → peak ${peakMB.toFixed(0)} MB (${((peakMB - beforeMB) / row.mb).toFixed(1)}× the dump); load ${row.load1}`,
    );
    if (row.serverMs) log(`  server steps (ms): ${JSON.stringify(row.serverMs)}`);
  }

  // The incident page after a restart: the view cache is empty, so the first view of each
  // posted dump comes from the view stored beside its analysis (migrations/0006) — before
  // it was stored, it was rebuilt from the whole analysis (~1 s for the 50 MB dump's).
  if (results.posts.length && ONLY.has('restart')) {
    await stopServer(child);
    child = await startServer(dir, port);
    for (const row of results.posts) {
      const view = await http('GET', port, `/api/incidents/${row.id}/view`, null, { 'accept-encoding': 'gzip' });
      if (view.status !== 200) throw new Error(`GET view after restart ${row.file}: ${view.status}`);
      row.viewAfterRestartMs = view.ms;
      log(
        `after a restart: GET …/view of ${row.file.padEnd(18)} ${(view.ms / 1000).toFixed(3)} s (${(view.body.length / 1024).toFixed(0)} KB gzip); load ${load1()}`,
      );
    }
  }

  // Latency under load over the seeded incidents (small documents, like most real ones).
  {
    const pick = Array.from({ length: 2000 }, (_, k) => ids[(k * 7919) % ids.length]);
    if (ONLY.has('get'))
      results.load.push(
        await load(
          port,
          `GET /api/incidents/:id (${ids.length} stored)`,
          pick.map((id) => `/api/incidents/${id}`),
        ),
      );
    // The incident page's own request, as a browser sends it.
    if (ONLY.has('view'))
      results.load.push(
        await load(
          port,
          `GET /api/incidents/:id/view gzip`,
          pick.map((id) => `/api/incidents/${id}/view`),
          { 'accept-encoding': 'gzip, deflate, br' },
        ),
      );
    // As the web app asks (a browser's fetch always sends Accept-Encoding: gzip).
    if (ONLY.has('get-gzip'))
      results.load.push(
        await load(
          port,
          `GET /api/incidents/:id gzip`,
          pick.map((id) => `/api/incidents/${id}`),
          { 'accept-encoding': 'gzip, deflate, br' },
        ),
      );
    const terms = [
      'mutex_lock',
      'xfs',
      'rtnl_mutex',
      'flush_work',
      'kworker',
      'hard lockup',
      'rcu',
      'jbd2',
      'nfs',
      'wait_for_completion',
      'acme',
      'soft lockup',
      'node042',
      'cgroup',
      'blk_mq',
      'deadlock',
    ];
    if (ONLY.has('search'))
      results.load.push(
        await load(
          port,
          `GET /api/incidents?q= (${ids.length} stored)`,
          terms.map((t) => `/api/incidents?q=${encodeURIComponent(t)}`),
        ),
      );
    // The same first pages, never from the server's list cache: each request carries a
    // cursor of its own past the newest incident (so it selects exactly page one) and a
    // cursor is part of the cache key. 200,000 distinct paths: no repeats within a run.
    const cursor = (k) => Buffer.from(`s${1_000_000_000 + k}`).toString('base64url');
    const uncached = Array.from(
      { length: 200_000 },
      (_, k) => `/api/incidents?q=${encodeURIComponent(terms[k % terms.length])}&cursor=${cursor(k)}`,
    );
    if (ONLY.has('uncached')) results.load.push(await load(port, `GET /api/incidents?q= uncached`, uncached));
  }

  if (KEEP) {
    writeFileSync(
      join(dir, 'server.json'),
      JSON.stringify({ port, ids: results.posts.map((p) => ({ file: p.file, id: p.id })) }),
    );
    log(`keeping the server on port ${port}; ${join(dir, 'server.json')}`);
  }
} finally {
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2) + '\n');
  if (child && !KEEP) await stopServer(child);
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
if (KEEP && child) {
  const stop = () => stopServer(child).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

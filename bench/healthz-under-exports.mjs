#!/usr/bin/env node
// Does the event loop stay free while clients pull heavy exports (issue 17)?
//
//   node bench/healthz-under-exports.mjs [--dump bench/out/sysrq-50mb.txt] [--clients 10]
//        [--duration 20] [--probe-ms 50] [--path report.md] [--env K=V,K=V] [--json out.json]
//        [--server other/checkout/apps/server/dist/server.js] [--node-args '--cpu-prof --cpu-prof-dir=DIR']
//
// Starts the built server (apps/server/dist/server.js) on a temporary data directory with
// the rate limits off, POSTs the dump and waits for its analysis (the POST answers when it
// is stored), then for --duration seconds runs --clients clients each fetching
// /api/incidents/ID/<path> in a loop while a prober GETs /healthz every --probe-ms ms.
// Prints p50/p99 of both, the answers by status (a 503 is the export queue refusing), and
// the 1-minute load average before and after: the machine may be shared. The prober has
// its own event loop (a worker thread), so the clients' work does not delay its probes.
// Generate the dump first: node bench/gen.mjs --sizes 50 --kinds sysrq
// Build first: pnpm build

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const DUMP = resolve(arg('dump', join(here, 'out/sysrq-50mb.txt')));
const CLIENTS = Number(arg('clients', '10'));
const DURATION_S = Number(arg('duration', '20'));
const PROBE_MS = Number(arg('probe-ms', '50'));
const PATH = arg('path', 'report.md');
const JSON_OUT = arg('json', null);
// Another build to compare with (say a checkout of the commit before a change).
const serverJs = resolve(arg('server', join(here, '../apps/server/dist/server.js')));
// e.g. '--cpu-prof --cpu-prof-dir=DIR' (profiles are written when the server exits)
const NODE_ARGS = (arg('node-args', '') || '').split(' ').filter(Boolean);
const EXTRA_ENV = Object.fromEntries(
  (arg('env', '') || '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

/** GET /healthz every `every` ms until `until`; posts the latencies (ms). */
const PROBER = `
const { request } = require('node:http');
const { parentPort, workerData: { port, until, every } } = require('node:worker_threads');
const get = () => new Promise((res, rej) => {
  const t0 = performance.now();
  const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (r) => {
    r.resume();
    r.on('end', () => (r.statusCode === 200 ? res(performance.now() - t0) : rej(new Error('/healthz answered ' + r.statusCode))));
  });
  req.on('error', rej);
  req.end();
});
(async () => {
  const out = [];
  while (Date.now() < until) {
    const t0 = performance.now();
    out.push(await get());
    const wait = every - (performance.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  parentPort.postMessage(out);
})();
`;

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

function http(method, port, path, body) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: body ? { 'content-type': 'text/plain', 'content-length': body.length } : {},
      },
      (r) => {
        let bytes = 0;
        const chunks = [];
        r.on('data', (c) => {
          bytes += c.length;
          if (chunks.length < 64) chunks.push(c);
        });
        r.on('end', () =>
          res({
            status: r.statusCode,
            headers: r.headers,
            bytes,
            head: Buffer.concat(chunks),
            ms: performance.now() - t0,
          }),
        );
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.setTimeout(600_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en')} ms` : '-');
const load1 = () => loadavg()[0].toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'hangscope-healthz-'));
const port = await freePort();
mkdirSync(join(dir, 'no-examples'));
const child = spawn(process.execPath, [...NODE_ARGS, serverJs], {
  cwd: dir,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HANGSCOPE_DB: join(dir, 'hangscope.db'),
    HANGSCOPE_EXAMPLES: join(dir, 'no-examples'),
    HANGSCOPE_MAX_UPLOAD: String(256 * 1024 * 1024),
    HANGSCOPE_RATE_LIMIT: '0',
    HANGSCOPE_READ_RATE_LIMIT: '0',
    HANGSCOPE_REANALYZE_ON_START: '0',
    LOG_LEVEL: 'warn',
    ...EXTRA_ENV,
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));

async function stop() {
  if (child.exitCode === null) {
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await done;
    clearTimeout(t);
  }
  rmSync(dir, { recursive: true, force: true });
}

try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    const r = await http('GET', port, '/healthz').catch(() => null);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const dump = readFileSync(DUMP);
  console.log(`load ${load1()}: POST ${DUMP} (${(dump.length / 1e6).toFixed(1)} MB)`);
  const posted = await http('POST', port, '/api/incidents', dump);
  if (posted.status !== 201) throw new Error(`POST answered ${posted.status}: ${posted.head}`);
  const id = JSON.parse(posted.head.toString('utf8')).id;
  console.log(`load ${load1()}: stored ${id} in ${ms(posted.ms)}`);
  // One pull before the clients start: the export answers, and what it weighs.
  const first = await http('GET', port, `/api/incidents/${id}/${PATH}`);
  if (first.status !== 200) throw new Error(`GET ${PATH} answered ${first.status}: ${first.head}`);
  console.log(`load ${load1()}: first ${PATH} ${first.bytes.toLocaleString('en')} bytes in ${ms(first.ms)}`);

  const loadBefore = load1();
  const end = performance.now() + DURATION_S * 1000;
  const pulls = [];
  const statuses = {};
  const client = async () => {
    while (performance.now() < end) {
      const r = await http('GET', port, `/api/incidents/${id}/${PATH}`);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200) pulls.push(r.ms);
      else if (r.status === 503)
        await new Promise((res) => setTimeout(res, 200)); // refused: wait a little
      else throw new Error(`GET ${PATH} answered ${r.status}: ${r.head}`);
    }
  };
  // The prober runs on its own event loop (a worker thread): the clients' own work in
  // this thread (parsing thousands of answers a second) must not count as the server's.
  const prober = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(PROBER, {
        eval: true,
        workerData: { port, until: Date.now() + DURATION_S * 1000, every: PROBE_MS },
      });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const [probes] = await Promise.all([prober(), ...Array.from({ length: CLIENTS }, client)]);
  const result = {
    date: new Date().toISOString(),
    dump: DUMP,
    path: PATH,
    clients: CLIENTS,
    durationS: DURATION_S,
    load: [loadBefore, load1()],
    env: EXTRA_ENV,
    exportBytes: first.bytes,
    pulls: { ok: pulls.length, statuses, p50: pct(pulls, 50), p99: pct(pulls, 99) },
    healthz: { probes: probes.length, p50: pct(probes, 50), p99: pct(probes, 99), max: Math.max(...probes) },
  };
  console.log(
    `${PATH}: ${CLIENTS} clients × ${DURATION_S} s: ${pulls.length} pulls ${JSON.stringify(statuses)}, ` +
      `p50 ${ms(result.pulls.p50)}, p99 ${ms(result.pulls.p99)}`,
  );
  console.log(
    `/healthz: ${probes.length} probes, p50 ${ms(result.healthz.p50)}, p99 ${ms(result.healthz.p99)}, ` +
      `max ${ms(result.healthz.max)} (load ${result.load[0]} → ${result.load[1]})`,
  );
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
} finally {
  await stop();
}

// Load over a real socket (app.listen on 127.0.0.1, port 0): 200 concurrent uploads of
// mixed sizes, duplicates among them; every one stored, byte-exact, counted once; memory
// bounded; reads keep answering while a 10 MB dump is ingested.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { listenLocal, startApp, type TestApp } from '../__tests__/helpers.js';
import { HAVE_BUILD, makeDump, startServer } from './harness.js';

/** A field of /proc/PID/status in kB (VmRSS: now, VmHWM: peak). */
const statusKb = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const listen = listenLocal;

/** Peak RSS while `work` runs, sampled every 25 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; baseline: number; peak: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, baseline, peak };
  } finally {
    clearInterval(timer);
  }
}

const MB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function listAll(base: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  for (;;) {
    const res = await fetch(`${base}/api/incidents?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

describe('load over a real socket', () => {
  it('200 concurrent uploads of mixed sizes (20 of them duplicates): each stored once, byte-exact, RSS bounded', async () => {
    t = await startApp();
    const base = await listen(t);
    // 180 distinct dumps: most 2–40 KB, every tenth 300–600 KB; then 20 re-sends of some.
    const distinct = Array.from({ length: 180 }, (_, i) =>
      makeDump(`load-${i}`, i % 10 === 0 ? 300_000 + ((i * 7919) % 300_000) : 2_000 + ((i * 104_729) % 38_000), i),
    );
    const bodies = [...distinct, ...Array.from({ length: 20 }, (_, i) => distinct[(i * 9) % 180])];
    const totalBytes = bodies.reduce((n, b) => n + b.length, 0);

    const { result, baseline, peak } = await peakRss(() =>
      Promise.all(
        bodies.map(async (body, i) => {
          const res = await fetch(`${base}/api/incidents?title=load%20${i}`, {
            method: 'POST',
            headers: { 'content-type': i % 3 === 0 ? 'application/octet-stream' : 'text/plain' },
            body,
          });
          return { i, status: res.status, json: (await res.json()) as { id: string; duplicate?: boolean } };
        }),
      ),
    );
    console.log(
      `load: 200 uploads, ${(totalBytes / MB).toFixed(1)} MB, RSS ${(baseline / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB (+${((peak - baseline) / MB).toFixed(0)})`,
    );

    const idOf = new Map<string, string>(); // sha256 → id
    for (const r of result) {
      expect([200, 201], `upload ${r.i}: ${JSON.stringify(r.json)}`).toContain(r.status);
      const key = sha(bodies[r.i]);
      const known = idOf.get(key);
      if (known) expect(r.json.id, `upload ${r.i} is the same bytes as an earlier one`).toBe(known);
      else idOf.set(key, r.json.id);
    }
    // Exactly one 201 per distinct dump, whoever won the race.
    expect(result.filter((r) => r.status === 201)).toHaveLength(180);
    expect(result.filter((r) => r.status === 200).every((r) => r.json.duplicate === true)).toBe(true);

    const listed = await listAll(base);
    expect(listed).toHaveLength(180);
    expect(new Set(listed)).toEqual(new Set(idOf.values()));

    // Byte-exact, 20 at a time.
    const pairs = [...idOf.entries()];
    const bySha = new Map(distinct.map((d) => [sha(d), d]));
    for (let k = 0; k < pairs.length; k += 20) {
      await Promise.all(
        pairs.slice(k, k + 20).map(async ([key, id]) => {
          const raw = Buffer.from(await (await fetch(`${base}/api/incidents/${id}/raw`)).arrayBuffer());
          expect(Buffer.compare(raw, bySha.get(key)!), id).toBe(0);
        }),
      );
    }
    // Bounded: the bodies are ~13 MB; allow generous headroom for analyses in flight.
    expect(peak - baseline).toBeLessThan(600 * MB);
  }, 150_000);

  // On the built server (a child process): its analysis runs in worker threads, as in
  // production (under vitest a worker would inherit the TypeScript-source conditions).
  it.skipIf(!HAVE_BUILD)(
    'reads keep answering while a 10 MB dump is ingested (built server, analysis in worker threads)',
    async () => {
      const dir = join(tmpdir(), `hangscope-load-${process.pid}-${Date.now()}`);
      mkdirSync(join(dir, 'examples'), { recursive: true });
      const server = await startServer({ dbPath: join(dir, 'hangscope.db'), examplesDir: join(dir, 'examples') });
      onTestFinished(async () => {
        await server.kill9();
        rmSync(dir, { recursive: true, force: true });
      });
      const base = server.base;
      const rssBefore = statusKb(server.pid, 'VmRSS');
      const small = await fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: makeDump('small', 5000),
      });
      expect(small.status).toBe(201);
      const { id: smallId } = (await small.json()) as { id: string };

      const big = makeDump('big', 10 * MB);
      let done = false;
      const latencies: number[] = [];
      const failures: string[] = [];
      const reader = (async () => {
        while (!done) {
          for (const url of [`${base}/healthz`, `${base}/api/incidents/${smallId}`]) {
            const t0 = performance.now();
            const res = await fetch(url);
            await res.arrayBuffer();
            latencies.push(performance.now() - t0);
            if (res.status !== 200) failures.push(`${url}: ${res.status}`);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const t0 = performance.now();
      const r = await fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: big,
      });
      const res = { status: r.status, json: (await r.json()) as { id: string } };
      // The server's own peak resident memory (high-water mark) over its whole life.
      const peakKb = statusKb(server.pid, 'VmHWM');
      const ingestMs = performance.now() - t0;
      done = true;
      await reader;
      latencies.sort((a, b) => a - b);
      const p = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
      console.log(
        `10 MB ingest: ${Math.round(ingestMs)} ms; ${latencies.length} reads meanwhile, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; server RSS ${(rssBefore / 1024).toFixed(0)} MB before, peak ${(peakKb / 1024).toFixed(0)} MB`,
      );
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(failures).toEqual([]);
      expect(latencies.length).toBeGreaterThan(5);
      // The event loop is never held for long: hashing, decoding and the SQLite write of
      // 16 MB are the only synchronous steps.
      expect(p(1)).toBeLessThan(2000);
      const raw = Buffer.from(await (await fetch(`${base}/api/incidents/${res.json.id}/raw`)).arrayBuffer());
      expect(sha(raw)).toBe(sha(big));
      // Measured: the analysis holds ~50× the dump at its peak (16 MB → ~820 MB RSS). A
      // ceiling, so a regression shows; the ratio itself is reported to the analyzer.
      expect(peakKb * 1024).toBeLessThan(1024 * MB);
    },
    150_000,
  );
});

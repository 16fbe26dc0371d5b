// How long the incident page of a big analysis takes to become usable. Not a test (no
// timing assertions anywhere): prints numbers. Needs the built server and web app.
//
//   cd e2e && npx tsx perf/big-graph.ts [--runs 3] [--file DUMP ...]
//
// Starts apps/server/dist/server.js on a free port with a temp database, uploads a
// generated dump of 5,000 blocked tasks (500 mutexes × (owner + 9 waiters)) plus any
// --file given, then for each opens /i/:id in Chromium and measures: time to the first
// `[data-node-id]`, how many nodes are drawn, and the main thread's longest task.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutexPileupDump } from '../tests/dumps';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 3) || 3;
const files = args.flatMap((a, i) => (args[i - 1] === '--file' ? [a] : []));

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'hangscope-perf-'));
  const server = spawn(process.execPath, ['apps/server/dist/server.js'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      HANGSCOPE_DB: join(dir, 'db.sqlite'),
      HANGSCOPE_EXAMPLES: join(dir, 'none'),
      HANGSCOPE_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) break;
      if (i > 200) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const inputs: [string, string][] = [
      [
        '5,000 tasks, 500 mutex pile-ups',
        mutexPileupDump({ locks: 500, waitersPerLock: 9, marker: `perf ${Date.now()}` }),
      ],
      ...files.map((f): [string, string] => [basename(f), readFileSync(f, 'utf8')]),
    ];
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    for (const [name, text] of inputs) {
      const form = new FormData();
      form.set('dump', new Blob([text], { type: 'text/plain' }), 'dump.txt');
      const res = await fetch(`${base}/api/incidents`, { method: 'POST', body: form });
      const { id } = (await res.json()) as { id: string };
      const doc = (await (await fetch(`${base}/api/incidents/${id}`)).json()) as {
        analysis: { graph: { nodes: unknown[]; edges: unknown[] } };
      };
      console.log(
        `\n${name}: ${doc.analysis.graph.nodes.length} graph nodes, ${doc.analysis.graph.edges.length} edges`,
      );
      for (let r = 0; r < runs; r++) {
        const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
        await page.addInitScript(() => {
          const w = window as unknown as { __longest: number; __longTotal: number };
          w.__longest = 0;
          w.__longTotal = 0;
          new PerformanceObserver((l) => {
            for (const e of l.getEntries()) {
              w.__longest = Math.max(w.__longest, e.duration);
              w.__longTotal += e.duration;
            }
          }).observe({ type: 'longtask', buffered: true });
        });
        const t0 = Date.now();
        await page.goto(`${base}/i/${id}`);
        await page.waitForSelector('#verdict-h', { timeout: 120_000 });
        const tPage = Date.now() - t0;
        await page.waitForSelector('svg.wait-graph [data-node-id]', { timeout: 300_000 });
        const tGraph = Date.now() - t0;
        const drawn = await page.locator('svg.wait-graph [data-node-id]').count();
        // Selecting a node must not re-lay out: time a click until it is marked selected.
        const first = page.locator('svg.wait-graph [data-node-id]').first();
        const t1 = Date.now();
        await first.click();
        await page.waitForSelector('svg.wait-graph [data-node-id].selected');
        const tSelect = Date.now() - t1;
        const { longest, total, layout, fetchMs } = await page.evaluate(() => {
          const w = window as unknown as { __longest: number; __longTotal: number };
          const layout = performance
            .getEntriesByType('measure')
            .filter((m) => m.name.startsWith('hangscope:layout'))
            .map((m) => `${m.name.replace('hangscope:layout ', '')} in ${Math.round(m.duration)} ms`);
          const res = performance
            .getEntriesByType('resource')
            .find((r) => /\/api\/incidents\/[^/]+$/.test(new URL(r.name).pathname)) as
            PerformanceResourceTiming | undefined;
          return {
            longest: w.__longest,
            total: w.__longTotal,
            layout,
            fetchMs: res ? res.responseEnd - res.startTime : -1,
          };
        });
        console.log(
          `  run ${r + 1}: analysis fetched in ${Math.round(fetchMs)} ms, layout ${layout.join(', ') || '?'};\n    page ${tPage} ms, first graph node ${tGraph} ms, ${drawn} nodes drawn, select ${tSelect} ms, longest main-thread task ${Math.round(longest)} ms (long tasks ${Math.round(total)} ms in all)`,
        );
        await page.close();
      }
    }
    await browser.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

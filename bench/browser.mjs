#!/usr/bin/env node
// Browser timing of an incident page in real Chromium (/usr/bin/chromium, headless),
// measured by the page's own clocks, not guessed:
//
//   graphMs     navigation start → the first `[data-node-id]` in the wait graph's SVG
//               (a MutationObserver installed before any page script runs);
//   quietMs     navigation start → end of the last main-thread long task (≥ 50 ms) seen
//               within 1.5 s after the graph appeared: from then on input is answered;
//   pan/zoom    after that, 20 wheel zooms and a 20-step drag over the graph while a
//               requestAnimationFrame loop records frame times: fps, worst frame, frames
//               over 50 ms;
//   data        when the incident's data request (GET …/view, or GET /api/incidents/:id
//               on builds before the page view) was answered, and its size. The first
//               run after a server start or an upload includes the server computing the
//               view; later runs get it from the server's cache.
//
// Each run is a fresh browser context (no HTTP cache); the server is shared.
//
//   node bench/browser.mjs --url http://127.0.0.1:PORT/i/ID [--runs 3] [--json out.json]
//   node bench/browser.mjs --server DIR          (reads DIR/server.json from server.mjs --keep)

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(join(root, 'e2e/package.json'));
const { chromium } = require('@playwright/test');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
let urls = arg('url', null)?.split(',') ?? [];
const serverDir = arg('server', null);
if (serverDir) {
  const s = JSON.parse(readFileSync(join(resolve(serverDir), 'server.json'), 'utf8'));
  urls = s.ids.map((x) => `http://127.0.0.1:${s.port}/i/${x.id}#${x.file}`);
}
const RUNS = Number(arg('runs', '3'));
const TIMEOUT = Number(arg('timeout', '60000'));
const JSON_OUT = arg('json', null);
if (!urls.length) {
  console.error('usage: node bench/browser.mjs --url http://127.0.0.1:PORT/i/ID | --server DIR');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});
const results = [];
try {
  for (const url of urls) {
    const label = url.includes('#') ? url.split('#')[1] : url;
    for (let r = 0; r < RUNS; r++) {
      // A fresh context per run: no HTTP cache, no react-query cache.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window;
        w.__bench = { graphAt: null, longTasks: [] };
        new PerformanceObserver((list) => {
          for (const e of list.getEntries())
            w.__bench.longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
        }).observe({ type: 'longtask', buffered: true });
        const check = () => {
          if (w.__bench.graphAt === null && document.querySelector('svg [data-node-id]'))
            w.__bench.graphAt = performance.now();
        };
        new MutationObserver(check).observe(document, { childList: true, subtree: true });
      });
      const t0 = Date.now();
      await page.goto(url.split('#')[0], { waitUntil: 'commit', timeout: 120_000 });
      try {
        await page.waitForFunction(() => window.__bench.graphAt !== null, null, { timeout: TIMEOUT, polling: 50 });
      } catch (err) {
        if (err?.name !== 'TimeoutError') throw err;
        // Record the miss and move on: further runs of this page would only time out too.
        const row = { page: label, run: r + 1, graphMs: null, timedOutMs: TIMEOUT, wallMs: Date.now() - t0 };
        results.push(row);
        console.log(`${label.padEnd(20)} run ${row.run}: graph not drawn within ${TIMEOUT} ms`);
        await context.close();
        break;
      }
      const graphAt = await page.evaluate(() => window.__bench.graphAt);
      const wallMs = Date.now() - t0;
      // Let trailing work (layout, fit-to-view) run, then find the last long task.
      await page.waitForTimeout(1500);
      const { longTasks, nodes, api } = await page.evaluate(() => ({
        longTasks: window.__bench.longTasks,
        nodes: document.querySelectorAll('svg [data-node-id]').length,
        // The incident's data request (the page view, or the whole incident on older builds):
        // when it was answered, and its size on the wire and decoded.
        api:
          performance
            .getEntriesByType('resource')
            .filter((e) => /\/api\/incidents\/[^/]+(\/view)?$/.test(new URL(e.name).pathname))
            .map((e) => ({
              path: new URL(e.name).pathname,
              startMs: e.startTime,
              firstByteMs: e.responseStart,
              endMs: e.responseEnd,
              wireBytes: e.encodedBodySize,
              bytes: e.decodedBodySize,
            }))[0] ?? null,
      }));
      const quietMs = Math.max(graphAt, ...longTasks.map((t) => t.end));
      const blockedMs = longTasks.reduce((a, t) => a + (t.end - t.start), 0);

      // Pan/zoom smoothness.
      const svg = page.locator('svg:has([data-node-id])').first();
      const box = await svg.boundingBox();
      await page.evaluate(() => {
        const w = window;
        w.__frames = [];
        let last = performance.now();
        const tick = (t) => {
          w.__frames.push(t - last);
          last = t;
          if (!w.__stopFrames) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.mouse.move(cx, cy);
      for (let k = 0; k < 10; k++) await page.mouse.wheel(0, -120);
      for (let k = 0; k < 10; k++) await page.mouse.wheel(0, 120);
      await page.mouse.down();
      for (let k = 1; k <= 20; k++) await page.mouse.move(cx + k * 12, cy + k * 6);
      await page.mouse.up();
      await page.waitForTimeout(200);
      const frames = await page.evaluate(() => {
        window.__stopFrames = true;
        return window.__frames.slice(1);
      });
      const total = frames.reduce((a, b) => a + b, 0);
      const row = {
        page: label,
        run: r + 1,
        graphMs: Math.round(graphAt),
        wallMs,
        quietMs: Math.round(quietMs),
        longTaskMs: Math.round(blockedMs),
        nodes,
        apiMs: api ? Math.round(api.endMs) : null,
        apiFirstByteMs: api ? Math.round(api.firstByteMs) : null,
        apiMB: api ? Math.round(api.bytes / 104857.6) / 10 : null,
        apiWireMB: api ? Math.round(api.wireBytes / 104857.6) / 10 : null,
        fps: frames.length ? Math.round((frames.length * 1000) / total) : null,
        worstFrameMs: frames.length ? Math.round(Math.max(...frames)) : null,
        slowFrames: frames.filter((f) => f > 50).length,
        frames: frames.length,
      };
      results.push(row);
      const apiText = api
        ? `; data ${api.path.endsWith('/view') ? 'view' : 'incident'} answered at ${row.apiMs} ms (first byte ${row.apiFirstByteMs} ms, ${row.apiWireMB} MB on the wire, ${row.apiMB} MB JSON)`
        : '';
      console.log(
        `${label.padEnd(20)} run ${row.run}: graph drawn ${row.graphMs} ms (wall ${row.wallMs} ms), main thread quiet ${row.quietMs} ms, long tasks ${row.longTaskMs} ms, ${row.nodes} nodes; pan/zoom ${row.fps} fps, worst frame ${row.worstFrameMs} ms, frames over 50 ms ${row.slowFrames}${apiText}`,
      );
      await context.close();
    }
  }
} finally {
  await browser.close();
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
}

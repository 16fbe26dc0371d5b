// The browser side, from the server's headers: strict CSP (no inline script), helmet's
// headers, CORS closed, cross-site writes refused, rate limiting set by environment,
// unguessable permalinks.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newAnnotationId, newIncidentId } from '../ids.js';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { HAVE_BUILD, makeDump, startServer } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)]),
  );

describe('security headers', () => {
  it('every response (JSON, raw dump, errors) has a strict CSP and helmet headers', async () => {
    t = await startApp();
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n<script>alert(1)</script>\n`);
    for (const url of [
      '/healthz',
      '/api/incidents',
      `/api/incidents/${json.id}`,
      `/api/incidents/${json.id}/raw`,
      '/api/incidents/nope',
      '/api/nothing',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = directives(String(res.headers['content-security-policy'] ?? ''));
      expect(csp.get('script-src'), url).toEqual(["'self'"]);
      expect(csp.get('default-src'), url).toEqual(["'self'"]);
      expect(csp.get('object-src'), url).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(csp.get('base-uri'), url).toEqual(["'self'"]);
      expect(csp.get('form-action'), url).toEqual(["'self'"]);
      for (const [name, values] of csp) expect(values.join(' '), `${url} ${name}`).not.toMatch(/unsafe-eval|\*(?!\.)/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
      expect(res.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
    // The dump, <script> and all, is served as plain text that a browser will not sniff.
    const raw = await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}/raw` });
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(raw.body).toContain('<script>alert(1)</script>');
    // The API docs page (swagger-ui) allows no inline script either.
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/static/index.html' });
    if (docs.statusCode === 200)
      expect(directives(String(docs.headers['content-security-policy'])).get('script-src') ?? []).not.toContain(
        "'unsafe-inline'",
      );
  });

  it('CORS is closed: a cross-origin preflight and a cross-origin read get no Access-Control-Allow-Origin', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/incidents',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    for (const url of ['/api/incidents', `/api/incidents/${json.id}`, `/api/incidents/${json.id}/raw`]) {
      const read = await t.app.inject({ method: 'GET', url, headers: { origin: 'https://evil.example' } });
      expect(read.headers['access-control-allow-origin'], url).toBeUndefined();
      expect(read.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
  });

  it('CSRF: a cross-site write (a form or text/plain POST another site makes a browser send) is refused with 403; same-origin and scripts are not', async () => {
    t = await startApp();
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { ...crossSite, 'content-type': 'text/plain' },
      payload: HUNG_TASK_DUMP,
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: 'cross_site_write' });
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items).toHaveLength(0);

    const same = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' },
      payload: HUNG_TASK_DUMP,
    });
    expect(same.statusCode).toBe(201);
    const id = same.json().id as string;
    const script = await upload(t.app, `${HUNG_TASK_DUMP}\n# from curl`);
    expect(script.status).toBe(201);
    for (const [method, url, payload] of [
      ['PATCH', `/api/incidents/${id}`, { status: 'resolved' }],
      ['POST', `/api/incidents/${id}/annotations`, { body: 'forged' }],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: crossSite, payload });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    // A cross-site read is not blocked by this (CORS keeps its answer from the other site).
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${id}`, headers: crossSite })).statusCode).toBe(
      200,
    );
  });

  it('permalinks are unguessable: 128 random bits (≥ 96), annotation ids 96', () => {
    const ids = Array.from({ length: 20_000 }, () => newIncidentId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Every base64url position but the last (which carries 2 bits) takes most of its 64
    // values: 21 × 6 + 2 = 128 bits, no fixed or counter-like part.
    for (let pos = 0; pos < 21; pos++)
      expect(new Set(ids.map((id) => id[pos])).size, `position ${pos}`).toBeGreaterThan(60);
    const notes = Array.from({ length: 5_000 }, () => newAnnotationId());
    expect(new Set(notes).size).toBe(notes.length);
    for (let pos = 0; pos < 16; pos++) expect(new Set(notes.map((id) => id[pos])).size).toBeGreaterThan(60);
  });
});

describe.skipIf(!HAVE_BUILD)('rate limiting set by environment (built server)', () => {
  it('HANGSCOPE_RATE_LIMIT=3: the fourth write in the window is a 429 JSON error; reads are not limited', async () => {
    const dir = join(tmpdir(), `hangscope-ratelimit-${process.pid}-${Date.now()}`);
    mkdirSync(join(dir, 'examples'), { recursive: true });
    const server = await startServer({
      dbPath: join(dir, 'hangscope.db'),
      examplesDir: join(dir, 'examples'),
      extra: { HANGSCOPE_RATE_LIMIT: '3', HANGSCOPE_RATE_LIMIT_WINDOW_MS: '600000' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.base}/api/incidents`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: makeDump(`rate-${i}`, 3000),
        });
        statuses.push(res.status);
        if (res.status === 429) expect(await res.json()).toMatchObject({ error: 'too_many_requests' });
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      for (let i = 0; i < 10; i++) expect((await fetch(`${server.base}/api/incidents`)).status).toBe(200);
    } finally {
      await server.kill9();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Limits that fit real deployments (issue 17): who a client is behind a reverse proxy
// (trustProxy), a per-client quota of stored bytes per day, and a read rate limit; every
// refusal a 429 with Retry-After.
import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, startApp, type TestApp } from '../__tests__/helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** An upload from the proxy at 127.0.0.1 on behalf of `client` (X-Forwarded-For). */
const uploadAs = (client: string | null, body: string) =>
  t!.app.inject({
    method: 'POST',
    url: '/api/incidents',
    remoteAddress: '127.0.0.1',
    headers: { 'content-type': 'text/plain', ...(client ? { 'x-forwarded-for': client } : {}) },
    payload: body,
  });

const dump = (tag: string, size = 0) => `# ${tag}\n${HUNG_TASK_DUMP}${'#'.repeat(size)}`;

describe('per-client limits', () => {
  it('behind a trusted proxy each client has its own write rate limit; without trustProxy they share one', async () => {
    t = await startApp({ trustProxy: ['127.0.0.1'], rateLimit: { max: 2, timeWindowMs: 60_000 } });
    const a = [
      await uploadAs('10.0.0.1', dump('a1')),
      await uploadAs('10.0.0.1', dump('a2')),
      await uploadAs('10.0.0.1', dump('a3')),
    ];
    const b = [await uploadAs('10.0.0.2', dump('b1')), await uploadAs('10.0.0.2', dump('b2'))];
    expect(a.map((r) => r.statusCode)).toEqual([201, 201, 429]);
    expect(Number(a[2].headers['retry-after'])).toBeGreaterThan(0);
    expect(a[2].json()).toMatchObject({ error: 'too_many_requests' });
    expect(b.map((r) => r.statusCode)).toEqual([201, 201]);
    await t.close();

    t = await startApp({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
    const shared = [
      await uploadAs('10.0.0.1', dump('c1')),
      await uploadAs('10.0.0.2', dump('c2')),
      await uploadAs('10.0.0.3', dump('c3')),
    ];
    expect(shared.map((r) => r.statusCode)).toEqual([201, 201, 429]);
  });

  it('a client past its stored bytes of the day gets 429 with Retry-After until midnight UTC; other clients do not', async () => {
    // Each dump here is ~2,300 bytes.
    t = await startApp({ trustProxy: ['127.0.0.1'], dailyQuotaBytes: 5000 });
    expect((await uploadAs('10.0.0.1', dump('q1', 1500))).statusCode).toBe(201);
    // A duplicate stores nothing and counts nothing.
    expect((await uploadAs('10.0.0.1', dump('q1', 1500))).statusCode).toBe(200);
    expect((await uploadAs('10.0.0.1', dump('q2', 1500))).statusCode).toBe(201);
    // Refused on what it announces, before its body is read.
    const over = await uploadAs('10.0.0.1', dump('q3', 1500));
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: 'quota_exceeded' });
    const wait = Number(over.headers['retry-after']);
    const midnight = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(Math.ceil((midnight - Date.now()) / 1000) + 1);
    expect((await uploadAs('10.0.0.2', dump('q4', 1500))).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items).toHaveLength(3);
  });

  it('reads that cost work are rate limited per client, with Retry-After; the list is not', async () => {
    t = await startApp({ readRateLimit: { max: 3, timeWindowMs: 60_000 } });
    const id = (await uploadAs(null, dump('r'))).json().id as string;
    const statuses: number[] = [];
    for (let k = 0; k < 4; k++)
      statuses.push((await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/report.md` })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/graph.svg` });
    expect(limited.statusCode).toBe(200); // its own budget per route
    for (let k = 0; k < 10; k++)
      expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).statusCode).toBe(200);
    const r = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/report.md` });
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.json()).toMatchObject({ error: 'too_many_requests' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('outer plugins', () => {
  it('rate-limits writes (429 JSON) but not reads', async () => {
    t = await startApp({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
    expect((await upload(t.app, HUNG_TASK_DUMP)).status).toBe(201);
    expect((await upload(t.app, HUNG_TASK_DUMP)).status).toBe(200);
    const third = await upload(t.app, HUNG_TASK_DUMP);
    expect(third.status).toBe(429);
    expect(third.json.error).toBe('too_many_requests');
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).statusCode).toBe(200);
  });

  it('publishes the OpenAPI document with every route', async () => {
    t = await startApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of [
      '/api/incidents',
      '/api/incidents/{id}',
      '/api/incidents/{id}/raw',
      '/api/incidents/{id}/annotations',
      '/api/groups',
      '/healthz',
    ]) {
      expect(paths).toContain(p);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
  });
});

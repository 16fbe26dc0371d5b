import { afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('groups and similar incidents', () => {
  it('groups by fingerprint with counts and first/last seen; similar lists the others', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP, '?host=db-1')).json.id;
    // Same hang on another machine: different timestamps, same stack.
    const b = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'), '?host=db-2')).json.id;
    const c = (await upload(t.app, CRLF_UTF8_DUMP)).json.id;
    const fp = (id: string) => t.app.inject({ method: 'GET', url: `/api/incidents/${id}` }).then((r) => r.json().fingerprint as string);
    expect(await fp(a)).toBe(await fp(b));
    expect(await fp(a)).not.toBe(await fp(c));

    const groups = (await t.app.inject({ method: 'GET', url: '/api/groups' })).json().items;
    const byFp = new Map<string, { count: number; latestId: string; hosts: string[]; firstSeen: string; lastSeen: string }>(
      groups.map((x: { fingerprint: string }) => [x.fingerprint, x]),
    );
    const ab = byFp.get(await fp(a))!;
    expect(ab).toMatchObject({ count: 2, latestId: b, hosts: ['db-1', 'db-2'] });
    expect(ab.firstSeen <= ab.lastSeen).toBe(true);
    expect(byFp.get(await fp(c))!.count).toBe(1);
    expect(groups[0].latestId).toBe(c); // most recently seen first

    const similar = (await t.app.inject({ method: 'GET', url: `/api/incidents/${a}/similar` })).json();
    expect(similar.items.map((i: { id: string }) => i.id)).toEqual([b]);
    expect(similar.items[0].url).toBe(`/i/${b}`);
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${c}/similar` })).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents/nope/similar' })).statusCode).toBe(404);
  });
});

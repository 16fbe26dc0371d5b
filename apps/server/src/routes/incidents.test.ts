import { afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

/** n distinct small dumps, uploaded in order; returns their ids oldest first. */
async function uploadMany(n: number, query = ''): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { status, json } = await upload(t.app, `${HUNG_TASK_DUMP}# copy ${i}\n`, query);
    expect(status).toBe(201);
    ids.push(json.id);
  }
  return ids;
}

describe('GET /api/incidents/:id', () => {
  it('404 JSON for an unknown id, a malformed id, and their raw text', async () => {
    t = await startApp();
    for (const url of [
      '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA',
      '/api/incidents/not-an-id',
      '/api/incidents/..%2F..%2Fetc%2Fpasswd',
      '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/raw',
      '/api/incidents/x/raw',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    }
  });
});

describe('GET /api/incidents', () => {
  it('lists newest first with cursor pagination', async () => {
    t = await startApp();
    const ids = await uploadMany(5);
    const newestFirst = [...ids].reverse();

    const page1 = (await get('/api/incidents?limit=2')).json();
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await get(`/api/incidents?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = (await get(`/api/incidents?limit=2&cursor=${page2.nextCursor}`)).json();
    expect(page3.items.map((i: { id: string }) => i.id)).toEqual(newestFirst.slice(4));
    expect(page3.nextCursor).toBeNull();

    const item = page1.items[0];
    expect(Object.keys(item).sort()).toEqual(
      ['createdAt', 'duplicateOf', 'fingerprint', 'host', 'id', 'kernel', 'kind', 'size', 'status', 'tags', 'title', 'updatedAt', 'url'].sort(),
    );
    expect(item.url).toBe(`/i/${item.id}`);
  });

  it('400 for a malformed cursor or limit, or an unparsable date', async () => {
    t = await startApp();
    expect((await get('/api/incidents?cursor=%%%')).statusCode).toBe(400);
    expect((await get('/api/incidents?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await get('/api/incidents?limit=0')).statusCode).toBe(400);
    expect((await get('/api/incidents?limit=abc')).statusCode).toBe(400);
    expect((await get('/api/incidents?from=yesterday')).statusCode).toBe(400);
    expect((await get('/api/incidents?status=closed')).statusCode).toBe(400);
  });

  it('filters by host, tag, kind, kernel, fingerprint, status and dates', async () => {
    t = await startApp();
    const [a] = await uploadMany(1, '?host=db-1&tags=prod');
    const { json: b } = await upload(t.app, CRLF_UTF8_DUMP, '?host=vm-2&tags=lab');
    const { json: c } = await upload(t.app, 'plain prose, no capture\n', '?host=vm-2');
    const ids = async (query: string) =>
      ((await get(`/api/incidents?${query}`)).json().items as { id: string }[]).map((i) => i.id);

    expect(await ids('host=db-1')).toEqual([a]);
    expect(await ids('host=vm-2')).toEqual([c.id, b.id]);
    expect(await ids('tag=lab')).toEqual([b.id]);
    expect(await ids('kind=unknown')).toEqual([c.id]);
    const detailA = (await get(`/api/incidents/${a}`)).json();
    expect(await ids(`fingerprint=${detailA.fingerprint}`)).toContain(a);
    if (detailA.kernel) expect(await ids(`kernel=${encodeURIComponent(detailA.kernel)}`)).toEqual([a]);
    expect(await ids('status=open')).toHaveLength(3);
    expect(await ids('status=resolved')).toEqual([]);
    expect(await ids('from=2000-01-01&to=2999-12-31')).toHaveLength(3);
    expect(await ids('to=2000-01-01')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`from=${today}&to=${today}`)).toHaveLength(3);
  });

  it('full-text search over titles; a stray quote or bare operator is never a 500', async () => {
    t = await startApp();
    const { json: a } = await upload(t.app, HUNG_TASK_DUMP, '?title=bsnmod%20unload%20hang');
    await upload(t.app, CRLF_UTF8_DUMP, '?title=qxl%20framebuffer');
    const search = async (q: string) => {
      const res = await get(`/api/incidents?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      return (res.json().items as { id: string }[]).map((i) => i.id);
    };
    expect(await search('bsnmod')).toEqual([a.id]);
    expect(await search('unload hang')).toEqual([a.id]);
    expect(await search('bsnm*')).toEqual([a.id]);
    expect(await search('nothing-like-this')).toEqual([]);
    for (const hostile of ['"', 'bsnmod"', 'AND', 'OR NOT', 'NEAR(', '*', '-', 'title:x', '(((', "'; DROP TABLE incidents; --"]) {
      await search(hostile);
    }
    expect(await search('"bsnmod"')).toEqual([a.id]);
  });
});

describe('PATCH /api/incidents/:id', () => {
  it('changes status, title, host and tags; duplicate needs an existing target', async () => {
    t = await startApp();
    const [a, b] = await uploadMany(2);
    const patch = (id: string, payload: object) => t.app.inject({ method: 'PATCH', url: `/api/incidents/${id}`, payload });

    const res = await patch(a, { status: 'mitigated', title: 'known bsnmod bug', host: 'db-1', tags: ['prod', 'bsn'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'mitigated', title: 'known bsnmod bug', host: 'db-1', tags: ['bsn', 'prod'] });
    expect((await get('/api/incidents?status=mitigated')).json().items.map((i: { id: string }) => i.id)).toEqual([a]);
    expect((await get('/api/incidents?q=known')).json().items.map((i: { id: string }) => i.id)).toEqual([a]);

    expect((await patch(b, { status: 'duplicate' })).statusCode).toBe(400);
    expect((await patch(b, { status: 'duplicate', duplicateOf: b })).statusCode).toBe(422);
    expect((await patch(b, { status: 'duplicate', duplicateOf: 'AAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(422);
    const dup = await patch(b, { status: 'duplicate', duplicateOf: a });
    expect(dup.statusCode).toBe(200);
    expect(dup.json()).toMatchObject({ status: 'duplicate', duplicateOf: a });
    expect((await patch(b, { status: 'open' })).json()).toMatchObject({ status: 'open', duplicateOf: null });

    // title null: back to the analysis title
    const reset = (await patch(a, { title: null })).json();
    expect(reset.title).toBe(reset.analysis.title);

    expect((await patch(a, {})).statusCode).toBe(400);
    expect((await patch(a, { status: 'closed' })).statusCode).toBe(400);
    expect((await patch(a, { bogus: 1 })).statusCode).toBe(400);
    expect((await patch('AAAAAAAAAAAAAAAAAAAAAA', { status: 'open' })).statusCode).toBe(404);
  });
});

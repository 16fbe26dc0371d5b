import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyze } from '@hangscope/analyzer';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, sysrqDump, upload, type TestApp } from '../__tests__/helpers.js';
import { COMPACT_MIN_TASKS } from '../analysis/digest.js';

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

describe('GET /api/incidents/:id encodings and caching', () => {
  it('serves the stored analysis gzip-encoded to clients that accept it, the same JSON as the plain response', async () => {
    t = await startApp();
    const { json } = await upload(t.app, CRLF_UTF8_DUMP, '?title=ünïcode%20title&tags=prod,lab');
    const url = `/api/incidents/${json.id}`;
    const plain = await t.app.inject({ method: 'GET', url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    for (const accept of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', '*']) {
      const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': accept } });
      expect(gz.statusCode, accept).toBe(200);
      expect(gz.headers['content-encoding'], accept).toBe('gzip');
      expect(gz.headers['content-type']).toMatch(/application\/json/);
      const body = gunzipSync(gz.rawPayload);
      expect(body.equals(plain.rawPayload), accept).toBe(true);
    }
    for (const accept of ['identity', 'gzip;q=0', 'br', 'deflate']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': accept } });
      expect(res.headers['content-encoding'], accept).toBeUndefined();
      expect(res.rawPayload.equals(plain.rawPayload), accept).toBe(true);
    }
    const doc = plain.json();
    expect(doc).toMatchObject({ id: json.id, title: 'ünïcode title', tags: ['lab', 'prod'], url: `/i/${json.id}` });
    expect(doc.analysis.schemaVersion).toBe(1);
    // the analysis is exactly the stored document, as the export serves it
    const exported = (await get(`${url}/analysis.json`)).json();
    expect(doc.analysis).toEqual(exported);
  });

  it('a big analysis is stored compact and served full: plain, gzip, analysis.json, exports and annotations agree', async () => {
    t = await startApp();
    const text = sysrqDump(COMPACT_MIN_TASKS + 200);
    const { status, json } = await upload(t.app, text);
    expect(status).toBe(201);
    const [row] = await t.sql<{ form: string; length: number }>(
      'SELECT form, length FROM incident_analysis WHERE incident_id = ?',
      json.id,
    );
    expect(row.form).toBe('compact');
    // what the analyzer says about the text, as JSON (a task's frames are its stack's)
    const expected = JSON.parse(JSON.stringify(analyze(text)));
    expect(expected.tasks.length).toBeGreaterThanOrEqual(COMPACT_MIN_TASKS);
    const url = `/api/incidents/${json.id}`;
    const plain = await get(url);
    expect(plain.statusCode).toBe(200);
    expect(Number(plain.headers['content-length'])).toBe(plain.rawPayload.length);
    expect(plain.rawPayload.length).toBeGreaterThan(row.length); // the full form is larger than the compact one stored
    const body = plain.json();
    expect(body.analysis).toEqual(expected);
    expect(body.analysis.stacks).toBeUndefined();
    expect(body).toMatchObject({ id: json.id, url: `/i/${json.id}`, lineCount: text.split('\n').length - 1 });
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).not.toBe(plain.headers.etag);
    expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(plain.headers.etag) } })).statusCode,
    ).toBe(304);
    expect((await get(`${url}/analysis.json`)).json()).toEqual(expected);
    expect((await get(`${url}/report.md`)).statusCode).toBe(200);
    expect((await get(`${url}/graph.svg`)).statusCode).toBe(200);
    const node =
      expected.graph.nodes.find((n: { id: string }) => n.id.startsWith('task:'))?.id ?? expected.graph.nodes[0].id;
    const note = await t.app.inject({
      method: 'POST',
      url: `${url}/annotations`,
      payload: { target: node, body: 'holds it' },
    });
    expect(note.statusCode).toBe(201);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `${url}/annotations`,
          payload: { target: 'task:999999999', body: 'x' },
        })
      ).statusCode,
    ).toBe(422);
    // searchable by its frames and comms like any other
    expect((await get('/api/incidents?q=ext4_sync_fs')).json().items.map((i: { id: string }) => i.id)).toEqual([
      json.id,
    ]);
  });

  it('answers 304 for a matching ETag, and the ETag changes when the incident does', async () => {
    t = await startApp();
    const [id] = await uploadMany(1);
    const url = `/api/incidents/${id}`;
    const first = await get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // the gzip representation has its own tag
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.etag).not.toBe(etag);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url,
          headers: { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string },
        })
      ).statusCode,
    ).toBe(304);

    const patched = await t.app.inject({ method: 'PATCH', url, payload: { status: 'resolved' } });
    expect(patched.json().status).toBe('resolved');
    const after = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json().status).toBe('resolved');
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
      [
        'createdAt',
        'duplicateOf',
        'fingerprint',
        'host',
        'id',
        'kernel',
        'kind',
        'size',
        'status',
        'tags',
        'title',
        'updatedAt',
        'url',
      ].sort(),
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
    for (const hostile of [
      '"',
      'bsnmod"',
      'AND',
      'OR NOT',
      'NEAR(',
      '*',
      '-',
      'title:x',
      '(((',
      "'; DROP TABLE incidents; --",
    ]) {
      await search(hostile);
    }
    expect(await search('"bsnmod"')).toEqual([a.id]);
  });

  it('search pages newest first with cursors, alone and with other filters', async () => {
    t = await startApp();
    const ids: string[] = [];
    const tagged: string[] = [];
    for (let i = 0; i < 9; i++) {
      // every third dump lacks the search term; every other one is tagged
      const title = i % 3 === 2 ? `other thing ${i}` : `needle case ${i}`;
      const tags = i % 2 === 0 ? '&tags=prod' : '';
      const { status, json } = await upload(
        t.app,
        `${HUNG_TASK_DUMP}# copy ${i}\n`,
        `?title=${encodeURIComponent(title)}${tags}`,
      );
      expect(status).toBe(201);
      if (i % 3 !== 2) {
        ids.push(json.id);
        if (i % 2 === 0) tagged.push(json.id);
      }
    }
    const pages = async (query: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let n = 0; n < 20; n++) {
        const res = await get(`/api/incidents?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error('cursor never ended');
    };
    const newestFirst = [...ids].reverse();
    for (const limit of [1, 2, 4, 6, 50]) expect(await pages('q=needle', limit), `limit ${limit}`).toEqual(newestFirst);
    expect(await pages('q=needle&tag=prod', 2)).toEqual([...tagged].reverse());
    expect(await pages('q=needle&tag=nope', 2)).toEqual([]);
    expect(await pages('q=nomatchanywhere', 2)).toEqual([]);
  });
});

describe('PATCH /api/incidents/:id', () => {
  it('changes status, title, host and tags; duplicate needs an existing target', async () => {
    t = await startApp();
    const [a, b] = await uploadMany(2);
    const patch = (id: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/incidents/${id}`, payload });

    const res = await patch(a, { status: 'mitigated', title: 'known bsnmod bug', host: 'db-1', tags: ['prod', 'bsn'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'mitigated',
      title: 'known bsnmod bug',
      host: 'db-1',
      tags: ['bsn', 'prod'],
    });
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

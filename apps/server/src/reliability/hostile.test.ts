// Hostile input, beyond what routes/*.test.ts already covers (oversize, chunked, simple
// gzip bomb, binary, empty, bad tags): multipart abuse, path-like names, SQL
// metacharacters in every field, FTS5 syntax in search, enormous and deeply nested JSON,
// ids that are not ids. Each is a clear 4xx (never a 5xx), and nothing is stored half-way.
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, multipartBody, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { dbHealth } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const SQL = [
  `'`,
  `"`,
  `';--`,
  `' OR '1'='1`,
  `"; DROP TABLE incidents; --`,
  `\\`,
  `%`,
  `_`,
  `?`,
  `:x`,
  `@x`,
  `$x`,
  `/*`,
  `*/`,
  `\u0000x`,
  `x' UNION SELECT * FROM incident_raw --`,
];

/** No 5xx, a JSON error body for every 4xx. */
function expectClean(res: LightMyRequestResponse, what: string, allowed: number[]) {
  expect(allowed, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
  if (res.statusCode >= 400) {
    const body = res.json() as { error?: string; message?: string };
    expect(typeof body.error, what).toBe('string');
    expect(typeof body.message, what).toBe('string');
  }
}

function tablesIntact(dbPath: string, incidents: number) {
  const h = dbHealth(dbPath);
  expect(h).toMatchObject({ integrity: 'ok', incidents, halfWritten: [], orphans: 0 });
}

describe('hostile uploads', () => {
  it('multipart abuse: too many parts, huge field names and values, two files, a file under another name — 4xx, nothing stored', async () => {
    t = await startApp();
    const send = async (payload: Buffer, contentType: string) =>
      t!.app.inject({ method: 'POST', url: '/api/incidents', headers: { 'content-type': contentType }, payload });

    const boundary = 'xXxhostileboundaryxXx';
    const part = (name: string, value: string, filename?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n` +
      `${filename ? 'Content-Type: text/plain\r\n' : ''}\r\n${value}\r\n`;
    const form = (...parts: string[]) => Buffer.from(`${parts.join('')}--${boundary}--\r\n`);
    const ct = `multipart/form-data; boundary=${boundary}`;

    const manyParts = form(
      ...Array.from({ length: 500 }, (_, i) => part(`f${i}`, 'x')),
      part('dump', HUNG_TASK_DUMP, 'a.txt'),
    );
    expectClean(await send(manyParts, ct), 'many parts', [400, 413]);
    // A huge name of a field we do not read: ignored (not stored), the dump is taken.
    const hugeName = form(part('n'.repeat(200_000), 'x'), part('dump', `${HUNG_TASK_DUMP}\n# huge name`, 'a.txt'));
    const hugeNameRes = await send(hugeName, ct);
    expectClean(hugeNameRes, 'huge field name', [201, 400, 413, 431]);
    const storedByHugeName = hugeNameRes.statusCode === 201 ? 1 : 0;
    const hugeTitle = form(part('title', 't'.repeat(100_000)), part('dump', HUNG_TASK_DUMP, 'a.txt'));
    expectClean(await send(hugeTitle, ct), 'huge title field', [400, 413]);
    const twoFiles = form(part('dump', HUNG_TASK_DUMP, 'a.txt'), part('dump', `${HUNG_TASK_DUMP}\nsecond`, 'b.txt'));
    expectClean(await send(twoFiles, ct), 'two files', [400, 413]);
    const wrongName = form(part('file', HUNG_TASK_DUMP, 'a.txt'));
    expectClean(await send(wrongName, ct), 'file not named dump', [400]);
    const noBoundary = await send(form(part('dump', HUNG_TASK_DUMP, 'a.txt')), 'multipart/form-data');
    expectClean(noBoundary, 'multipart without boundary', [400, 415]);
    const truncated = form(part('dump', HUNG_TASK_DUMP, 'a.txt')).subarray(0, 300);
    expectClean(await send(truncated, ct), 'truncated multipart', [400]);
    const gzipMultipart = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': ct, 'content-encoding': 'gzip' },
      payload: gzipSync(form(part('dump', HUNG_TASK_DUMP, 'a.txt'))),
    });
    expectClean(gzipMultipart, 'gzip multipart', [415]);
    tablesIntact(t.dbPath, storedByHugeName);
    if (storedByHugeName) {
      const only = (await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items[0];
      expect(JSON.stringify(only)).not.toContain('nnnnnnnn');
    }
  });

  it('gzip inside gzip and a gzip bomb without Content-Length are refused, nothing stored', async () => {
    t = await startApp({ maxUploadBytes: 256 * 1024 });
    const double = gzipSync(gzipSync(Buffer.from(HUNG_TASK_DUMP)));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: double,
    });
    expectClean(res, 'gzip in gzip', [415]);
    // Zeros would be caught as NUL: a bomb of text is refused on size.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'INFO: task x:1 blocked\n'));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const bombRes = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' },
      payload: bomb,
    });
    expectClean(bombRes, 'gzip bomb', [413]);
    tablesIntact(t.dbPath, 0);
  });

  it('path-like titles and filenames are plain text: stored verbatim, no file is named by them', async () => {
    t = await startApp();
    const { payload, contentType } = await multipartBody(
      { title: '../../etc/passwd', host: '..\\..\\windows\\system32' },
      { bytes: HUNG_TASK_DUMP, name: '../../../../tmp/hangscope-pwned.txt' },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    const detail = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json();
    expect(detail.title).toBe('../../etc/passwd');
    expect(detail.host).toBe('..\\..\\windows\\system32');
    const raw = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/raw` });
    expect(raw.headers['content-disposition']).toBe(`inline; filename="${id}.txt"`);
    for (const p of [
      '/api/incidents/..%2F..%2Fetc%2Fpasswd',
      '/api/incidents/../../etc/passwd/raw',
      '/api/incidents/%2e%2e/raw',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const r = await t.app.inject({ method: 'GET', url: p });
      expect(r.statusCode, p).toBe(404);
      expect(r.body).not.toContain('root:');
    }
    tablesIntact(t.dbPath, 1);
  });

  it('SQL metacharacters in every field and filter: stored as text or refused with 4xx, never a 5xx', async () => {
    t = await startApp();
    let stored = 0;
    for (const [i, s] of SQL.entries()) {
      const q = `?title=${encodeURIComponent(`${s} title`)}&host=${encodeURIComponent(`${s}host`)}`;
      const r = await upload(t.app, `${HUNG_TASK_DUMP}\n# ${i} ${s.replace(/\u0000/g, '')}\n`, q);
      expect(r.status, `${s}: ${JSON.stringify(r.json)}`).toBe(201);
      stored++;
      const d = (await t.app.inject({ method: 'GET', url: `/api/incidents/${r.json.id}` })).json();
      expect(d.title).toBe(`${s} title`.replace(/[\u0000-\u001f]/g, ' ').trim());
      // Tags are validated: metacharacters are a 400, nothing stored.
      const tagged = await upload(t.app, `${HUNG_TASK_DUMP}\n# tag ${i}\n`, `?tags=${encodeURIComponent(`ok,${s}`)}`);
      expect(tagged.status, `tag ${s}`).toBe(400);
      for (const key of ['kind', 'fingerprint', 'kernel', 'host', 'tag', 'status', 'from', 'to', 'cursor', 'q']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/incidents?${key}=${encodeURIComponent(s)}` });
        expectClean(res, `filter ${key}=${s}`, [200, 400]);
      }
      const patch = await t.app.inject({
        method: 'PATCH',
        url: `/api/incidents/${r.json.id}`,
        payload: { title: s, host: s },
      });
      expectClean(patch, `patch ${s}`, [200]);
      const note = await t.app.inject({
        method: 'POST',
        url: `/api/incidents/${r.json.id}/annotations`,
        payload: { body: `${s} body`, author: s },
      });
      expectClean(note, `annotation ${s}`, [201]);
      expect(note.json().body).toBe(`${s} body`);
      const target = await t.app.inject({
        method: 'POST',
        url: `/api/incidents/${r.json.id}/annotations`,
        payload: { body: 'x', target: s },
      });
      expectClean(target, `annotation target ${s}`, [422]);
    }
    tablesIntact(t.dbPath, stored);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents?limit=200' })).json().items).toHaveLength(stored);
  });
});

describe('hostile search (FTS5 syntax is text)', () => {
  it('column filters, NEAR, ^, *, +, braces, quotes, control and non-BMP characters: 200 (or 400 when too long), never a 5xx', async () => {
    t = await startApp();
    const a = await upload(t.app, HUNG_TASK_DUMP, '?title=bsnmod%20unload%20hang');
    expect(a.status).toBe(201);
    const hostile = [
      '^',
      '^bsnmod',
      'bsnmod^',
      'NEAR(bsnmod unload, 2)',
      'NEAR(',
      'NEAR/2',
      'user_title:bsnmod',
      'titles:x',
      '{titles verdict}: bsnmod',
      '- bsnmod',
      '{',
      '}',
      '"bsnmod" + "unload"',
      'bsnmod + unload',
      'a*b',
      '*bsnmod',
      '**',
      'bsnmod*',
      '"',
      '""',
      '"""',
      "'",
      'x:',
      ':',
      'NOT',
      'AND OR NOT',
      '(bsnmod',
      'bsnmod)',
      ')',
      '\u0000',
      '\u0001bsnmod',
      '😀',
      'bsnmod 😀',
      '\uFFFD',
      'ü*',
      '%',
      '_',
      '\\',
      'rowid:1',
      'incident_fts:x',
      Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '),
      'x'.repeat(500),
    ];
    for (const q of hostile) {
      const res = await t.app.inject({ method: 'GET', url: `/api/incidents?q=${encodeURIComponent(q)}` });
      expectClean(res, `q=${JSON.stringify(q)}`, [200]);
    }
    expectClean(await t.app.inject({ method: 'GET', url: `/api/incidents?q=${'x'.repeat(501)}` }), 'q too long', [400]);
    // Invalid percent-encoding and invalid UTF-8 in the query string.
    for (const raw of [
      'q=%FF',
      'q=%ED%A0%80',
      'q=%',
      'q=%zz',
      'q[]=x',
      'q=a&q=b',
      'limit=1e9',
      'limit=-1',
      'limit=abc',
      'cursor=%00',
    ]) {
      expectClean(await t.app.inject({ method: 'GET', url: `/api/incidents?${raw}` }), raw, [200, 400]);
    }
    // The operators did not become operators: a phrase search still finds by words.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/incidents?q=NEAR(bsnmod%20unload%2C%202)' })).json().items,
    ).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents?q=bsnmod%20unload' })).json().items).toHaveLength(
      1,
    );
  });
});

describe('hostile JSON bodies and ids', () => {
  it('enormous, deeply nested or prototype-polluting JSON is a 4xx; annotation targets must be real nodes', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const base = `/api/incidents/${json.id}/annotations`;
    const post = (payload: string | object, contentType = 'application/json') =>
      t!.app.inject({
        method: 'POST',
        url: base,
        headers: { 'content-type': contentType },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });

    expectClean(await post({ body: 'x'.repeat(2 * 1024 * 1024) }), '2 MB body', [413]);
    expectClean(await post('['.repeat(500_000)), 'deeply nested arrays', [400]);
    expectClean(await post(`{"body":${'['.repeat(100_000)}1${']'.repeat(100_000)}}`), 'deeply nested body', [400]);
    expectClean(await post('{"body":"x","__proto__":{"polluted":true}}'), '__proto__', [400]);
    expectClean(
      await post('{"body":"x","constructor":{"prototype":{"polluted":true}}}'),
      'constructor.prototype',
      [400],
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectClean(await post('{"body": "x"'), 'truncated JSON', [400]);
    expectClean(await post('body=x', 'application/x-www-form-urlencoded'), 'form encoding', [415]);
    expectClean(await post('x', 'text/plain'), 'text/plain annotation', [400, 415]);
    for (const target of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'task:',
      'task:0',
      'task:-1',
      'task:31969 ',
      ' task:31969',
      'TASK:31969',
      'lock:',
      'cpu:99999999999999999999',
      'x'.repeat(200),
    ]) {
      expectClean(await post({ body: 'x', target }), `target ${JSON.stringify(target)}`, [422]);
    }
    expectClean(await post({ body: 'x', target: 'x'.repeat(201) }), 'target too long', [400]);
    expectClean(await post({ body: 'x', lines: [1, 2 ** 53] }), 'lines past the end', [400, 422]);
    expectClean(await post({ body: 'x', lines: [1.5, 2] }), 'fractional line', [400]);
    expectClean(await post({ body: 'x', lines: ['1', '2'] }), 'string lines', [201, 400]);
    expectClean(await post({ body: 'x', author: 'a'.repeat(101) }), 'author too long', [400]);
    const list = (await t.app.inject({ method: 'GET', url: base })).json().items as unknown[];
    expect(list.length).toBeLessThanOrEqual(1);
    tablesIntact(t.dbPath, 1);
  });

  it('ids that are not ids are 404 (reads) or 404/400 (writes), whatever their form', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const bad = [
      'x',
      'AAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAA',
      `${json.id}x`,
      `${json.id.slice(0, 21)}!`,
      '%00',
      '%ff',
      "'%20OR%201=1",
      'a'.repeat(10_000),
      '..',
      '%2e%2e',
      json.id.toLowerCase() === json.id ? 'Z'.repeat(22) : json.id.toLowerCase(),
    ];
    for (const id of bad) {
      for (const [method, url, payload] of [
        ['GET', `/api/incidents/${id}`],
        ['GET', `/api/incidents/${id}/raw`],
        ['GET', `/api/incidents/${id}/annotations`],
        ['PATCH', `/api/incidents/${id}`, { status: 'resolved' }],
        ['POST', `/api/incidents/${id}/annotations`, { body: 'x' }],
        ['PATCH', `/api/incidents/${json.id}/annotations/${id}`, { body: 'x' }],
        ['DELETE', `/api/incidents/${json.id}/annotations/${id}`],
      ] as const) {
        const res = await t.app.inject({ method, url, ...(payload ? { payload } : {}) });
        // 414: Fastify's router refuses a path parameter over 100 characters before any route runs.
        expectClean(res, `${method} ${url.slice(0, 80)}`, id.length > 100 ? [414] : [400, 404]);
      }
    }
    const dup = await t.app.inject({
      method: 'PATCH',
      url: `/api/incidents/${json.id}`,
      payload: { status: 'duplicate', duplicateOf: "' OR 1=1 --" },
    });
    expectClean(dup, 'duplicateOf not an id', [422]);
    tablesIntact(t.dbPath, 1);
  });
});

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisError, type AnalysisRunner } from '../analysis/pool.js';
import { HttpError } from '../errors.js';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, multipartBody, startApp, upload, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

async function rawOf(id: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/raw` });
  return res;
}

describe('POST /api/incidents', () => {
  it('stores a text/plain dump and answers 201 with an unguessable id', async () => {
    t = await startApp();
    const { status, json, res } = await upload(t.app, HUNG_TASK_DUMP);
    expect(status).toBe(201);
    expect(json.id).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 random bytes
    expect(json.url).toBe(`/i/${json.id}`);
    expect(json.duplicate).toBeUndefined();
    expect(res.headers.location).toBe(`/api/incidents/${json.id}`);

    const detail = await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` });
    expect(detail.statusCode).toBe(200);
    const d = detail.json();
    expect(d).toMatchObject({
      id: json.id,
      url: json.url,
      status: 'open',
      host: null,
      tags: [],
      size: Buffer.byteLength(HUNG_TASK_DUMP),
      lineCount: 12,
    });
    expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.analysis.schemaVersion).toBe(1);
    expect(d.kind).toBe(d.analysis.kind);
    expect(d.title).toBe(d.analysis.title);
    expect(d.fingerprint).toBe(d.analysis.fingerprint);
    expect(d.analyzerVersion).toBe(d.analysis.analyzerVersion);
    expect(Date.parse(d.createdAt)).not.toBeNaN();
  });

  it('returns the original bytes exactly: CRLF, non-ASCII UTF-8, no final newline', async () => {
    t = await startApp();
    const { status, json } = await upload(t.app, Buffer.from(CRLF_UTF8_DUMP, 'utf8'));
    expect(status).toBe(201);
    const raw = await rawOf(json.id);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.compare(raw.rawPayload, Buffer.from(CRLF_UTF8_DUMP, 'utf8'))).toBe(0);
  });

  it('keeps a few invalid UTF-8 bytes (a Latin-1 name) byte-exact', async () => {
    t = await startApp();
    const bytes = Buffer.concat([Buffer.from(HUNG_TASK_DUMP), Buffer.from('# owner: J\xfcrgen\n', 'latin1')]);
    const { status, json } = await upload(t.app, bytes);
    expect(status).toBe(201);
    expect(Buffer.compare((await rawOf(json.id)).rawPayload, bytes)).toBe(0);
  });

  it('accepts application/octet-stream and a body without content type', async () => {
    t = await startApp();
    const octet = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'application/octet-stream' },
      payload: HUNG_TASK_DUMP,
    });
    expect(octet.statusCode).toBe(201);
    const bare = await t.app.inject({ method: 'POST', url: '/api/incidents', payload: Buffer.from(CRLF_UTF8_DUMP) });
    expect(bare.statusCode).toBe(201);
    expect(bare.json().id).not.toBe(octet.json().id);
  });

  it('takes title, host and tags from the query string', async () => {
    t = await startApp();
    const { status, json } = await upload(
      t.app,
      HUNG_TASK_DUMP,
      '?title=rmmod%20hang&host=db-7&tags=prod,%20rhel7,prod',
    );
    expect(status).toBe(201);
    const d = (await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).json();
    expect(d).toMatchObject({ title: 'rmmod hang', host: 'db-7', tags: ['prod', 'rhel7'] });
  });

  it('accepts multipart/form-data with the file field dump and metadata fields', async () => {
    t = await startApp();
    const form = await multipartBody(
      { title: 'qxl fb hang', host: 'vm-12', tags: 'qxl,desktop' },
      { bytes: CRLF_UTF8_DUMP },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    const d = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json();
    expect(d).toMatchObject({ title: 'qxl fb hang', host: 'vm-12', tags: ['desktop', 'qxl'] });
    expect(Buffer.compare((await rawOf(id)).rawPayload, Buffer.from(CRLF_UTF8_DUMP))).toBe(0);
  });

  it('400 for a multipart form without a dump file', async () => {
    t = await startApp();
    const form = await multipartBody({ title: 'nothing attached' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/dump/);
  });

  it('answers 200 duplicate with the existing id for the same bytes', async () => {
    t = await startApp();
    const first = await upload(t.app, HUNG_TASK_DUMP);
    const second = await upload(t.app, HUNG_TASK_DUMP, '?title=again');
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ id: first.json.id, url: first.json.url, duplicate: true });
    const list = (await t.app.inject({ method: 'GET', url: '/api/incidents' })).json();
    expect(list.items).toHaveLength(1);
  });

  it('stores a dump the analyzer does not recognise, as kind unknown', async () => {
    t = await startApp();
    const { status, json } = await upload(t.app, 'hello, this is not a kernel log\nsecond line\n');
    expect(status).toBe(201);
    const d = (await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).json();
    expect(d.kind).toBe('unknown');
    expect(d.analysis.kind).toBe('unknown');
  });

  it('stores the dump when its analysis runs out of time or memory, with an analysis that says so', async () => {
    const reason = 'analysis ran out of memory (Worker terminated due to reaching memory limit: JS heap out of memory)';
    const runner: AnalysisRunner = {
      mode: 'worker',
      analyze: async () => {
        throw new AnalysisError(reason);
      },
      close: async () => {},
    };
    t = await startApp({ analysis: runner });
    const { status, json } = await upload(t.app, HUNG_TASK_DUMP);
    expect(status).toBe(201);
    expect(json.analysisError).toBe(reason);
    const d = (await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).json();
    expect(d).toMatchObject({
      title: 'Analysis failed',
      kind: 'unknown',
      fingerprint: 'analysis-failed',
      lineCount: 12,
    });
    expect(d.analysis.findings[0].summary).toContain(reason);
    expect(d.analysis.verdict).toContain('did not finish');
    expect((await rawOf(json.id)).body).toBe(HUNG_TASK_DUMP);
    // The page's view of it loads like any other.
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}/view` })).statusCode).toBe(200);
  });

  it('a refusal from the analysis runner (not a text dump) is still the answer, and nothing is stored', async () => {
    const runner: AnalysisRunner = {
      mode: 'worker',
      analyze: async () => {
        throw new HttpError(415, 'not_text', 'not a text dump');
      },
      close: async () => {},
    };
    t = await startApp({ analysis: runner });
    const { status, json } = await upload(t.app, HUNG_TASK_DUMP);
    expect(status).toBe(415);
    expect(json.error).toBe('not_text');
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items).toEqual([]);
  });

  it('413 with a JSON error over the limit, and stays healthy', async () => {
    t = await startApp({ maxUploadBytes: 1024 });
    const big = HUNG_TASK_DUMP.repeat(10);
    const { status, json } = await upload(t.app, big);
    expect(status).toBe(413);
    expect(json.error).toBe('payload_too_large');
    expect(json.message).toMatch(/1024 bytes/);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    expect((await upload(t.app, HUNG_TASK_DUMP)).status).toBe(201);
  });

  it('GET /api/limits names the upload limit the server enforces', async () => {
    t = await startApp({ maxUploadBytes: 1024 });
    const res = await t.app.inject({ method: 'GET', url: '/api/limits' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ maxUploadBytes: 1024 });
  });

  it('413 for a chunked body without Content-Length over the limit', async () => {
    t = await startApp({ maxUploadBytes: 1024 });
    const { Readable } = await import('node:stream');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain' },
      payload: Readable.from([Buffer.alloc(800, 'a'), Buffer.alloc(800, 'b')]),
    });
    expect(res.statusCode).toBe(413);
  });

  it('413 for a multipart file over the limit', async () => {
    t = await startApp({ maxUploadBytes: 1024 });
    const form = await multipartBody({}, { bytes: HUNG_TASK_DUMP.repeat(10) });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('payload_too_large');
  });

  it('accepts Content-Encoding: gzip and stores the decompressed bytes', async () => {
    t = await startApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: gzipSync(Buffer.from(CRLF_UTF8_DUMP)),
    });
    expect(res.statusCode).toBe(201);
    expect((await rawOf(res.json().id)).rawPayload.toString('utf8')).toBe(CRLF_UTF8_DUMP);
  });

  it('413 for a gzip bomb: the decompressed size is limited too', async () => {
    t = await startApp({ maxUploadBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 'a'));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: bomb,
    });
    expect(res.statusCode).toBe(413);
  });

  it('400 for a corrupt gzip body, 415 for an unknown content encoding', async () => {
    t = await startApp();
    const corrupt = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: Buffer.from('definitely not gzip'),
    });
    expect(corrupt.statusCode).toBe(400);
    const br = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'br' },
      payload: Buffer.from('x'),
    });
    expect(br.statusCode).toBe(415);
  });

  it('415 for binary input: NUL bytes, random bytes, UTF-16, a gzip file sent as text', async () => {
    t = await startApp();
    const cases: Buffer[] = [
      Buffer.concat([Buffer.from('ELF'), Buffer.from([0, 1, 2, 0]), Buffer.from(HUNG_TASK_DUMP)]),
      Buffer.from(randomBytes(4096).map((b) => (b === 0 ? 1 : b))), // no NUL: caught as invalid UTF-8
      Buffer.from('\ufeffINFO: task hung', 'utf16le'),
      gzipSync(Buffer.from(HUNG_TASK_DUMP)),
    ];
    for (const bytes of cases) {
      const { status, json } = await upload(t.app, bytes);
      expect(status).toBe(415);
      expect(json.error).toBe('not_text');
      expect(json.message?.length).toBeGreaterThan(10);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items).toHaveLength(0);
  });

  it('415 for a content type that is not a dump', async () => {
    t = await startApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'application/json' },
      payload: '{"dump":"x"}',
    });
    expect(res.statusCode).toBe(415);
  });

  it('400 for an empty or whitespace-only body', async () => {
    t = await startApp();
    expect((await upload(t.app, '')).status).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/api/incidents' })).statusCode).toBe(400);
    const blank = await upload(t.app, ' \r\n\n\t');
    expect(blank.status).toBe(400);
    expect(blank.json.error).toBe('empty_dump');
  });

  it('400 for an invalid tag or an over-long title', async () => {
    t = await startApp();
    expect((await upload(t.app, HUNG_TASK_DUMP, '?tags=ok,%3Cscript%3E')).status).toBe(400);
    expect((await upload(t.app, HUNG_TASK_DUMP, `?title=${'x'.repeat(201)}`)).status).toBe(400);
  });
});

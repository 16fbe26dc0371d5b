// Redacted exports and share links over a real socket with authentication on: the
// link gives the redacted dump and report to anyone; the original only to readers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { cliEnv, listenLocal, startApp, type TestApp } from '../__tests__/helpers.js';

const REAL = fileURLToPath(new URL('../../../../packages/analyzer/fixtures/real/', import.meta.url));
// A real capture, with the machine named the way syslog and crash name it.
const DUMP =
  'Mar  3 04:05:06 db-prod-7 kernel: Linux version 4.19.0 (alice@build-box.corp.example.com) (gcc 8.3)\n' +
  'Mar  3 04:05:06 db-prod-7 kernel: eth0: 10.1.2.3 peer 52:54:00:12:34:56, mail oncall@corp.example.com, core at /home/alice/core\n' +
  // A kernel address (the capture below holds only error codes, which stay as they are).
  'Mar  3 04:05:06 db-prod-7 kernel: task ffff8880162d8000 mm ffff888012345678\n' +
  readFileSync(join(REAL, 'hung-task-semaphore-last-holder-dmesg-T-6.14.txt'), 'utf8');

let t: TestApp;
let base: string;
const tok: Record<string, string> = {};
let id: string;

const get = (url: string, who?: string) =>
  fetch(`${base}${url}`, { headers: who ? { authorization: `Bearer ${tok[who]}` } : {} });

beforeAll(async () => {
  t = await startApp({ auth: { enabled: true } });
  base = await listenLocal(t);
  for (const role of ['write', 'ingest']) {
    const out: string[] = [];
    await runCli(['token', 'create', '--role', role], cliEnv(t.store), { out: (l) => out.push(l), err: () => {} });
    tok[role] = out.at(-1)!;
  }
  const res = await fetch(
    `${base}/api/incidents?host=db-prod-7.corp.example.com&title=${encodeURIComponent('hang on db-prod-7')}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.write}`, 'content-type': 'text/plain' },
      body: DUMP,
    },
  );
  expect(res.status).toBe(201);
  id = ((await res.json()) as { id: string }).id;
  await fetch(`${base}/api/incidents/${id}/annotations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok.write}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'seen on db-prod-7 again (10.1.2.3)' }),
  });
});

afterAll(async () => {
  await t?.close();
});

const SECRETS = ['db-prod-7', 'build-box', 'alice', '10.1.2.3', '52:54:00:12:34:56', 'oncall@', 'corp.example.com'];

/** The dump's first kernel address (not an error code such as RAX's -ENOSYS, which the
 *  redactor leaves as it is). */
function firstAddress(dump: string): string {
  return dump.match(/ffff[0-9a-f]{12}/g)!.find((h) => !h.startsWith('fffffffffffff'))!;
}

describe('redacted sharing', () => {
  it('a share link serves the redacted report, dump, graph and analysis to anyone; the original needs a reader', async () => {
    expect((await fetch(`${base}/api/incidents/${id}/shares`, { method: 'POST' })).status).toBe(401);
    const made = await fetch(`${base}/api/incidents/${id}/shares`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.write}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(made.status).toBe(201);
    const share = (await made.json()) as { id: string; url: string; raw: string; analysis: string; svg: string };
    expect(share.url).toBe(`/api/shared/${share.id}`);

    const original = await (await get(`/api/incidents/${id}/raw`, 'write')).text();
    expect(original).toBe(DUMP);
    for (const who of [undefined, 'ingest'])
      expect((await get(`/api/incidents/${id}/raw`, who)).status).toBe(who ? 403 : 401);

    const raw = await get(share.raw);
    expect(raw.status).toBe(200);
    const text = await raw.text();
    const report = await (await get(share.url)).text();
    const analysis = await (await get(share.analysis)).text();
    const svg = await (await get(share.svg)).text();
    for (const body of [text, report, analysis, svg]) for (const s of SECRETS) expect(body, s).not.toContain(s);
    expect(report).toContain('host-1');
    expect(report).not.toContain(id); // the incident's own permalink is not given away
    expect(text.split('\n')).toHaveLength(DUMP.split('\n').length);

    // The analysis of the redacted dump is the analysis of the dump.
    const doc = JSON.parse(analysis) as {
      kind: string;
      fingerprint: string;
      graph: { nodes: unknown[]; edges: unknown[] };
    };
    const orig = (await (await get(`/api/incidents/${id}/analysis.json`, 'write')).json()) as typeof doc;
    expect([doc.kind, doc.fingerprint, doc.graph.nodes.length, doc.graph.edges.length]).toEqual([
      orig.kind,
      orig.fingerprint,
      orig.graph.nodes.length,
      orig.graph.edges.length,
    ]);

    // Stable: the same link gives the same text.
    expect(await (await get(share.raw)).text()).toBe(text);
    expect((await get('/api/shared/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });

  it('exports and the dump redacted on request, for readers', async () => {
    expect((await get(`/api/incidents/${id}/redacted.txt`)).status).toBe(401);
    const text = await (await get(`/api/incidents/${id}/redacted.txt`, 'write')).text();
    const md = await (await get(`/api/incidents/${id}/report.md?redact=1`, 'write')).text();
    for (const body of [text, md]) for (const s of SECRETS) expect(body, s).not.toContain(s);
    const keep = await (await get(`/api/incidents/${id}/redacted.txt?kaslr=0`, 'write')).text();
    const addr = firstAddress(DUMP);
    expect(keep).toContain(addr);
    expect(text).not.toContain(addr);
  });
});

describe('HANGSCOPE_REDACT_AT_INGEST', () => {
  it('stores only the redacted dump, title and host; the analysis is the same', async () => {
    const other = await startApp({ redactAtIngest: { kaslr: true } });
    const a = other.app;
    try {
      const up = await a.inject({
        method: 'POST',
        url: '/api/incidents?host=db-prod-7&title=hang%20on%20db-prod-7',
        headers: { 'content-type': 'text/plain' },
        payload: DUMP,
      });
      expect(up.statusCode).toBe(201);
      const rid = up.json().id as string;
      const raw = (await a.inject({ method: 'GET', url: `/api/incidents/${rid}/raw` })).body;
      const detail = (await a.inject({ method: 'GET', url: `/api/incidents/${rid}` })).json();
      for (const s of SECRETS) {
        expect(raw, s).not.toContain(s);
        expect(JSON.stringify(detail), s).not.toContain(s);
      }
      expect(detail.host).toBe('host-1');
      expect(detail.title).toBe('hang on host-1');
      expect(raw).not.toContain(firstAddress(DUMP));
      const here = detail.analysis as { kind: string; fingerprint: string; graph: { nodes: unknown[] } };
      const orig = (await (await get(`/api/incidents/${id}/analysis.json`, 'write')).json()) as typeof here;
      expect([here.kind, here.fingerprint, here.graph.nodes.length]).toEqual([
        orig.kind,
        orig.fingerprint,
        orig.graph.nodes.length,
      ]);
      // A capture added later is redacted too, with the incident's host names.
      const more = await a.inject({
        method: 'POST',
        url: `/api/incidents/${rid}/captures`,
        headers: { 'content-type': 'text/plain' },
        payload: `${DUMP}\nMar  3 04:06:00 db-prod-7 kernel: again\n`,
      });
      expect(more.statusCode).toBeLessThan(300);
      const raw2 = (await a.inject({ method: 'GET', url: `/api/incidents/${rid}/captures/2/raw` })).body;
      expect(raw2).toContain('host-1 kernel: again');
      for (const s of SECRETS) expect(raw2, s).not.toContain(s);
    } finally {
      await other.close();
    }
  });
});

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HUNG_TASK_DUMP, startApp, sysrqDump, tempDir, upload, type TestApp } from '../__tests__/helpers.js';
import { analyzeToRecord } from '../analysis/digest.js';
import { mdText } from '../export/report-md.js';
import { HttpError } from '../errors.js';
import { inflateDocumentSync } from '../store/document.js';
import type { AnalysisInput, DeriveJob } from './jobs.js';
import { InlineDeriveRunner, WorkerDerivePool, createDeriveRunner } from './pool.js';

// The real worker as `npm start` runs it: vitest runs TypeScript source, which a worker
// thread cannot load, so these tests take the built one (pnpm build before the tests,
// as the reliability tests need dist/server.js).
const BUILT_WORKER = new URL('../../dist/derive/worker.js', import.meta.url);
const builtWorker = () => {
  if (!existsSync(fileURLToPath(BUILT_WORKER)))
    throw new Error(`${BUILT_WORKER.pathname} is missing: pnpm build first`);
  return BUILT_WORKER;
};

const pools: { close(): Promise<void> }[] = [];
let t: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.close();
  t = undefined;
  for (const p of pools.splice(0)) await p.close();
});

function realPool(size = 1, maxQueued = 16) {
  const pool = new WorkerDerivePool(builtWorker(), size, 60_000, maxQueued);
  pools.push(pool);
  return pool;
}

/** An analysis as the store keeps it, from a dump (compact when it has many tasks). */
function stored(dump: string): AnalysisInput {
  const d = analyzeToRecord(Buffer.from(dump)).document;
  return { form: d.form ?? 'full', encoding: d.encoding, data: d.data };
}

/** The nice value of each thread of this process, the main thread first. */
const niceOfThreads = () =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

describe('derive jobs in the built worker', () => {
  it('answer what the same jobs answer in-process, compact and full analyses alike', async () => {
    const pool = realPool(2);
    const inline = new InlineDeriveRunner();
    const small = stored(HUNG_TASK_DUMP);
    const big = stored(sysrqDump(1200));
    expect([small.form, big.form]).toEqual(['full', 'compact']);
    const incident = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      title: 'a hang',
      kind: 'hung_task',
      host: 'db-1',
      kernel: null,
      status: 'open' as const,
      duplicateOf: null,
      createdAt: '2026-12-06T00:00:00.000Z',
      updatedAt: '2026-12-06T00:00:00.000Z',
      fingerprint: 'f',
      size: 1,
      tags: ['t'],
      sha256: 'x',
      lineCount: 1,
      userTitle: null,
      analyzerVersion: 'v',
      pinned: false,
    };
    for (const analysis of [small, big]) {
      const jobs: DeriveJob[] = [
        { kind: 'md', analysis, incident, pageUrl: '/i/x', mitigation: null, annotations: [] },
        { kind: 'dot', analysis, title: 't' },
        { kind: 'svg', analysis, title: 't' },
        { kind: 'tasks', analysis, ids: ['task:31969', 'task:1', 'nope'] },
        { kind: 'has-target', analysis, target: 'task:31969' },
        { kind: 'diff', a: analysis, b: small, head: { a: 1 } },
      ];
      for (const job of jobs) {
        const [w, i] = [await pool.run(job), await inline.run(job)];
        if (typeof i === 'boolean' || i === null) expect(w).toBe(i);
        else expect(text(w)).toBe(text(i));
      }
      // The view's documents come back as Buffers (the stores write them as such).
      const view = await pool.run({ kind: 'view', analysis });
      const same = await inline.run({ kind: 'view', analysis });
      expect(Buffer.isBuffer(view.doc.data)).toBe(true);
      expect(inflateDocumentSync(view.doc.data).toString()).toBe(inflateDocumentSync(same.doc.data).toString());
      expect(view.groups).toEqual(same.groups);
    }
    expect(await pool.run({ kind: 'has-target', analysis: small, target: 'task:nope' })).toBe(false);
    // The redaction pass: the same text, and the same pseudonyms for the strings after it.
    const dump = `Dec  6 10:00:01 db-7.corp.example kernel: ${HUNG_TASK_DUMP.split('\n')[0]}\nmail root@db-7.corp.example\n`;
    const redact: Extract<DeriveJob, { kind: 'redact' }> = {
      kind: 'redact',
      raw: Buffer.from(dump),
      options: { kaslr: true, secret: 's', hosts: ['db-7'] },
      strings: ['seen on db-7.corp.example', null, 'db-7'],
    };
    const [w, i] = [await pool.run(redact), await inline.run(redact)];
    expect(text(w.text)).toBe(text(i.text));
    expect(text(w.text)).not.toContain('db-7');
    expect(w.strings).toEqual(i.strings);
    expect(w.strings[1]).toBeNull();
    expect(w.strings.join(' ')).not.toContain('db-7');
  });

  it('a broken analysis fails its job with an error, and the worker serves the next', async () => {
    const pool = realPool();
    const broken: AnalysisInput = { form: 'full', encoding: 'identity', data: Buffer.from('{"tasks":') };
    await expect(pool.run({ kind: 'dot', analysis: broken, title: 't' })).rejects.toThrow(/dot failed/);
    expect(text(await pool.run({ kind: 'dot', analysis: stored(HUNG_TASK_DUMP), title: 't' }))).toMatch(/^digraph/);
  });

  // (Under `nice` already, the test cannot tell its threads apart.)
  it.skipIf(process.platform !== 'linux' || getPriority() !== 0)(
    'runs at a lower priority than the event loop (nice 10)',
    async () => {
      const before = niceOfThreads().filter((n) => n === 10).length;
      const pool = realPool();
      await pool.run({ kind: 'dot', analysis: stored(HUNG_TASK_DUMP), title: 't' });
      expect(niceOfThreads().filter((n) => n === 10).length).toBe(before + 1);
      // This thread, the event loop, keeps its priority.
      expect(niceOfThreads()[0]).toBe(0);
    },
  );

  it.skipIf(process.platform !== 'linux' || getPriority() !== 0)('so does the built analysis worker', async () => {
    const url = new URL('../../dist/analysis/worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) throw new Error(`${url.pathname} is missing: pnpm build first`);
    const before = niceOfThreads().filter((n) => n === 10).length;
    // The built worker loads the built analyzer: none of vitest's `--conditions source`.
    const worker = new Worker(url, { execArgv: [] });
    try {
      const answer = new Promise((resolve) => worker.once('message', resolve));
      const bytes = new Uint8Array(Buffer.from(HUNG_TASK_DUMP));
      worker.postMessage({ jobId: 1, bytes }, [bytes.buffer]);
      expect(await answer).toMatchObject({ jobId: 1, record: { kind: expect.any(String) } });
      expect(niceOfThreads().filter((n) => n === 10).length).toBe(before + 1);
    } finally {
      await worker.terminate();
    }
  });

  it('createDeriveRunner: the built worker when given, in-process without one', async () => {
    const worker = createDeriveRunner({ size: 1, timeoutMs: 1000, maxQueued: 1, workerUrl: builtWorker() });
    pools.push(worker);
    expect(worker.mode).toBe('worker');
    expect(createDeriveRunner({ size: 1, timeoutMs: 1000, maxQueued: 1, workerUrl: null }).mode).toBe('inline');
  });
});

// A worker that never answers: jobs stay running, so the queue's bound can be reached.
const SILENT_WORKER = `import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => {});`;

function silentPool(size: number, maxQueued: number, timeoutMs = 60_000) {
  const file = join(tempDir(), 'silent.mjs');
  writeFileSync(file, SILENT_WORKER);
  const pool = new WorkerDerivePool(pathToFileURL(file), size, timeoutMs, maxQueued);
  pools.push(pool);
  return pool;
}

describe('the derive queue', () => {
  it('holds maxQueued jobs behind the busy workers and refuses the next with 503 and Retry-After', async () => {
    const pool = silentPool(1, 2);
    const job = { kind: 'dot', analysis: null, title: 't' } as const;
    const running = [pool.run(job), pool.run(job), pool.run(job)];
    for (const p of running) p.catch(() => {});
    expect(pool.queued).toBe(2);
    const refused = await pool.run(job).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).statusCode).toBe(503);
    expect((refused as HttpError).headers?.['retry-after']).toMatch(/^\d+$/);
    await pool.close();
    for (const p of running) await expect(p).rejects.toThrow(/closed/);
  });

  it('a job past its time ends its worker, and is an error', async () => {
    const pool = silentPool(1, 2, 200);
    await expect(pool.run({ kind: 'svg', analysis: null, title: 't' })).rejects.toThrow(/svg took longer than 200 ms/);
  });

  it('an export refused by a full queue is a 503 with Retry-After', async () => {
    const pool = silentPool(1, 0);
    t = await startApp({ derive: pool });
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    const first = t.app.inject({ method: 'GET', url: `/api/incidents/${id}/graph.svg` });
    first.catch(() => {});
    // The first holds the only worker (it never answers); the second finds no room.
    await vi.waitFor(() => expect(pool.running).toBe(1));
    const res = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/report.md` });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json().error).toBe('busy');
    await pool.close();
  });
});

describe('reads that derive from the whole analysis', () => {
  it('are built by the worker: the event loop never parses the analysis', async () => {
    const pool = realPool();
    t = await startApp({ derive: pool });
    const { id } = (await upload(t.app, sysrqDump(1200))).json;
    const reference = await startApp({ derive: new InlineDeriveRunner() });
    const inlineId = (await upload(reference.app, sysrqDump(1200))).json.id;
    const createdAt = async (app: TestApp, incident: string) =>
      (await app.app.inject({ method: 'GET', url: `/api/incidents/${incident}` })).json().createdAt as string;
    const [at, inlineAt] = [await createdAt(t, id), await createdAt(reference, inlineId)];
    const parse = vi.spyOn(JSON, 'parse');
    const get = (app: TestApp, url: string) => app.app.inject({ method: 'GET', url, headers: { host: 'h' } });
    try {
      const files = [
        'report.md',
        'graph.dot',
        'graph.svg',
        'view/tasks?ids=task:1,task:2',
        // Redacted (addresses kept: the two databases have different secrets for them).
        'redacted.txt?kaslr=0',
        'report.md?redact=1&kaslr=0',
      ];
      for (const file of files) {
        parse.mockClear();
        const res = await get(t, `/api/incidents/${id}/${file}`);
        expect(res.statusCode).toBe(200);
        // Nothing the size of an analysis went through JSON.parse on this thread.
        const parsed = parse.mock.calls.map((c) => String(c[0]).length);
        expect(Math.max(0, ...parsed)).toBeLessThan(1000);
        const same = await get(reference, `/api/incidents/${inlineId}/${file}`);
        // The same as built in-process, but for the incident's id and upload time.
        // (Markdown escapes an id's `_` where it starts or ends a word.)
        const without = (body: string, incident: string, time: string) =>
          body.replaceAll(mdText(incident), '').replaceAll(incident, '').replaceAll(time, '');
        expect(without(res.body, id, at)).toBe(without(same.body, inlineId, inlineAt));
      }
      const annotated = await t.app.inject({
        method: 'POST',
        url: `/api/incidents/${id}/annotations`,
        payload: { target: 'task:1', body: 'seen' },
      });
      expect(annotated.statusCode).toBe(201);
      const refused = await t.app.inject({
        method: 'POST',
        url: `/api/incidents/${id}/annotations`,
        payload: { target: 'task:999999', body: 'seen' },
      });
      expect(refused.statusCode).toBe(422);
    } finally {
      parse.mockRestore();
      await reference.close();
    }
  });
});

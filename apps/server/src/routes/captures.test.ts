import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisDocument } from '@hangscope/analyzer';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { InlineAnalysisRunner } from '../analysis/pool.js';
import { defaultMigrationsDir } from '../paths.js';
import { reanalyzeStored } from '../services/reanalyze.js';
import { openStore } from '../store/open.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

// What the collector took next on the machine of HUNG_TASK_DUMP (rmmod 31969 flushes a
// workqueue): the kworker that runs the flushed work, and where it waits. CRLF line ends
// and a non-ASCII comment: stored and served byte for byte all the same.
const COLLECTED = Buffer.from(
  [
    '=== hangscope-collect: collector ===',
    'hangscope-collect 1 at 2026-12-06T18:29:16Z — “second look”',
    '=== hangscope-collect: /proc/4790/comm ===',
    'kworker/1:2',
    '=== hangscope-collect: /proc/4790/stack ===',
    '[<0>] __mutex_lock.isra.5+0x2ab/0x4d0',
    '[<0>] bsn_work+0x41/0x90 [bsnmod]',
    '[<0>] process_one_work+0x1e0/0x400',
    '[<0>] worker_thread+0x4f/0x3d0',
    '',
  ].join('\r\n'),
  'utf8',
);

const addCapture = (id: string, body: Buffer | string, type = 'text/plain') =>
  t.app.inject({
    method: 'POST',
    url: `/api/incidents/${id}/captures`,
    headers: { 'content-type': type },
    payload: body,
  });
const analysisOf = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json().analysis as AnalysisDocument;

describe('captures of one incident', () => {
  it('POST adds a capture (201), stored byte-exact and listed with its time; the analysis is of all captures', async () => {
    t = await startApp();
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    const res = await addCapture(id, COLLECTED);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id, seq: 2 });
    expect(res.headers.location).toBe(`/api/incidents/${id}/captures/2/raw`);

    const list = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/captures` })).json().items;
    expect(list.map((c: { seq: number; size: number }) => [c.seq, c.size])).toEqual([
      [1, Buffer.byteLength(HUNG_TASK_DUMP)],
      [2, COLLECTED.length],
    ]);
    expect(Date.parse(list[1].createdAt)).toBeGreaterThanOrEqual(Date.parse(list[0].createdAt));

    const raw2 = await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/captures/2/raw` });
    expect(raw2.rawPayload.equals(COLLECTED)).toBe(true);
    // The incident's own dump is still its raw, unchanged.
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/raw` })).body).toBe(HUNG_TASK_DUMP);

    const doc = await analysisOf(id);
    expect(doc.captures?.map((c) => c.seq)).toEqual([1, 2]);
    expect(doc.captures?.[1].createdAt).toBe(list[1].createdAt);
    const kworker = doc.tasks.find((t) => t.pid === 4790)!;
    expect(kworker.comm).toBe('kworker/1:2');
    expect(kworker.evidence.every((s) => s.capture === 2)).toBe(true);
    expect(doc.tasks.find((t) => t.pid === 31969)!.evidence[0]).toMatchObject({ capture: 1, captureLine: 1 });
    expect(doc.verdict).toMatch(/Capture 2 \(.+\) adds: kworker\/1:2 4790 is now seen: it /);

    // The text the analysis read: the first capture's lines as they were, then the marker.
    const input = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/input` })).body;
    const lines = input.split('\n');
    expect(lines[doc.captures![1].line - 2]).toBe(`=== hangscope capture 2 at ${list[1].createdAt} ===`);
    expect(lines[kworker.evidence[0].line - 1]).toBe('=== hangscope-collect: /proc/4790/comm ===\r');
  });

  it('the same bytes again are the capture it has (200); an unknown incident 404; binary 415', async () => {
    t = await startApp();
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    expect((await addCapture(id, COLLECTED)).statusCode).toBe(201);
    const again = await addCapture(id, COLLECTED);
    expect([again.statusCode, again.json().seq, again.json().duplicate]).toEqual([200, 2, true]);
    // The incident's first dump sent as a capture is capture 1.
    expect((await addCapture(id, HUNG_TASK_DUMP)).json()).toMatchObject({ seq: 1, duplicate: true });
    expect((await addCapture('AAAAAAAAAAAAAAAAAAAAAA', COLLECTED)).statusCode).toBe(404);
    expect(
      (await addCapture(id, Buffer.from([0, 1, 2, 0xff, 0, 0, 0, 0]), 'application/octet-stream')).statusCode,
    ).toBeGreaterThanOrEqual(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${id}/captures/3/raw` })).statusCode).toBe(404);
  });

  it('a third capture: each span names its own capture; re-analysis keeps all of them', async () => {
    t = await startApp();
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    await addCapture(id, COLLECTED);
    const third =
      '=== hangscope-collect: /proc/4791/comm ===\nkworker/1:3\n=== hangscope-collect: /proc/4791/stack ===\n[<0>] worker_thread+0x4f/0x3d0\n[<0>] kthread+0x127/0x150\n';
    expect((await addCapture(id, third)).json().seq).toBe(3);
    const before = await analysisOf(id);
    expect(before.captures?.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(before.tasks.find((x) => x.pid === 4791)!.evidence[0]).toMatchObject({ capture: 3, captureLine: 1 });
    expect(before.verdict).toMatch(/Capture 3 \(.+\) adds: kworker\/1:3 4791 is now seen/);
    // As `hangscope reanalyze` does it: another store on the same database.
    const store = await openStore({ ...t.store, migrationsDir: defaultMigrationsDir() });
    try {
      const r = await reanalyzeStored(store, new InlineAnalysisRunner(), { info() {}, warn() {} }, { all: true });
      expect(r).toMatchObject({ updated: 1, failed: 0 });
    } finally {
      await store.close();
    }
    expect(await analysisOf(id)).toEqual(before);
  });

  it('GET diff: per task stuck or moved between two captures (default the last two), or against another incident', async () => {
    t = await startApp();
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    const diff = (q = '') => t.app.inject({ method: 'GET', url: `/api/incidents/${id}/diff${q}` });
    expect((await diff()).statusCode).toBe(400);
    // Later: rmmod is still in flush_workqueue (the same stack, read from /proc), and the kworker shows up.
    const later = [
      '=== hangscope-collect: /proc/31969/comm ===',
      'rmmod',
      '=== hangscope-collect: /proc/31969/stack ===',
      '[<0>] flush_workqueue+0x12c/0x5b0',
      '[<0>] bsn_exit+0x19/0x30 [bsnmod]',
      '[<0>] SyS_delete_module+0x19e/0x310',
      '[<0>] system_call_fastpath+0x22/0x27',
      '',
    ].join('\n');
    await addCapture(id, later);
    await addCapture(id, COLLECTED);
    const res = await diff('?a=1&b=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.a).toMatchObject({ incident: id, capture: 1 });
    expect(body.b).toMatchObject({ incident: id, capture: 2 });
    expect(body.tasks.map((x: { pid: number; change: string }) => [x.pid, x.change])).toEqual([[31969, 'stuck']]);
    expect(body.summary).toMatch(
      /^1 task has the same stack in both captures \(stuck: rmmod \(31969\) in flush_workqueue\)/,
    );
    // Default: the last two (2 and 3): rmmod is not in the third, the kworker is new.
    const last = (await diff()).json();
    expect([last.a.capture, last.b.capture]).toEqual([2, 3]);
    expect(last.counts).toEqual({ stuck: 0, moved: 0, gone: 1, new: 1 });
    expect((await diff('?a=1&b=9')).statusCode).toBe(404);
    expect((await diff('?a=2&b=2')).statusCode).toBe(400);

    // Two incidents: this one (all its captures) against a fresh upload of the first dump.
    const other = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'))).json.id;
    const two = (await diff(`?with=${other}`)).json();
    expect(two.b).toEqual({ incident: other });
    expect(two.tasks.find((x: { pid: number }) => x.pid === 31969).change).toBe('stuck');
    expect((await diff('?with=AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
  });
});

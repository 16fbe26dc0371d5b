import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compactAnalysis,
  expandAnalysis,
  type AnalysisDocument,
  type CompactAnalysis,
  type CompactTask,
  type Frame,
  type Task,
} from '@hangscope/analyzer';
import { buildApp } from '../app.js';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { COVERAGE_INLINE, GROUPS_INLINE, ViewCache, buildView, type ViewEntry } from './view.js';
import { STORED_VIEW_MIN_BYTES } from '../store/sqlite-store.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

/** GET `url` from a second server on the test's database: its view cache is empty, as after a restart. */
async function getRestarted(url: string, storedViewMinBytes?: number) {
  const app = buildApp({
    ...t.store,
    examplesDir: null,
    rateLimit: false,
    reanalyzeOnStart: false,
    storedViewMinBytes,
  });
  await app.ready();
  try {
    return await app.inject({ method: 'GET', url });
  } finally {
    await app.close();
  }
}

/** Compact tasks with their stacks put back. */
function expand(stacks: Frame[][], tasks: CompactTask[]): Task[] {
  return tasks.map(({ stack, ...rest }) => ({ ...rest, frames: stacks[stack] }) as Task);
}

async function fullDocument(id: string): Promise<AnalysisDocument> {
  const res = await get(`/api/incidents/${id}`);
  return expandAnalysis(res.json().analysis as AnalysisDocument | CompactAnalysis);
}

describe('GET /api/incidents/:id/view', () => {
  it('sends the fields, the answer and the graph, and the graph tasks with their stacks', async () => {
    t = await startApp();
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${CRLF_UTF8_DUMP}`, '?title=two%20reports&tags=prod');
    const doc = await fullDocument(json.id);
    const res = await get(`/api/incidents/${json.id}/view`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body).toMatchObject({
      id: json.id,
      url: `/i/${json.id}`,
      title: 'two reports',
      tags: ['prod'],
      kind: doc.kind,
    });
    expect(body.analysis).toBeUndefined();
    const v = body.view;
    expect(v).toMatchObject({
      verdict: doc.verdict,
      title: doc.title,
      kind: doc.kind,
      kernel: doc.kernel,
      fingerprint: doc.fingerprint,
    });
    expect(v.graph).toEqual(doc.graph);
    expect(v.findings).toEqual(doc.findings);
    expect(v.coverage).toEqual(doc.coverage);
    const graphIds = new Set(doc.graph.nodes.map((n) => n.id));
    expect(graphIds.size).toBeGreaterThan(0);
    const tasks = expand(v.stacks, v.tasks);
    expect(tasks).toEqual(doc.tasks.filter((x) => graphIds.has(x.id)));
    expect(v.locks).toEqual(doc.locks.filter((x) => graphIds.has(x.id)));
    expect(v.counts).toMatchObject({
      tasks: doc.tasks.length,
      locks: doc.locks.length,
      cpus: doc.cpus.length,
      works: doc.works.length,
    });
    // One stack group per distinct function sequence; every task counted once.
    expect(v.taskGroups.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(doc.tasks.length);
    const rmmod = v.taskGroups.find((g: { comms: string[] }) => g.comms.includes('rmmod (31969)'));
    expect(rmmod).toMatchObject({ count: 1, states: ['D'], node: 'task:31969' });
    const rmmodFrames = doc.tasks.find((x) => x.id === 'task:31969')!.frames;
    expect(rmmod.fns).toEqual(rmmodFrames.map((f) => f.fn));
    // The analyzer's generic frames (scheduler, syscall entry) by index, for the page to dim.
    expect(rmmod.generic.length).toBeGreaterThan(0);
    expect(rmmod.generic).toEqual(rmmodFrames.flatMap((f, i) => (f.generic ? [i] : [])));
    expect(rmmod.generic.map((i: number) => rmmod.fns[i])).toContain('schedule');
  });

  it('gzip for clients that accept it (same JSON), an ETag and 304, fresh fields after a change', async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const url = `/api/incidents/${json.id}/view`;
    const plain = await get(url);
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const etag = String(plain.headers.etag);
    expect((await get(url, { 'if-none-match': etag })).statusCode).toBe(304);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/incidents/${json.id}`,
      payload: { status: 'resolved' },
    });
    expect(patched.statusCode).toBe(200);
    const after = await get(url, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.json().status).toBe('resolved');
    expect(after.json().view).toEqual(plain.json().view);
  });

  it('404 for an unknown or malformed id', async () => {
    t = await startApp();
    for (const url of [
      '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/view',
      '/api/incidents/nope/view',
      '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/view/tasks?ids=task:1',
      '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/view/task-groups',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    }
  });
});

describe('GET /api/incidents/:id/view/tasks and /view/task-groups', () => {
  it('any task by id, in the compact form; unknown ids are left out; bounded', async () => {
    t = await startApp();
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${CRLF_UTF8_DUMP}`);
    const doc = await fullDocument(json.id);
    const ids = doc.tasks.map((x) => x.id);
    const res = await get(
      `/api/incidents/${json.id}/view/tasks?ids=${encodeURIComponent([...ids, 'task:999999'].join(','))}`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(expand(body.stacks, body.items)).toEqual(doc.tasks);
    const many = Array.from({ length: 501 }, (_, i) => `task:${i}`).join(',');
    expect((await get(`/api/incidents/${json.id}/view/tasks?ids=${many}`)).statusCode).toBe(400);
    expect((await get(`/api/incidents/${json.id}/view/tasks`)).statusCode).toBe(400);
  });

  it('pages through the stack groups in the view order', async () => {
    t = await startApp();
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${CRLF_UTF8_DUMP}`);
    const view = (await get(`/api/incidents/${json.id}/view`)).json().view;
    const first = (await get(`/api/incidents/${json.id}/view/task-groups?offset=0&limit=1`)).json();
    const rest = (await get(`/api/incidents/${json.id}/view/task-groups?offset=1&limit=1000`)).json();
    expect(first.total).toBe(view.counts.taskGroups);
    expect([...first.items, ...rest.items]).toEqual(view.taskGroups);
    expect((await get(`/api/incidents/${json.id}/view/task-groups?limit=0`)).statusCode).toBe(400);
  });
});

describe('buildView on a big document', () => {
  // 3,000 tasks on 3 stacks, 10 of them in the graph; 1,000 coverage segments.
  function bigDoc(): AnalysisDocument {
    const stack = (fn: string): Frame[] => [
      { fn: 'schedule', offset: '0x1', size: '0x2', module: null, addr: null, reliable: true },
      { fn, offset: '0x1', size: '0x2', module: null, addr: null, reliable: true },
    ];
    const stacks = [stack('mutex_lock'), stack('io_schedule'), stack('futex_wait')];
    const tasks: Task[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `task:${i}`,
      pid: i,
      comm: `w${i % 7}`,
      state: i % 2 ? 'D' : 'S',
      cpu: null,
      taskAddr: null,
      frames: stacks[i < 2000 ? 0 : i < 2900 ? 1 : 2],
      frameLines: [10 * i + 1, 10 * i + 2],
      evidence: [{ line: 10 * i, endLine: 10 * i + 2 }],
    }));
    tasks.push({
      id: 'task:@nostack',
      pid: null,
      comm: 'x',
      state: null,
      cpu: null,
      taskAddr: null,
      frames: [],
      evidence: [],
    });
    const coverage = Array.from({ length: 1000 }, (_, i) => ({
      format: 'dmesg_task',
      line: i,
      endLine: i,
      status: (i % 100 === 7 ? 'unparsed' : i % 10 === 3 ? 'prose' : 'parsed') as 'parsed' | 'prose' | 'unparsed',
    }));
    return {
      schemaVersion: 1,
      analyzerVersion: 't',
      kind: 'blocked_tasks',
      title: 't',
      fingerprint: 'f',
      kernel: null,
      arch: null,
      tasks,
      cpus: [],
      locks: [
        { id: 'lock:a', addr: 'a', name: null, type: 'mutex', owner: 'task:2950', waiters: ['task:1'], evidence: [] },
        { id: 'lock:b', addr: 'b', name: null, type: 'mutex', owner: null, waiters: [], evidence: [] },
      ],
      works: [],
      graph: {
        nodes: [
          {
            id: 'task:1',
            type: 'task',
            label: 'w1 (1)',
            count: 9,
            members: ['task:1', 'task:3', 'task:5', 'task:7', 'task:9', 'task:11', 'task:13', 'task:15', 'task:17'],
          },
          { id: 'lock:a', type: 'lock', label: 'mutex a' },
          { id: 'task:2950', type: 'task', label: 'w3 (2950)' },
        ],
        edges: [
          { from: 'task:1', to: 'lock:a', kind: 'waits_lock', confidence: 'certain', why: 'w', evidence: [] },
          { from: 'lock:a', to: 'task:2950', kind: 'held_by', confidence: 'certain', why: 'w', evidence: [] },
        ],
      },
      findings: [],
      verdict: 'v',
      coverage,
      lineCount: 30000,
    };
  }

  it('keeps the graph tasks (and the members folded into them), the stacks they use, and counts of the rest', () => {
    const doc = bigDoc();
    const { view } = buildView(doc) as { view: Record<string, any> };
    expect(view.tasks.map((x: CompactTask) => x.id)).toEqual([
      'task:1',
      'task:3',
      'task:5',
      'task:7',
      'task:9',
      'task:11',
      'task:13',
      'task:15',
      'task:17',
      'task:2950',
    ]);
    expect(view.stacks).toHaveLength(2);
    expect(expand(view.stacks, view.tasks)).toEqual(
      doc.tasks.filter((x) => view.tasks.some((y: CompactTask) => y.id === x.id)),
    );
    expect(view.locks.map((l: { id: string }) => l.id)).toEqual(['lock:a']);
    expect(view.counts).toEqual({ tasks: 3001, locks: 2, cpus: 0, works: 0, taskGroups: 4 });
    expect(view.taskGroups.map((g: { count: number; fns: string[] }) => [g.count, g.fns.join('<')])).toEqual([
      [2000, 'schedule<mutex_lock'],
      [900, 'schedule<io_schedule'],
      [100, 'schedule<futex_wait'],
      [1, ''],
    ]);
    expect(view.taskGroups[0]).toMatchObject({
      states: ['S', 'D'],
      comms: ['w0 (0)', 'w1 (1)', 'w2 (2)', 'w3 (3)', 'w4 (4)', 'w5 (5)'],
      node: 'task:1',
    });
    expect(view.taskGroups[1].node).toBeNull();
    expect(view.taskGroups[2].node).toBe('task:2950');
    expect(view.taskGroups.length).toBeLessThanOrEqual(GROUPS_INLINE);
    // A compact document gives the same view.
    expect(buildView(compactAnalysis(doc)).view).toEqual(view);
  });

  it('counts the captures a merged parsed segment stands for', () => {
    const doc = bigDoc();
    doc.coverage = [
      { format: 'dmesg_task', line: 1, endLine: 900, status: 'parsed', count: 80 },
      { format: 'prose', line: 901, endLine: 902, status: 'prose' },
    ];
    const { view } = buildView(doc) as { view: Record<string, any> };
    expect(view.coverageCounts).toEqual({ parsed: 80, prose: 1, unparsed: 0 });
    expect(view.coverageSegments).toBe(2);
    expect(view.coverage).toEqual(doc.coverage);
  });

  it('moves the frame lines of old documents (analyzer 0.1) to frameLines, so stacks are shared', () => {
    const doc = bigDoc();
    for (const task of doc.tasks) {
      task.frames = task.frames.map((f, i) => ({ ...f, line: task.frameLines![i] }));
      delete task.frameLines;
    }
    const { view } = buildView(doc) as { view: Record<string, any> };
    expect(view.stacks).toHaveLength(2);
    expect(view.stacks.flat().some((f: Frame) => 'line' in f)).toBe(false);
    expect(view.tasks.find((x: CompactTask) => x.id === 'task:2950').frameLines).toEqual([29501, 29502]);
  });

  it('sends long coverage as counts and the segments not parsed, in line order', () => {
    const { view } = buildView(bigDoc()) as { view: Record<string, any> };
    expect(view.coverageCounts).toEqual({ parsed: 890, prose: 100, unparsed: 10 });
    expect(view.coverageSegments).toBe(1000);
    expect(view.coverage).toHaveLength(COVERAGE_INLINE - 90);
    expect(view.coverage.filter((s: { status: string }) => s.status === 'unparsed')).toHaveLength(10);
    expect(view.coverage.filter((s: { status: string }) => s.status === 'parsed')).toHaveLength(0);
    const lines = view.coverage.map((s: { line: number }) => s.line);
    expect(lines).toEqual([...lines].sort((a: number, b: number) => a - b));
  });
});

describe('the view of a fresh upload', () => {
  // 1,200 tasks: stored in the compact form, so the view built from the document in
  // memory and the one built from the stored (compact) JSON come from different shapes.
  const manyTasks = Array.from({ length: 1200 }, (_, k) =>
    [
      `task:kworker/${k % 8}:${k} state:${k % 3 ? 'I' : 'D'} stack:    0 pid:${1000 + k} ppid:     2 flags:0x00004000`,
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x2eb/0x8d0',
      ' schedule+0x4e/0xb0',
      k % 3 ? ' worker_thread+0xb3/0x3a0' : ' io_schedule+0x46/0x70',
      ' kthread+0x127/0x150',
      ' </TASK>',
    ].join('\n'),
  ).join('\n');

  it("is the analysis worker's (kept at upload), byte for byte the one computed from the stored document", async () => {
    t = await startApp({ storedViewMinBytes: 0 });
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${manyTasks}\n`);
    const url = `/api/incidents/${json.id}/view`;
    // A second server on the same database, without the stored view either: it computes
    // the view from the stored document.
    expect(await t.sql('SELECT incident_id FROM incident_views WHERE incident_id = ?', json.id)).toHaveLength(1);
    await t.sql('DELETE FROM incident_views WHERE incident_id = ?', json.id);
    const fromStore = await getRestarted(url, 0);
    expect(fromStore.statusCode).toBe(200);
    expect(fromStore.json().view.counts.tasks).toBeGreaterThan(1000);
    // Spoil the stored document (not its tag) and the view the second server stored: only
    // a view kept at upload can still be right.
    await t.sql(
      'UPDATE incident_analysis SET document = ? WHERE incident_id = ?',
      Buffer.from('not a document'),
      json.id,
    );
    await t.sql('DELETE FROM incident_views WHERE incident_id = ?', json.id);
    const kept = await get(url);
    expect(kept.statusCode).toBe(200);
    expect(kept.rawPayload.equals(fromStore.rawPayload)).toBe(true);
  });

  it('is stored beside the analysis: a restarted server sends it without reading the analysis', async () => {
    t = await startApp({ storedViewMinBytes: 0 });
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${manyTasks}\n`);
    const url = `/api/incidents/${json.id}/view`;
    const first = await get(url);
    const groups = await get(`${url.replace('/view', '/view/task-groups')}?offset=0&limit=1000`);
    await t.app.close();
    // The analysis is spoilt: a view built now would be empty. The stored one is intact.
    await t.sql(
      'UPDATE incident_analysis SET document = ? WHERE incident_id = ?',
      Buffer.from('not a document'),
      json.id,
    );
    const again = await getRestarted(url, 0);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    const groupsAgain = await getRestarted(`${url}/task-groups?offset=0&limit=1000`, 0);
    expect(groupsAgain.json()).toEqual(groups.json());
    expect(groupsAgain.json().total).toBeGreaterThan(1);
  });

  it('is rebuilt, and stored again, when the stored one is of another view version or analysis', async () => {
    t = await startApp({ storedViewMinBytes: 0 });
    const { json } = await upload(t.app, `${HUNG_TASK_DUMP}\n${manyTasks}\n`);
    const url = `/api/incidents/${json.id}/view`;
    const first = await get(url);
    await t.app.close();
    const row = async () =>
      (
        await t.sql<{ tag: string; version: number }>(
          'SELECT analysis_tag AS tag, view_version AS version FROM incident_views WHERE incident_id = ?',
          json.id,
        )
      )[0];
    const stored = await row();
    for (const spoil of [
      'UPDATE incident_views SET view_version = view_version + 100, document = ?',
      "UPDATE incident_views SET analysis_tag = 'other', document = ?",
    ]) {
      await t.sql(`${spoil} WHERE incident_id = ?`, Buffer.from('not a view'), json.id);
      const again = await getRestarted(url, 0);
      expect(again.statusCode).toBe(200);
      expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
      expect(await row()).toEqual(stored);
    }
  });

  it("is kept only for big analyses: a small one's is rebuilt (in a few ms), never written", async () => {
    t = await startApp();
    const { json } = await upload(t.app, HUNG_TASK_DUMP);
    const first = await get(`/api/incidents/${json.id}/view`);
    expect(first.statusCode).toBe(200);
    const [{ length }] = await t.sql<{ length: number }>(
      'SELECT length FROM incident_analysis WHERE incident_id = ?',
      json.id,
    );
    expect(length).toBeLessThan(STORED_VIEW_MIN_BYTES);
    expect(await t.sql('SELECT count(*) AS n FROM incident_views')).toEqual([{ n: 0 }]);
    const again = await getRestarted(`/api/incidents/${json.id}/view`);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(await t.sql('SELECT count(*) AS n FROM incident_views')).toEqual([{ n: 0 }]);
  });
});

describe('ViewCache', () => {
  const entry = (bytes: number): ViewEntry => ({
    tag: '',
    doc: { encoding: 'deflate-raw-sync', data: Buffer.alloc(bytes), crc32: 0, length: 0 },
    groups: [],
  });

  it('computes once per analysis tag, shares a computation in flight, and stays under its size bound', async () => {
    const cache = new ViewCache(1000, 10);
    let computed = 0;
    const compute = (n: number) => async () => {
      computed++;
      return entry(n);
    };
    const [a, b] = await Promise.all([cache.get('x', 't1', compute(400)), cache.get('x', 't1', compute(400))]);
    expect(a).toBe(b);
    expect(computed).toBe(1);
    await cache.get('x', 't2', compute(400)); // re-analysed: computed again
    expect(computed).toBe(2);
    await cache.get('y', 't', compute(400));
    await cache.get('z', 't', compute(400)); // 1,200 bytes: the oldest (x) goes
    expect(cache.size).toBe(2);
    await cache.get('y', 't', compute(400));
    expect(computed).toBe(4);
    await cache.get('x', 't2', compute(400));
    expect(computed).toBe(5);
    // One entry over the bound alone is kept: it is the one being used.
    await cache.get('huge', 't', compute(5000));
    expect(cache.size).toBe(1);
  });

  it('does not remember a failed computation', async () => {
    const cache = new ViewCache();
    await expect(cache.get('x', 't', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(cache.get('x', 't', async () => entry(1))).resolves.toMatchObject({ groups: [] });
  });
});

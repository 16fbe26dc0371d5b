import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

async function setup() {
  t = await startApp();
  const { json } = await upload(t.app, HUNG_TASK_DUMP);
  const detail = (await t.app.inject({ method: 'GET', url: `/api/incidents/${json.id}` })).json();
  return { id: json.id as string, nodes: (detail.analysis.graph.nodes as { id: string }[]).map((n) => n.id) };
}

describe('annotations', () => {
  it('add, list, edit and delete; targets must be graph nodes, lines inside the dump', async () => {
    const { id, nodes } = await setup();
    expect(nodes).toContain('task:31969'); // the analyzer's node for rmmod
    const base = `/api/incidents/${id}/annotations`;
    const post = (payload: object) => t.app.inject({ method: 'POST', url: base, payload });

    const onNode = await post({
      target: 'task:31969',
      lines: null,
      body: 'rmmod waits for bsn_exit work',
      author: 'ana',
    });
    expect(onNode.statusCode).toBe(201);
    expect(onNode.json()).toMatchObject({
      target: 'task:31969',
      lines: null,
      body: 'rmmod waits for bsn_exit work',
      author: 'ana',
    });
    const onLines = await post({ target: null, lines: [5, 9], body: 'the stuck stack' });
    expect(onLines.statusCode).toBe(201);
    expect(onLines.json().author).toBeNull();

    const list = (await t.app.inject({ method: 'GET', url: base })).json();
    expect(list.items.map((a: { body: string }) => a.body)).toEqual([
      'rmmod waits for bsn_exit work',
      'the stuck stack',
    ]);

    // searchable
    const found = (await t.app.inject({ method: 'GET', url: '/api/incidents?q=stuck%20stack' })).json();
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([id]);

    expect((await post({ target: 'task:99999', body: 'no such task' })).statusCode).toBe(422);
    expect((await post({ lines: [9, 5], body: 'backwards' })).statusCode).toBe(422);
    expect((await post({ lines: [1, 1000], body: 'past the end' })).statusCode).toBe(422);
    expect((await post({ lines: [0, 1], body: 'line zero' })).statusCode).toBe(400);
    expect((await post({ body: '' })).statusCode).toBe(400);
    expect((await post({ body: '   ' })).statusCode).toBe(422);
    expect((await post({ body: 'x'.repeat(10_001) })).statusCode).toBe(400);
    expect((await post({ body: 'ok', extra: 1 })).statusCode).toBe(400);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/annotations',
          payload: { body: 'x' },
        })
      ).statusCode,
    ).toBe(404);

    const annotationId = onLines.json().id;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${base}/${annotationId}`,
      payload: { body: 'the hung stack', lines: [4, 12] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ body: 'the hung stack', lines: [4, 12] });
    expect(
      (await t.app.inject({ method: 'PATCH', url: `${base}/${annotationId}`, payload: { target: 'lock:nope' } }))
        .statusCode,
    ).toBe(422);

    expect((await t.app.inject({ method: 'DELETE', url: `${base}/${annotationId}` })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `${base}/${annotationId}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: base })).json().items).toHaveLength(1);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents?q=stuck' })).json().items).toEqual([]);
  });
});

describe('mitigation', () => {
  it('keeps every saved version, newest first', async () => {
    const { id } = await setup();
    const url = `/api/incidents/${id}/mitigation`;
    expect((await t.app.inject({ method: 'GET', url })).json()).toEqual({
      body: '',
      author: null,
      updatedAt: null,
      history: [],
    });
    await t.app.inject({ method: 'PUT', url, payload: { body: 'blacklist bsnmod', author: 'ana' } });
    const second = await t.app.inject({
      method: 'PUT',
      url,
      payload: { body: 'upgrade to 3.10.0-1062', author: 'bo' },
    });
    expect(second.statusCode).toBe(200);
    const m = second.json();
    expect(m).toMatchObject({ body: 'upgrade to 3.10.0-1062', author: 'bo' });
    expect(m.history.map((h: { body: string }) => h.body)).toEqual(['upgrade to 3.10.0-1062', 'blacklist bsnmod']);
    // the same text again is not a new version
    expect(
      (await t.app.inject({ method: 'PUT', url, payload: { body: 'upgrade to 3.10.0-1062' } })).json().history,
    ).toHaveLength(2);
    expect((await t.app.inject({ method: 'PUT', url, payload: {} })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/mitigation' })).statusCode,
    ).toBe(404);
  });
});

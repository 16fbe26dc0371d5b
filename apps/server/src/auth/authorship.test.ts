// Authorship and the audit list with authentication on: notes carry the token's name,
// only their author or an admin changes them, and every change is on the incident's list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { cliEnv, HUNG_TASK_DUMP, listenLocal, startApp, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
let base: string;
const tok: Record<string, string> = {};
let id: string;

async function call(who: string | null, method: string, url: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (who) headers.authorization = `Bearer ${tok[who]}`;
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
  const res = await fetch(`${base}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  t = await startApp({ auth: { enabled: true } });
  base = await listenLocal(t);
  for (const [name, role] of [
    ['alice', 'write'],
    ['bob', 'write'],
    ['root', 'admin'],
  ]) {
    const out: string[] = [];
    expect(
      await runCli(['token', 'create', '--role', role, '--name', name], cliEnv(t.store), {
        out: (l) => out.push(l),
        err: () => {},
      }),
    ).toBe(0);
    tok[name] = out.at(-1)!;
  }
  id = (await call('alice', 'POST', '/api/incidents', HUNG_TASK_DUMP)).json.id;
});

afterAll(async () => {
  await t?.close();
});

describe('authorship (authentication on)', () => {
  it('annotations carry the token name, whatever author is typed; only the author or an admin edits or deletes', async () => {
    const a = await call('alice', 'POST', `/api/incidents/${id}/annotations`, {
      body: 'rmmod waits on the flush',
      author: 'mallory',
    });
    expect(a.status).toBe(201);
    expect(a.json.author).toBe('alice');
    const edit = (who: string) =>
      call(who, 'PATCH', `/api/incidents/${id}/annotations/${a.json.id}`, {
        body: `edited by ${who}`,
        author: 'mallory',
      });
    const byBob = await edit('bob');
    expect(byBob.status).toBe(403);
    expect(byBob.json.error).toBe('not_author');
    const byAlice = await edit('alice');
    expect(byAlice.status).toBe(200);
    expect(byAlice.json).toMatchObject({ body: 'edited by alice', author: 'alice' });
    expect((await edit('root')).json).toMatchObject({ body: 'edited by root', author: 'alice' });
    expect((await call('bob', 'DELETE', `/api/incidents/${id}/annotations/${a.json.id}`)).status).toBe(403);
    expect((await call('alice', 'DELETE', `/api/incidents/${id}/annotations/${a.json.id}`)).status).toBe(204);
    const b = await call('bob', 'POST', `/api/incidents/${id}/annotations`, { body: 'second' });
    expect((await call('root', 'DELETE', `/api/incidents/${id}/annotations/${b.json.id}`)).status).toBe(204);
  });

  it('the mitigation note is its author’s (or an admin’s) once written', async () => {
    const first = await call('alice', 'PUT', `/api/incidents/${id}/mitigation`, {
      body: 'unload bsnmod only after draining',
      author: 'mallory',
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ body: 'unload bsnmod only after draining', author: 'alice' });
    const bob = await call('bob', 'PUT', `/api/incidents/${id}/mitigation`, { body: 'mine now' });
    expect(bob.status).toBe(403);
    expect((await call('alice', 'PUT', `/api/incidents/${id}/mitigation`, { body: 'v2' })).json.author).toBe('alice');
    expect((await call('root', 'PUT', `/api/incidents/${id}/mitigation`, { body: 'v3 by admin' })).json).toMatchObject({
      body: 'v3 by admin',
      author: 'root',
    });
  });

  it('status, pin, mitigation and annotation changes are on the audit list, with who and when', async () => {
    expect((await call('bob', 'PATCH', `/api/incidents/${id}`, { status: 'mitigated' })).status).toBe(200);
    expect((await call('bob', 'PATCH', `/api/incidents/${id}`, { pinned: true })).json.pinned).toBe(true);
    expect((await call('bob', 'PATCH', `/api/incidents/${id}`, { title: 'nfs hang', tags: ['nfs'] })).status).toBe(200);
    // The same values again change nothing and add no entry.
    expect((await call('bob', 'PATCH', `/api/incidents/${id}`, { title: 'nfs hang' })).status).toBe(200);
    const audit = await call('alice', 'GET', `/api/incidents/${id}/audit`);
    expect(audit.status).toBe(200);
    const rows = audit.json.items.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`);
    expect(rows).toEqual([
      'alice annotation.add',
      'alice annotation.edit',
      'root annotation.edit',
      'alice annotation.delete',
      'bob annotation.add',
      'root annotation.delete',
      'alice mitigation',
      'alice mitigation',
      'root mitigation',
      'bob status',
      'bob pin',
      'bob details',
    ]);
    expect(audit.json.items.at(-3).detail).toEqual({ from: 'open', to: 'mitigated' });
    expect(audit.json.items.at(-1).detail).toEqual({
      title: { from: null, to: 'nfs hang' },
      tags: { from: [], to: ['nfs'] },
    });
    for (const e of audit.json.items) expect(Date.parse(e.at)).not.toBeNaN();
  });
});

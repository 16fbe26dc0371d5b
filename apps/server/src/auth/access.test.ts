// Every route × every role, over a real socket, with authentication on: the table says
// what each route needs; a route missing from it fails the test, so a new route cannot
// ship without a decision.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { runCli } from '../cli.js';
import { HUNG_TASK_DUMP, tempDir, testDatabase } from '../__tests__/helpers.js';
import type { Role } from '../store/types.js';
import type { Access } from './roles.js';

const ROLE_LIST: Role[] = ['read', 'write', 'ingest', 'admin'];
const GRANTED: Record<Role, Access[]> = {
  read: ['public', 'read'],
  ingest: ['public', 'upload'],
  write: ['public', 'read', 'upload', 'write'],
  admin: ['public', 'read', 'upload', 'write', 'admin'],
};

interface Call {
  url: string;
  body?: unknown;
  /** Content type of a string body (JSON for objects). */
  type?: string;
}

interface RouteCase {
  method: string;
  /** The route as Fastify names it. */
  route: string;
  access: Access;
  /** A request for this route by `role`; made fresh for each call (deletes consume their target). */
  call: (role: Role | null) => Promise<Call>;
}

let app: FastifyInstance;
let dir: string;
let base: string;
let db: Awaited<ReturnType<typeof testDatabase>>;
const routes = new Set<string>();
const tokens = {} as Record<Role, string>;
let incidentId: string;
let fingerprint: string;
let shareId: string;

async function cli(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runCli(args, db.env, { out: (l) => out.push(l), err: () => {} });
  return { code, out };
}

async function send(method: string, c: Call, token: string | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (c.body !== undefined) {
    body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    headers['content-type'] = c.type ?? 'application/json';
  }
  return fetch(`${base}${c.url}`, { method, headers, body });
}

/** An annotation of `role`'s when it may write one (so it may change it), else an admin's. */
async function newAnnotation(role: Role | null): Promise<string> {
  const author = role === 'write' ? tokens.write : tokens.admin;
  const res = await send('POST', { url: `/api/incidents/${incidentId}/annotations`, body: { body: 'note' } }, author);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

let uploads = 0;
async function newIncident(): Promise<string> {
  const res = await send(
    'POST',
    { url: '/api/incidents', body: `${HUNG_TASK_DUMP}\n# copy ${++uploads}\n`, type: 'text/plain' },
    tokens.admin,
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

let tokenNames = 0;
const CASES: RouteCase[] = [
  { method: 'GET', route: '/healthz', access: 'public', call: async () => ({ url: '/healthz' }) },
  { method: 'GET', route: '/api/limits', access: 'public', call: async () => ({ url: '/api/limits' }) },
  { method: 'GET', route: '/api/session', access: 'public', call: async () => ({ url: '/api/session' }) },
  {
    method: 'POST',
    route: '/api/session',
    access: 'public',
    call: async () => ({ url: '/api/session', body: { token: tokens.read } }),
  },
  { method: 'DELETE', route: '/api/session', access: 'public', call: async () => ({ url: '/api/session' }) },
  { method: 'GET', route: '/api/tokens', access: 'admin', call: async () => ({ url: '/api/tokens' }) },
  {
    method: 'POST',
    route: '/api/tokens',
    access: 'admin',
    call: async () => ({ url: '/api/tokens', body: { role: 'read', name: `t${++tokenNames}` } }),
  },
  {
    method: 'DELETE',
    route: '/api/tokens/:id',
    access: 'admin',
    call: async () => {
      const { out } = await cli(['token', 'create', '--role', 'read']);
      const id = /token (tok_\w+)/.exec(out[0])![1];
      return { url: `/api/tokens/${id}` };
    },
  },
  {
    method: 'POST',
    route: '/api/incidents',
    access: 'upload',
    call: async () => ({
      url: '/api/incidents',
      body: `${HUNG_TASK_DUMP}\n# upload ${++uploads}\n`,
      type: 'text/plain',
    }),
  },
  { method: 'GET', route: '/api/incidents', access: 'read', call: async () => ({ url: '/api/incidents' }) },
  { method: 'GET', route: '/collect.sh', access: 'public', call: async () => ({ url: '/collect.sh' }) },
  // A capture is an upload: the collector on the hung machine posts with an ingest token.
  {
    method: 'POST',
    route: '/api/incidents/:id/captures',
    access: 'upload',
    call: async () => ({
      url: `/api/incidents/${incidentId}/captures`,
      body: `=== hangscope-collect: uname -a ===\nLinux h 5.15.0-91-generic #1 SMP x86_64 GNU/Linux\n# capture ${++uploads}\n`,
      type: 'text/plain',
    }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/captures',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/captures` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/captures/:seq/raw',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/captures/1/raw` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/input',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/input` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/diff',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/diff?with=${incidentId}` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/raw',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/raw` }),
  },
  {
    method: 'PATCH',
    route: '/api/incidents/:id',
    access: 'write',
    call: async () => ({ url: `/api/incidents/${incidentId}`, body: { tags: ['x'] } }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/annotations',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/annotations` }),
  },
  {
    method: 'POST',
    route: '/api/incidents/:id/annotations',
    access: 'write',
    call: async () => ({ url: `/api/incidents/${incidentId}/annotations`, body: { body: 'hi' } }),
  },
  {
    method: 'PATCH',
    route: '/api/incidents/:id/annotations/:annotationId',
    access: 'write',
    call: async (role) => ({
      url: `/api/incidents/${incidentId}/annotations/${await newAnnotation(role)}`,
      body: { body: 'edited' },
    }),
  },
  {
    method: 'DELETE',
    route: '/api/incidents/:id/annotations/:annotationId',
    access: 'write',
    call: async (role) => ({ url: `/api/incidents/${incidentId}/annotations/${await newAnnotation(role)}` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/mitigation',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/mitigation` }),
  },
  {
    method: 'PUT',
    route: '/api/incidents/:id/mitigation',
    access: 'write',
    call: async () => ({ url: `/api/incidents/${incidentId}/mitigation`, body: { body: 'reboot' } }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/audit',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/audit` }),
  },
  {
    method: 'DELETE',
    route: '/api/incidents/:id',
    access: 'admin',
    call: async () => ({ url: `/api/incidents/${await newIncident()}` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/redacted.txt',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/redacted.txt` }),
  },
  {
    method: 'POST',
    route: '/api/incidents/:id/shares',
    access: 'write',
    call: async () => ({ url: `/api/incidents/${incidentId}/shares`, body: {} }),
  },
  ...['', '/report.md', '/graph.svg', '/graph.dot', '/analysis.json', '/raw'].map((file): RouteCase => ({
    method: 'GET',
    route: `/api/shared/:share${file}`,
    access: 'public',
    call: async () => ({ url: `/api/shared/${shareId}${file}` }),
  })),
  { method: 'GET', route: '/api/groups', access: 'read', call: async () => ({ url: '/api/groups' }) },
  {
    method: 'GET',
    route: '/api/groups/:key',
    access: 'read',
    call: async () => ({ url: `/api/groups/${encodeURIComponent(fingerprint)}` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/repeat',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/repeat` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/similar',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/similar` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/report.md',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/report.md` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/graph.dot',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/graph.dot` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/graph.svg',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/graph.svg` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/analysis.json',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/analysis.json` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/view',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/view` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/view/tasks',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/view/tasks?ids=task:31969` }),
  },
  {
    method: 'GET',
    route: '/api/incidents/:id/view/task-groups',
    access: 'read',
    call: async () => ({ url: `/api/incidents/${incidentId}/view/task-groups` }),
  },
];

beforeAll(async () => {
  dir = tempDir();
  db = await testDatabase(dir);
  app = buildApp({
    dbPath: db.dbPath,
    databaseUrl: db.databaseUrl,
    examplesDir: null,
    rateLimit: false,
    readRateLimit: false,
    auth: { enabled: true },
  });
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.add(`${m} ${r.url}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as import('node:net').AddressInfo).port}`;
  for (const role of ROLE_LIST) {
    const { code, out } = await cli(['token', 'create', '--role', role, '--name', `${role} robot`]);
    expect(code).toBe(0);
    tokens[role] = out.at(-1)!;
  }
  incidentId = await newIncident();
  shareId = (
    (await (await send('POST', { url: `/api/incidents/${incidentId}/shares`, body: {} }, tokens.admin)).json()) as {
      id: string;
    }
  ).id;
  fingerprint = (
    (await (await send('GET', { url: `/api/incidents/${incidentId}` }, tokens.read)).json()) as { fingerprint: string }
  ).fingerprint;
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('access control, every route × every role (authentication on, real socket)', () => {
  it('the table names every API route', () => {
    const named = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    const missing = [...routes].filter(
      (r) => !named.has(r) && !r.includes(' /api/docs') && (r.includes(' /api') || r.includes(' /healthz')),
    );
    expect(missing).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.method} ${c.route} needs ${c.access}`, async () => {
      const anonymous = await send(c.method, await c.call(null), null);
      if (c.access === 'public') expect(anonymous.status, 'anonymous').toBeLessThan(400);
      else {
        expect(anonymous.status, 'anonymous').toBe(401);
        expect(await anonymous.json()).toMatchObject({ error: 'unauthorized' });
      }
      const wrong = await send(c.method, await c.call(null), 'hst_not-a-token');
      if (c.access === 'public') expect(wrong.status, 'a wrong token').toBeLessThan(400);
      else expect(wrong.status, 'a wrong token').toBe(401);
      for (const role of ROLE_LIST) {
        const res = await send(c.method, await c.call(role), tokens[role]);
        if (GRANTED[role].includes(c.access)) {
          expect(res.status, `${role}: ${await res.clone().text()}`).toBeLessThan(400);
        } else {
          expect(res.status, role).toBe(403);
          expect(await res.json()).toMatchObject({ error: 'forbidden' });
        }
      }
    });
  }

  it('API docs need read; the web app and unknown API paths are covered', async () => {
    expect((await send('GET', { url: '/api/docs/json' }, null)).status).toBe(401);
    expect((await send('GET', { url: '/api/docs/json' }, tokens.ingest)).status).toBe(403);
    expect((await send('GET', { url: '/api/docs/json' }, tokens.read)).status).toBe(200);
    expect((await send('GET', { url: '/api/nope' }, null)).status).toBe(401);
    expect((await send('POST', { url: '/api/nope', body: {} }, tokens.write)).status).toBe(403);
  });
});

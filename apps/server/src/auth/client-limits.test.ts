// Limits per client when clients sign in: each token has its own write budget (people
// behind one address do not share one), and an `ingest` token — a fleet's machines —
// has the larger upload budget. Real sockets, every request from 127.0.0.1.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { runCli } from '../cli.js';
import { HUNG_TASK_DUMP, tempDir, testDatabase } from '../__tests__/helpers.js';

let app: FastifyInstance;
let dir: string;
let base: string;
let db: Awaited<ReturnType<typeof testDatabase>>;
const tokens: Record<string, string> = {};

async function token(role: string, name: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['token', 'create', '--role', role, '--name', name], db.env, {
    out: (l) => out.push(l),
    err: () => {},
  });
  expect(code).toBe(0);
  return out.at(-1)!;
}

let n = 0;
const upload = (tok: string) =>
  fetch(`${base}/api/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/plain' },
    body: `${HUNG_TASK_DUMP}\n# upload ${++n}\n`,
  });

beforeAll(async () => {
  dir = tempDir();
  db = await testDatabase(dir);
  app = buildApp({
    dbPath: db.dbPath,
    databaseUrl: db.databaseUrl,
    examplesDir: null,
    rateLimit: { max: 2, timeWindowMs: 60_000, ingestMax: 5 },
    readRateLimit: false,
    auth: { enabled: true },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as import('node:net').AddressInfo).port}`;
  tokens.alice = await token('write', 'alice');
  tokens.bob = await token('write', 'bob');
  tokens.fleet = await token('ingest', 'fleet');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('limits per signed-in client', () => {
  it('gives each token its own write budget, from one address', async () => {
    const alice = [await upload(tokens.alice), await upload(tokens.alice), await upload(tokens.alice)].map(
      (r) => r.status,
    );
    expect(alice).toEqual([201, 201, 429]);
    // Bob, from the same address, has not spent anything.
    const bob = [await upload(tokens.bob), await upload(tokens.bob)].map((r) => r.status);
    expect(bob).toEqual([201, 201]);
  });

  it("gives an ingest token the fleet's upload budget, with Retry-After past it", async () => {
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let k = 0; k < 6; k++) {
      last = await upload(tokens.fleet);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await last!.json()) as { error: string }).error).toBe('too_many_requests');
  });
});

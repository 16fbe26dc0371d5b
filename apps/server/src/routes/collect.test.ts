import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { defaultCollectorPath } from '../paths.js';
import { listenLocal, startApp, type TestApp } from '../__tests__/helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('GET /collect.sh', () => {
  it('serves the collector byte for byte as a shell script', async () => {
    t = await startApp();
    const res = await t.app.inject({ method: 'GET', url: '/collect.sh' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/x-shellscript; charset=utf-8');
    expect(res.rawPayload.equals(readFileSync(defaultCollectorPath()))).toBe(true);
    expect(res.body.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'the script fetched from the server uploads its capture to it (--post)',
    async () => {
      t = await startApp();
      const base = await listenLocal(t);
      const script = await (await fetch(`${base}/collect.sh`)).text();
      // As a user would run it: piped into sh, arguments after `-s --`.
      const r = await runCollector(script, ['--post', base, '--timeout', '2', '--pid', String(process.pid)]);
      expect(r.status).toBe(0);
      const id = /"id":"([^"]+)"/.exec(r.stderr)?.[1];
      expect(id).toBeDefined();
      const raw = await fetch(`${base}/api/incidents/${id}/raw`);
      const text = await raw.text();
      expect(text).toContain(`=== hangscope-collect: /proc/${process.pid}/stack ===`);
      expect(r.stdout).toBe(text);

      // The next capture of the same machine goes to the same incident (--incident).
      const again = await runCollector(script, ['--post', base, '--incident', id!, '--timeout', '2']);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stderr.trim())).toMatchObject({ id, seq: 2 });
      const list = (await (await fetch(`${base}/api/incidents/${id}/captures`)).json()) as { items: { seq: number }[] };
      expect(list.items.map((c) => c.seq)).toEqual([1, 2]);
      expect(await (await fetch(`${base}/api/incidents/${id}/captures/2/raw`)).text()).toBe(again.stdout);
    },
  );
});

describe.skipIf(process.platform !== 'linux')('hangscope-collect --post with authentication on', () => {
  it('posts with --token (an ingest token may add captures); without one the upload is refused and it says so', async () => {
    t = await startApp({ auth: { enabled: true } });
    const env = {
      HANGSCOPE_DB: t.store.dbPath,
      ...(t.store.databaseUrl ? { HANGSCOPE_DATABASE_URL: t.store.databaseUrl } : {}),
    };
    const out: string[] = [];
    expect(
      await runCli(['token', 'create', '--role', 'ingest', '--name', 'collector'], env, {
        out: (l) => out.push(l),
        err: () => {},
      }),
    ).toBe(0);
    const token = out.at(-1)!;
    const base = await listenLocal(t);
    // collect.sh is public: the hung machine fetches it before it has anything else.
    const script = await (await fetch(`${base}/collect.sh`)).text();
    const refused = await runCollector(script, ['--post', base, '--timeout', '2']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`hangscope-collect: upload to ${base}/api/incidents`);
    const first = await runCollector(script, ['--post', base, '--token', token, '--timeout', '2']);
    expect(first.status).toBe(0);
    const id = JSON.parse(first.stderr.trim()).id as string;
    const next = await runCollector(script, ['--post', base, '--token', token, '--incident', id, '--timeout', '2']);
    expect(JSON.parse(next.stderr.trim())).toMatchObject({ id, seq: 2 });
  });
});

/** The collector piped into sh as a user runs it (asynchronously: the server answering its
 *  upload runs in this process). */
function runCollector(
  script: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-s', '--', ...args], { timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(script);
  });
}

// An analysis that outgrows its worker's heap bound (analysis/heap-limits.ts), against
// the built server as a child process: the worker dies of it, the server does not, the
// upload is acknowledged and stored byte-exact with an analysis that says it failed, and
// the next start (with room to spare) analyses it again.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_BUILD, dbHealth, makeDump, startServer, waitFor, type ServerProcess } from './harness.js';

describe.skipIf(!HAVE_BUILD)('analysis worker heap bound (built server as a child process)', () => {
  const dir = join(tmpdir(), `hangscope-heap-${process.pid}-${Date.now()}`);
  const dbPath = join(dir, 'data', 'hangscope.db');
  const examplesDir = join(dir, 'examples');
  mkdirSync(examplesDir, { recursive: true });
  let server: ServerProcess | undefined;

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a dump whose analysis ran out of memory, keeps serving, and re-analyses it at the next start', async () => {
    server = await startServer({
      dbPath,
      examplesDir,
      extra: { HANGSCOPE_ANALYSIS_HEAP_MB: '12', HANGSCOPE_ANALYSIS_WORKERS: '1' },
    });
    const big = makeDump('heap-bound', 6_000_000);
    const res = await fetch(`${server.base}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: big,
    });
    const body = (await res.json()) as { id: string; analysisError?: string };
    expect(res.status).toBe(201);
    expect(body.analysisError).toMatch(/^analysis ran out of memory/);
    const detail = (await (await fetch(`${server.base}/api/incidents/${body.id}`)).json()) as {
      title: string;
      lineCount: number;
    };
    expect(detail.title).toBe('Analysis failed');
    expect(detail.lineCount).toBe(big.toString('utf8').split('\n').length - (big[big.length - 1] === 10 ? 1 : 0));
    const raw = Buffer.from(await (await fetch(`${server.base}/api/incidents/${body.id}/raw`)).arrayBuffer());
    expect(Buffer.compare(raw, big)).toBe(0);
    // The replaced worker analyses what fits.
    const small = makeDump('heap-bound-small', 20_000);
    const ok = await fetch(`${server.base}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: small,
    });
    const okBody = (await ok.json()) as { id: string; analysisError?: string };
    expect(ok.status).toBe(201);
    expect(okBody.analysisError).toBeUndefined();
    expect(await server.stop()).toBe(0);
    expect(dbHealth(dbPath).integrity).toBe('ok');

    // Default bound: the start-up re-analysis replaces the failed analysis.
    server = await startServer({ dbPath, examplesDir });
    const title = async () =>
      ((await (await fetch(`${server!.base}/api/incidents/${body.id}`)).json()) as { title: string }).title;
    await waitFor('the failed analysis re-done', async () => (await title()) !== 'Analysis failed', 120_000, 200);
    expect(await server.stop()).toBe(0);
  }, 240_000);
});

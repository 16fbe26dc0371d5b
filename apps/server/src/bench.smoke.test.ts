// Smoke test of the server benchmark (bench/server.mjs at the repository root) on a tiny
// scale: it seeds incidents, starts the built server, posts a generated dump, restarts
// the server and asks for the dump's page again, and runs every load step. Checks only
// that it runs and reports numbers, never their values (BENCHMARKS.md has those).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
// The bench runs the built server (dist), as `npm start` does; `npm test` builds first.
const built = existsSync(join(root, 'apps/server/dist/server.js'));
const dir = mkdtempSync(join(tmpdir(), 'hangscope-server-bench-smoke-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('server bench smoke', () => {
  it('seeds, posts, restarts and loads, and reports a number for each', () => {
    const gen = spawnSync(
      process.execPath,
      [join(root, 'bench/gen.mjs'), '--sizes', '0.05', '--kinds', 'sysrq', '--out', dir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(gen.status, gen.stderr).toBe(0);
    const results = join(dir, 'results.json');
    const args = [
      '--incidents',
      '200',
      '--duration',
      '1',
      '--warmup',
      '1',
      '--connections',
      '4',
      '--dump',
      join(dir, 'sysrq-0.05mb.txt'),
      '--json',
      results,
    ];
    const r = spawnSync(process.execPath, [join(root, 'bench/server.mjs'), ...args], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(readFileSync(results, 'utf8'));
    expect(out.seeded).toBe(200);
    expect(out.posts).toHaveLength(1);
    const post = out.posts[0];
    expect(post.status).toBe(201);
    for (const key of ['postMs', 'viewMs', 'getMs', 'totalMs', 'viewAfterRestartMs'])
      expect(Number.isFinite(post[key]), key).toBe(true);
    // GET incident (plain, gzip), the page's view, cached and uncached search.
    expect(out.load.map((l: { title: string }) => l.title)).toHaveLength(5);
    for (const l of out.load) {
      expect(l.requests, l.title).toBeGreaterThan(0);
      expect(Number.isFinite(l.p99), l.title).toBe(true);
      expect(l.errors ?? 0, l.title).toBe(0);
      expect(l.non2xx ?? 0, l.title).toBe(0);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { DerivedCache } from './cache.js';
import type { DeriveJob } from './jobs.js';
import { InlineDeriveRunner, type DeriveRunner } from './pool.js';

const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 10));

describe('DerivedCache', () => {
  it('builds once for requests that come while the build runs, and keeps the bytes', async () => {
    const cache = new DerivedCache(1024);
    let builds = 0;
    const build = () => {
      builds++;
      return later(Buffer.from('report'));
    };
    const answers = await Promise.all([cache.get('k', build), cache.get('k', build), cache.get('k', build)]);
    expect(answers.map(String)).toEqual(['report', 'report', 'report']);
    expect(String(await cache.get('k', build))).toBe('report');
    expect(builds).toBe(1);
    expect(cache.bytes).toBe(6);
  });

  it('lets the least recently used go past its bytes; a failed build is not kept', async () => {
    const cache = new DerivedCache(10);
    await cache.get('a', () => later(Buffer.alloc(4)));
    await cache.get('b', () => later(Buffer.alloc(4)));
    await cache.get('a', () => later(Buffer.alloc(1))); // a is used again: b is the oldest
    await cache.get('c', () => later(Buffer.alloc(4)));
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(8);
    expect((await cache.get('b', () => later(Buffer.alloc(5)))).length).toBe(5);
    await expect(cache.get('x', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect((await cache.get('x', () => later(Buffer.alloc(2)))).length).toBe(2);
  });

  it('with no bytes to keep, builds every time', async () => {
    const cache = new DerivedCache(0);
    let builds = 0;
    for (let i = 0; i < 3; i++) await cache.get('k', async () => Buffer.from(String(++builds)));
    expect(builds).toBe(3);
    expect(cache.size).toBe(0);
  });
});

/** The in-process runner, counting the jobs it is given. */
class CountingRunner implements DeriveRunner {
  readonly mode = 'inline';
  readonly queued = 0;
  readonly kinds: string[] = [];
  private readonly inner = new InlineDeriveRunner();
  run<J extends DeriveJob>(job: J) {
    this.kinds.push(job.kind);
    return this.inner.run(job);
  }
  async close() {}
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('exports built once', () => {
  it('a second pull of the same report or graph is sent as built; a change of its inputs builds anew', async () => {
    const runner = new CountingRunner();
    t = await startApp({ derive: runner });
    const { id } = (await upload(t.app, HUNG_TASK_DUMP)).json;
    const get = (file: string, host = 'a.example') =>
      t!.app.inject({ method: 'GET', url: `/api/incidents/${id}/${file}`, headers: { host } });
    const first = await get('report.md');
    expect((await get('report.md')).body).toBe(first.body);
    await get('graph.svg');
    await get('graph.svg');
    expect(runner.kinds).toEqual(['md', 'svg']);
    // Another host in the page's URL, a new mitigation, a new title: each is another report.
    expect((await get('report.md', 'b.example')).body).toContain('http://b.example/i/');
    await t.app.inject({ method: 'PUT', url: `/api/incidents/${id}/mitigation`, payload: { body: 'reboot it' } });
    expect((await get('report.md')).body).toContain('reboot it');
    await t.app.inject({ method: 'PATCH', url: `/api/incidents/${id}`, payload: { title: 'renamed' } });
    expect((await get('graph.svg')).body).toContain('renamed');
    expect(runner.kinds).toEqual(['md', 'svg', 'md', 'md', 'svg']);
  });
});

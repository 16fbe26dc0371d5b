// Over a real TCP socket, not inject: the Node HTTP server, keep-alive and early
// rejection of big bodies behave differently there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, listenLocal, startApp, tempDir, type TestApp } from './__tests__/helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const listen = listenLocal;

describe('over a real socket', () => {
  it('uploads, reads back byte-exact, answers healthz, and survives a 413', async () => {
    t = await startApp({ maxUploadBytes: 4096 });
    const base = await listen(t);

    const post = await fetch(`${base}/api/incidents?title=socket`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: CRLF_UTF8_DUMP,
    });
    expect(post.status).toBe(201);
    const { id } = (await post.json()) as { id: string };
    const raw = await fetch(`${base}/api/incidents/${id}/raw`);
    expect(Buffer.compare(Buffer.from(await raw.arrayBuffer()), Buffer.from(CRLF_UTF8_DUMP))).toBe(0);

    const big = await fetch(`${base}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'payload_too_large' });

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${base}/api/incidents`, { method: 'POST', body: HUNG_TASK_DUMP })).status).toBe(201);
  });

  it('serves the web app with an SPA fallback, security headers and API 404s', async () => {
    const dir = tempDir();
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>hangscope</title><script type="module" src="/assets/app.js"></script>',
    );
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    t = await startApp({ webRoot: web }, dir);
    const base = await listen(t);

    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<title>hangscope</title>');
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const scriptSrc = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');

    const permalink = await fetch(`${base}/i/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(permalink.status).toBe(200);
    expect(permalink.headers.get('content-type')).toMatch(/text\/html/);
    expect(await permalink.text()).toContain('<title>hangscope</title>');

    const asset = await fetch(`${base}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);

    const api404 = await fetch(`${base}/api/nope`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: 'not_found' });
  });
});

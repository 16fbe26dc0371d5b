// The web app's sign-in (session cookie), the origin check on writes, a trusted proxy's
// user header, and the server's refusal to serve a network without a decision.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../app.js';
import { runCli } from '../cli.js';
import { cliEnv, HUNG_TASK_DUMP, listenLocal, startApp, type TestApp } from '../__tests__/helpers.js';
import { authFromEnv, isLoopback } from './config.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(opts: Partial<AppOptions>): Promise<string> {
  t = await startApp(opts);
  return listenLocal(t);
}

async function token(role: string, name?: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['token', 'create', '--role', role, ...(name ? ['--name', name] : [])], cliEnv(t!.store), {
    out: (l) => out.push(l),
    err: () => {},
  });
  expect(code).toBe(0);
  return out.at(-1)!;
}

describe('web sign-in', () => {
  it('a token buys an HttpOnly SameSite=Strict cookie; writes on it need this origin; sign-out and revoke end it', async () => {
    const base = await start({ auth: { enabled: true } });
    const secret = await token('write', 'alice');
    expect(
      (
        await fetch(`${base}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'hst_wrong' }),
        })
      ).status,
    ).toBe(401);
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ token: secret }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toEqual({ auth: true, name: 'alice', role: 'write' });
    const setCookie = signIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^hangscope_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    const cookie = setCookie.split(';', 1)[0];

    expect(await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()).toEqual({
      auth: true,
      name: 'alice',
      role: 'write',
    });
    expect((await fetch(`${base}/api/incidents`, { headers: { cookie } })).status).toBe(200);
    // A write on the cookie: from the app's own page yes; with no origin at all (a
    // browser that says nothing), or from a sibling subdomain or another port, no.
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/plain', ...headers },
        body: HUNG_TASK_DUMP,
      });
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await post({})).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post({ origin: base.replace(/:\d+$/, ':1') })).status).toBe(403);
    expect((await post({ origin: 'http://evil.127.0.0.1.nip.io' })).status).toBe(403);
    expect((await post({ origin: base })).status).toBe(200); // same bytes again: the existing incident

    // the stored form is a hash: the cookie's value is nowhere in the database
    const value = cookie.split('=')[1];
    const rows = await t!.sql<{ session_sha256: string }>('SELECT session_sha256 FROM web_sessions');
    expect(rows).toHaveLength(1);
    expect(rows[0].session_sha256).not.toContain(value);
    expect(JSON.stringify(await t!.sql('SELECT * FROM api_tokens'))).not.toContain(secret.slice(4));

    const out = await fetch(`${base}/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${base}/api/incidents`, { headers: { cookie } })).status).toBe(401);

    // a second session, then the token is revoked: the session goes with it
    const again = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    const cookie2 = again.headers.get('set-cookie')!.split(';', 1)[0];
    expect((await fetch(`${base}/api/incidents`, { headers: { cookie: cookie2 } })).status).toBe(200);
    const revoke = await runCli(['token', 'revoke', 'alice'], cliEnv(t!.store), { out: () => {}, err: () => {} });
    expect(revoke).toBe(0);
    expect((await fetch(`${base}/api/incidents`, { headers: { cookie: cookie2 } })).status).toBe(401);
    expect((await fetch(`${base}/api/incidents`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it('with authentication off everything is open, but writes from another origin are still refused', async () => {
    const base = await start({});
    expect(await (await fetch(`${base}/api/session`)).json()).toEqual({ auth: false, name: null, role: 'admin' });
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...headers },
        body: HUNG_TASK_DUMP,
      });
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ origin: 'http://localhost:1' })).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({})).status).toBe(201); // curl, scripts
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post({ 'sec-fetch-site': 'none' })).status).toBe(200);
  });

  it('a trusted proxy names the user; the header from anyone else is ignored', async () => {
    const base = await start({
      auth: {
        enabled: true,
        proxy: { header: 'X-Forwarded-User', trusted: ['127.0.0.0/8'], role: 'read', admins: ['root-admin'] },
      },
    });
    expect(await (await fetch(`${base}/api/session`, { headers: { 'x-forwarded-user': 'bob' } })).json()).toEqual({
      auth: true,
      name: 'bob',
      role: 'read',
    });
    expect((await fetch(`${base}/api/incidents`, { headers: { 'x-forwarded-user': 'bob' } })).status).toBe(200);
    expect((await fetch(`${base}/api/tokens`, { headers: { 'x-forwarded-user': 'bob' } })).status).toBe(403);
    expect((await fetch(`${base}/api/tokens`, { headers: { 'x-forwarded-user': 'root-admin' } })).status).toBe(200);
    expect((await fetch(`${base}/api/incidents`)).status).toBe(401);
    await t!.close();
    const other = await start({
      auth: { enabled: true, proxy: { header: 'X-Forwarded-User', trusted: ['10.1.2.3'] } },
    });
    expect((await fetch(`${other}/api/incidents`, { headers: { 'x-forwarded-user': 'bob' } })).status).toBe(401);
  });
});

describe('the decision to serve a network', () => {
  it('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1'])
      expect(isLoopback(h), h).toBe(false);
  });

  it('off by default on loopback, refused elsewhere unless HANGSCOPE_AUTH says on or off', () => {
    expect(authFromEnv({}, '127.0.0.1')).toEqual({ enabled: false });
    expect(() => authFromEnv({}, '0.0.0.0')).toThrow(/refusing to listen on 0.0.0.0/);
    expect(authFromEnv({ HANGSCOPE_AUTH: 'on' }, '0.0.0.0')).toEqual({ enabled: true });
    expect(authFromEnv({ HANGSCOPE_AUTH: 'off' }, '0.0.0.0')).toEqual({ enabled: false });
    expect(() => authFromEnv({ HANGSCOPE_AUTH: 'yes' }, '127.0.0.1')).toThrow(/on or off/);
    expect(() => authFromEnv({ HANGSCOPE_AUTH: 'on', HANGSCOPE_AUTH_PROXY_HEADER: 'X-User' }, '::')).toThrow(/TRUSTED/);
    expect(
      authFromEnv(
        {
          HANGSCOPE_AUTH: 'on',
          HANGSCOPE_AUTH_PROXY_HEADER: 'X-User',
          HANGSCOPE_AUTH_PROXY_TRUSTED: '10.0.0.1, 10.0.0.2',
          HANGSCOPE_ORIGIN: 'https://HS.example.com/',
        },
        '::',
      ),
    ).toEqual({
      enabled: true,
      origins: ['https://hs.example.com'],
      proxy: { header: 'X-User', trusted: ['10.0.0.1', '10.0.0.2'], role: 'write', admins: [] },
    });
  });
});

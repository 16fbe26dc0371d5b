// A server with HANGSCOPE_AUTH=on, in a real browser: the page asks for a token once,
// then works as the signed-in user on an HttpOnly session cookie (issue 21).
import { expect, test } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, SEED001, uploadFile } from './helpers';

// Its own server beside the suite's (playwright.config.ts), on the next ports.
const PORT = Number(process.env.HANGSCOPE_E2E_PORT ?? 18080) + 7;
const BASE = `http://127.0.0.1:${PORT}`;
test.use({ baseURL: BASE });

let server: ChildProcess | undefined;
let dir: string;
let token: string;
let readToken: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-auth-'));
  const env = { ...process.env, HANGSCOPE_DB: join(dir, 'hangscope.db') };
  const out = execFileSync(
    'node',
    ['apps/server/dist/cli.js', 'token', 'create', '--role', 'write', '--name', 'e2e writer'],
    { cwd: repoRoot, env },
  ).toString();
  token = out.trim().split('\n').at(-1)!;
  readToken = execFileSync(
    'node',
    ['apps/server/dist/cli.js', 'token', 'create', '--role', 'read', '--name', 'e2e reader'],
    { cwd: repoRoot, env },
  )
    .toString()
    .trim()
    .split('\n')
    .at(-1)!;
  server = spawn('node', ['apps/server/dist/server.js'], {
    cwd: repoRoot,
    env: {
      ...env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      HANGSCOPE_AUTH: 'on',
      HANGSCOPE_EXAMPLES: join(dir, 'no-examples'),
      HANGSCOPE_REANALYZE_ON_START: '0',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server with authentication did not start');
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => server?.once('exit', r) ?? r(null));
  rmSync(dir, { recursive: true, force: true });
});

test('the page asks for a token once, then uploads and annotates as the token’s name', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Token').fill('hst_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('not valid');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.topbar .who')).toContainText('e2e writer (write)');
  // The session is in an HttpOnly cookie: page scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('hangscope_session');

  const id = await uploadFile(page, SEED001);
  await page.getByLabel('note', { exact: true }).fill('seen on the e2e box');
  await expect(page.locator('.annotations .note-form')).toContainText('as e2e writer');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.annotations li').first()).toContainText('e2e writer');
  // An API call without the cookie is refused.
  expect((await fetch(`${BASE}/api/incidents/${id}`)).status).toBe(401);

  await page.reload();
  await expect(page.locator('.topbar .who')).toContainText('e2e writer');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a read-only token sees the incident without controls the server would refuse', async ({ page }) => {
  // Uploaded with the write token over the API; read in the browser as the reader.
  const res = await fetch(`${BASE}/api/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body: readFileSync(SEED001),
  });
  // 201, or 200 when the first test already stored these bytes.
  expect([200, 201]).toContain(res.status);
  const { id } = (await res.json()) as { id: string };

  await page.goto('/');
  await page.getByLabel('Token').fill(readToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.topbar .who')).toContainText('e2e reader (read)');
  await page.goto(`/i/${encodeURIComponent(id)}`);
  await expect(page.locator('.verdict').first()).toBeVisible();
  // The status and pin are shown as text; no form writes anything.
  await expect(page.getByLabel('status')).toHaveCount(0);
  await expect(page.getByText('not pinned')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add capture' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Share redacted' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Mark as duplicate' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add note' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'delete incident' })).toHaveCount(0);
  // What it may read is there: the collector command and the exports.
  await expect(page.getByLabel('collector command')).toBeVisible();
  await expect(page.getByRole('link', { name: /report/i }).first()).toBeVisible();
});

import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, readFixture, uploadFile, uploadText } from './helpers';

test('upload by paste with a title', async ({ page }) => {
  // A trailing marker makes these bytes differ from the file upload's (no dedup).
  const text = `${readFixture(SEED001)}\n# pasted copy\n`;
  await page.goto('/new');
  await page.screenshot({ path: `${ARTIFACTS}/new-incident.png`, fullPage: true });
  await uploadText(page, text, 'pasted rmmod hang');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('pasted rmmod hang');
  await expect(graphNode(page, 'task:31969')).toBeVisible();
});

test('the same bytes again land on the existing incident', async ({ page }) => {
  const first = await uploadFile(page, SEED001);
  const second = await uploadFile(page, SEED001);
  expect(second).toBe(first);
  await expect(page.getByRole('status').filter({ hasText: 'uploaded before' })).toBeVisible();
});

test('the deadlock cycle is highlighted', async ({ page }) => {
  await uploadFile(page, SEED001);
  // seed001: kworker/1:2 (4790) waits for a mutex it owns itself.
  await expect(graphNode(page, 'task:4790')).toHaveClass(/\bcycle\b/);
  await expect(graphNode(page, 'lock:ffff880035acf1e0')).toHaveClass(/\bcycle\b/);
  await expect(graphNode(page, 'task:31969')).not.toHaveClass(/\bcycle\b/);
  await expect(page.locator('svg.wait-graph .edge.cycle')).not.toHaveCount(0);
});

test('an empty upload is not sent', async ({ page }) => {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r.url());
  });
  await page.goto('/new');
  await page.getByRole('button', { name: 'Analyze' }).click();
  await expect(page.getByRole('alert')).toContainText('Paste a dump or choose a file first');
  expect(posts).toEqual([]);
});

test('a binary file is refused with the server’s message, and the form stays', async ({ page }) => {
  await page.goto('/new');
  await page.getByLabel(/choose one/i).setInputFiles({
    name: 'vmcore',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0, 1, 2, 3]),
  });
  await page.getByRole('button', { name: 'Analyze' }).click();
  await expect(page.getByRole('alert')).toContainText(/binary|NUL|not text/i);
  await expect(page).toHaveURL(/\/new$/);
});

test('export links answer, the redacted ones too', async ({ page }) => {
  await uploadFile(page, SEED001);
  const links = page.locator('.exports a');
  // 4 exports, and 3 redacted ones (report, analysis, dump)
  await expect(links).toHaveCount(7);
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
    const res = await page.request.get(href);
    expect([href, res.status()]).toEqual([href, 200]);
  }
});

test('a large upload shows its progress, then that it is being analysed', async ({ page }) => {
  // Hold the server's answer so the page stays in the "sent, analysing" state long
  // enough to look at; the request itself (and its body) goes to the real server.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/incidents', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await held;
    await route.continue();
  });
  await page.goto('/new');
  const big = `${readFixture(SEED001)}\n${'# padding line to make a larger upload\n'.repeat(40_000)}`;
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'big-dump.txt', mimeType: 'text/plain', buffer: Buffer.from(big) });
  await page.getByRole('button', { name: 'Analyze' }).click();
  await expect(page.getByLabel('Upload progress')).toBeVisible();
  // Under interception Chromium may hold back the final upload event: either state is right.
  await expect(page.locator('.upload-progress')).toHaveText(/Uploading \d+%|Uploaded — analyzing…/);
  await expect(page.getByRole('button', { name: /Uploading…|Analyzing…/ })).toBeDisabled();
  release();
  await page.waitForURL(/\/i\//);
  await expect(graphNode(page, 'task:31969')).toBeVisible();
});

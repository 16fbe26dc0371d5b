// Large and odd input in the browser: an empty or too big file is refused before it is
// sent, naming the limit; the upload shows its stage and elapsed time; a huge line is
// shown cut with "show whole line"; the raw dump is one Tab stop, arrow keys inside.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SEED001, readFixture, repoRoot, uploadFile, uploadGenerated } from './helpers';

test('an empty file and a file over the limit are refused before upload, naming the limit', async ({ page }) => {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/incidents') posts.push(r.url());
  });
  await page.goto('/new');
  await expect(page.locator('.upload-limit')).toHaveText('Dumps of up to 64.0 MiB.');
  const input = page.getByLabel(/choose one/i);
  await input.setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
  await expect(page.getByRole('alert')).toContainText('This file is empty');
  await expect(page.getByRole('button', { name: 'Analyze' })).toBeDisabled();

  const dir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-input-'));
  try {
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, Buffer.alloc(70 * 1024 * 1024, 0x61));
    await input.setInputFiles(huge);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await expect(page.getByRole('alert')).toContainText(
    'This file is 70.0 MiB; this server accepts dumps of up to 64.0 MiB',
  );
  await expect(page.getByRole('button', { name: 'Analyze' })).toBeDisabled();
  await page.screenshot({ path: `${ARTIFACTS}/upload-too-large.png`, fullPage: true });

  // Blank pasted text is not sent either.
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByLabel(/paste a hang dump/i).fill('   \n  ');
  await page.getByRole('button', { name: 'Analyze' }).click();
  await expect(page.getByRole('alert')).toContainText('Paste a dump or choose a file first');
  expect(posts).toEqual([]);
});

test('while the server analyzes, the page says so with the time elapsed', async ({ page }) => {
  test.setTimeout(120_000);
  // A 10 MB sysrq-t dump: uploaded in a moment, analyzed in a few seconds.
  const dir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-input-'));
  // The browser reads the file when it sends it: the folder goes once the upload is done.
  execFileSync('node', [join(repoRoot, 'bench/gen.mjs'), '--sizes', '10', '--kinds', 'sysrq', '--out', dir], {
    stdio: 'ignore',
  });
  try {
    await page.goto('/new');
    await page.getByLabel(/choose one/i).setInputFiles(join(dir, 'sysrq-10mb.txt'));
    await page.getByRole('button', { name: 'Analyze' }).click();
    const stage = page.locator('.upload-stage');
    await expect(stage).toContainText(/the server is analyzing the dump · \d+\.\d s elapsed/, { timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}/upload-analyzing.png` });
    await page.waitForURL(/\/i\/[^/?#]+/, { timeout: 60_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 5 MB line is shown cut, whole on request', async ({ page }) => {
  const long = 'x'.repeat(5_000_000);
  const text = `${readFixture(SEED001)}\n${long}\n`;
  const total = text.split('\n').length - 1;
  await uploadGenerated(page, text, 'long-line.txt');
  await page.getByLabel('search the dump').fill('xxxxxxxxxx');
  await page.getByRole('button', { name: 'Find' }).click();
  const row = page.locator(`.raw-line[data-line="${total}"]`);
  await expect(row).toBeVisible();
  const more = row.getByRole('button', { name: /show whole line \(5,000,000 characters\)/ });
  await expect(more).toBeVisible();
  expect((await row.locator('.raw-text').textContent())!.length).toBeLessThan(2100);
  await page.screenshot({ path: `${ARTIFACTS}/raw-long-line-cut.png` });
  await more.click();
  await expect.poll(async () => (await row.locator('.raw-text').textContent())!.length).toBe(5_000_000);
});

test('the raw dump is one Tab stop; arrow keys and Enter pick lines inside it', async ({ page }) => {
  await uploadFile(page, SEED001);
  const scroller = page.locator('.raw-scroller');
  await page.getByRole('button', { name: 'next match' }).focus();
  // The search's ↓ is disabled until a search: start from the search box instead.
  await page.getByLabel('search the dump').focus();
  let tabs = 0;
  while (tabs < 10 && !(await scroller.evaluate((el) => el === document.activeElement))) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  expect(await scroller.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]lines=3(&|$)/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Enter');
  await expect(page).toHaveURL(/[?&]lines=3-5(&|$)/);
  // One more Tab leaves the dump: no line number is a Tab stop.
  await scroller.focus();
  await page.keyboard.press('Tab');
  const inside = await page.evaluate(() => !!document.activeElement?.closest('.raw-scroller'));
  expect(inside).toBe(false);
  expect(await page.locator('.raw-line .gutter[tabindex="-1"]').count()).toBeGreaterThan(10);
  await page.screenshot({ path: `${ARTIFACTS}/raw-keyboard-lines.png` });
});

import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, readFixture, uploadText } from './helpers';

test('history lists uploads newest first and searches them', async ({ page }) => {
  const stamp = Date.now().toString(36);
  // Different bytes per upload so neither is a duplicate of earlier tests' uploads.
  await uploadText(page, `${readFixture(SEED001)}\n# alpha ${stamp}\n`, `zebrafish ${stamp}`);
  await uploadText(page, `INFO: task foo:123 blocked for more than 120 seconds.\n# beta ${stamp}\n`, `okapi ${stamp}`);

  await page.goto('/');
  const rows = page.locator('.history-table tbody tr');
  await expect(rows.first()).toContainText(`okapi ${stamp}`);
  await expect(page.locator('.history-table')).toContainText(`zebrafish ${stamp}`);
  await page.screenshot({ path: `${ARTIFACTS}/history.png`, fullPage: true });

  await page.getByRole('searchbox', { name: /search/i }).fill('zebrafish');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/[?&]q=zebrafish/);
  await expect(page.locator('.history-table')).toContainText(`zebrafish ${stamp}`);
  await expect(page.locator('.history-table')).not.toContainText(`okapi ${stamp}`);

  // Filters combine with the search and live in the URL.
  await page.getByLabel('Kind').selectOption('rcu_stall');
  await expect(page).toHaveURL(/[?&]kind=rcu_stall/);
  await expect(page.getByText('No incident matches.')).toBeVisible();
  await page.getByLabel('Kind').selectOption('');
  await expect(page.locator('.history-table')).toContainText(`zebrafish ${stamp}`);

  // The link opens the incident.
  await page.getByRole('link', { name: `zebrafish ${stamp}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`zebrafish ${stamp}`);
});

test('recurring hangs are grouped by fingerprint', async ({ page }) => {
  const text = readFixture(SEED001);
  await uploadText(page, `${text}\n# group a\n`, 'group a');
  await uploadText(page, `${text}\n# group b\n`, 'group b');
  await page.goto('/groups');
  await expect(page.locator('.history-table tbody tr').first()).toBeVisible();
  // Same analysis, different bytes: one group seen at least twice.
  const counts = await page.locator('.history-table tbody tr td:first-child').allTextContents();
  expect(counts.map((c) => parseInt(c, 10)).some((n) => n >= 2)).toBe(true);
});

test('history pages through results with a cursor', async ({ page }) => {
  const stamp = `pager${Date.now().toString(36)}`;
  // 27 small distinct dumps through the API (the page's upload is tested elsewhere).
  for (let i = 0; i < 27; i++) {
    const res = await page.request.post('/api/incidents', {
      multipart: {
        dump: {
          name: `d${i}.txt`,
          mimeType: 'text/plain',
          buffer: Buffer.from(`INFO: task t${i}:${100 + i} blocked for more than 120 seconds.\n`),
        },
        title: `${stamp} number ${i}`,
      },
    });
    expect(res.status()).toBe(201);
  }
  await page.goto(`/?q=${stamp}`);
  const rows = page.locator('.history-table tbody tr');
  await expect(rows).toHaveCount(25);
  await expect(rows.first()).toContainText(`${stamp} number 26`);
  await page.getByRole('button', { name: /older/i }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.last()).toContainText(`${stamp} number 0`);
  await expect(page.getByRole('button', { name: /older/i })).toBeDisabled();
  await page.getByRole('button', { name: /newer/i }).click();
  await expect(rows).toHaveCount(25);
});

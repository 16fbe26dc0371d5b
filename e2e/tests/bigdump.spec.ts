// A long dump must not put every line in the DOM: the raw viewer is virtualised.
import { expect, test } from '@playwright/test';
import { SEED001, graphNode, readFixture } from './helpers';

test('a 60,000-line dump renders only the visible lines and search reaches the end', async ({ page }) => {
  const filler = Array.from(
    { length: 60_000 },
    (_, i) => `[${(i / 100).toFixed(6)}] filler line ${i} of a long console log`,
  );
  const text = `${readFixture(SEED001)}\n${filler.join('\n')}\n`;
  const total = text.split('\n').length - 1;

  await page.goto('/new');
  await page
    .getByLabel(/choose one/i)
    .setInputFiles({ name: 'long.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Analyze' }).click();
  await page.waitForURL(/\/i\/[^/?#]+/);
  await expect(graphNode(page, 'task:4790')).toBeVisible();

  await expect(page.locator('.raw-search')).toContainText(`${total} lines`);
  const rendered = await page.locator('.raw-line').count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(200);

  await page.getByLabel('search the dump').fill('filler line 59999 ');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.locator(`.raw-line.current[data-line="${total}"]`)).toBeVisible();
  expect(await page.locator('.raw-line').count()).toBeLessThan(200);
});

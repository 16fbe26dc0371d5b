import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, uploadFile } from './helpers';

const bodyBackground = (page: import('@playwright/test').Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('follows prefers-color-scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await uploadFile(page, SEED001);
  await expect(page.locator('svg.wait-graph [data-node-id]').first()).toBeVisible();
  const light = await bodyBackground(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bodyBackground(page);
  expect(dark).not.toBe(light);
  await page.screenshot({ path: `${ARTIFACTS}/incident-dark.png`, fullPage: true });
});

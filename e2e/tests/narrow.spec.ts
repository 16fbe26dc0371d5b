// Narrow screens (420 px): no page scrolls sideways; wide tables scroll inside themselves.
import { expect, test, type Page } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, uploadFile, uploadGenerated } from './helpers';
import { mutexPileupDump } from './dumps';

test.use({ viewport: { width: 420, height: 860 } });

async function noSidewaysScroll(page: Page, name: string) {
  const { scrollW, clientW } = await page.evaluate(() => ({
    scrollW: document.documentElement.scrollWidth,
    clientW: document.documentElement.clientWidth,
  }));
  expect(scrollW, `${name}: page wider than the window`).toBeLessThanOrEqual(clientW);
  await page.screenshot({ path: `${ARTIFACTS}/narrow-${name}.png`, fullPage: true });
}

test('at 420 px the list, the incident page, a new incident and the groups never scroll sideways', async ({ page }) => {
  test.setTimeout(120_000);
  const id = await uploadFile(page, SEED001, 'rmmod hangs on a qxl guest with a rather long title that has to wrap');
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  await noSidewaysScroll(page, 'incident-seed001');
  await page.goto(`/i/${id}?node=task:4790`);
  await expect(page.locator('.node-details[data-selected-node="task:4790"]')).toBeVisible();
  await noSidewaysScroll(page, 'incident-node-selected');

  await uploadGenerated(page, mutexPileupDump({ locks: 30, waitersPerLock: 3, marker: `narrow ${Date.now()}` }));
  await expect(page.locator('svg.wait-graph [data-node-id]').first()).toBeVisible();
  await noSidewaysScroll(page, 'incident-many-findings');

  await page.goto('/');
  await expect(page.locator('.history-table tbody tr').first()).toBeVisible();
  await noSidewaysScroll(page, 'list');
  await page.goto('/new');
  await expect(page.getByRole('button', { name: 'Analyze' })).toBeVisible();
  await noSidewaysScroll(page, 'new');
  await page.goto('/groups');
  await expect(page.locator('h1')).toBeVisible();
  await noSidewaysScroll(page, 'groups');
});

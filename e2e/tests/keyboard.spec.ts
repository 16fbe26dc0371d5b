// The graph is usable without a mouse, and nothing jumps while the page loads.
import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, uploadFile } from './helpers';

test('graph nodes are reachable with Tab and selected with Enter', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  // From the last toolbar button, Tab goes to the graph (keys zoom and pan it), then into the nodes.
  await page.getByRole('button', { name: 'Save PNG' }).focus();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('wait-graph'))).toBe(true);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
  expect(first).toMatch(/^(task|lock|wq|work):/);
  // Walk to kworker/1:2 by keyboard alone.
  let focused = first;
  for (let i = 0; i < 10 && focused !== 'task:4790'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id') ?? null);
  }
  expect(focused).toBe('task:4790');
  await page.keyboard.press('Enter');
  await expect(graphNode(page, 'task:4790')).toHaveClass(/\bselected\b/);
  await expect(graphNode(page, 'task:4790')).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/node=task%3A4790/);
  await expect(page.locator('.node-details')).toHaveAttribute('data-selected-node', 'task:4790');
  await page.screenshot({ path: `${ARTIFACTS}/incident-keyboard-selected.png` });
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/node=/);
});

test('fixed-size skeletons: the page does not move when the incident arrives and when ELK refines the graph', async ({
  page,
}) => {
  const id = await uploadFile(page, SEED001);
  // Hold the incident, then the ELK worker, so both loading states are seen.
  let releaseIncident!: () => void;
  const incidentHeld = new Promise<void>((r) => (releaseIncident = r));
  await page.route(new RegExp(`/api/incidents/${id}/view$`), async (route) => {
    await incidentHeld;
    await route.continue();
  });
  let releaseWorker!: () => void;
  const workerHeld = new Promise<void>((r) => (releaseWorker = r));
  await page.route(/\/assets\/elkRunner-[^/]*\.js$/, async (route) => {
    await workerHeld;
    await route.continue();
  });

  await page.goto(`/i/${id}`);
  await expect(page.getByLabel('loading incident')).toHaveAttribute('aria-busy', 'true');
  await page.screenshot({ path: `${ARTIFACTS}/incident-loading.png` });
  releaseIncident();

  // The fast layout draws the graph at once; ELK's refinement is still on its way.
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  await expect(page.locator('svg.wait-graph')).toHaveAttribute('data-layout', 'fast');
  await expect(page.locator('.graph-panel')).toHaveAttribute('aria-busy', 'true');
  const below = page.locator('.evidence-split');
  const before = await below.boundingBox();
  releaseWorker();
  await expect(page.locator('.graph-panel')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('svg.wait-graph')).toHaveAttribute('data-layout', 'elk');
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  const after = await below.boundingBox();
  expect(after?.y).toBe(before?.y);
});

// Deep links land where they point: ?node= focuses and shows its node, ?lines= brings the
// raw dump's lines into view; every node, line range and finding has a copy-link button;
// notes pinned to a node or lines show as markers there.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, uploadFile } from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

async function inViewport(page: Page, el: Locator) {
  const box = (await el.boundingBox())!;
  const vp = page.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(vp.height);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(vp.width);
}

const focusedNode = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-node-id') ?? null);

test('?node= opens with the node selected, focused and in view', async ({ page }) => {
  const id = await uploadFile(page, SEED001);
  await page.goto(`/i/${id}?node=task:4790`);
  const node = graphNode(page, 'task:4790');
  await expect(node).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => focusedNode(page)).toBe('task:4790');
  await inViewport(page, node);
  await page.screenshot({ path: `${ARTIFACTS}/deeplink-node.png` });

  // On a narrow screen the graph is below the answer: the page scrolls to the node.
  await page.setViewportSize({ width: 420, height: 800 });
  await page.goto(`/i/${id}?node=task:31969`);
  const other = graphNode(page, 'task:31969');
  await expect(other).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => focusedNode(page)).toBe('task:31969');
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await inViewport(page, other);
  await page.screenshot({ path: `${ARTIFACTS}/deeplink-node-narrow.png` });
});

test('?lines= opens with the lines in view and the raw dump focused', async ({ page }) => {
  const id = await uploadFile(page, SEED001);
  await page.goto(`/i/${id}?lines=100-104`);
  const line = page.locator('.raw-line[data-line="100"]');
  await expect(line).toHaveClass(/\bfocus\b/);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await inViewport(page, line);
  await inViewport(page, page.locator('.raw-line[data-line="104"]'));
  expect(await page.evaluate(() => document.activeElement?.classList.contains('raw-scroller'))).toBe(true);
  await page.screenshot({ path: `${ARTIFACTS}/deeplink-lines.png` });
});

test('copy-link buttons give the permalink of a node, a line range and a finding', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = await uploadFile(page, SEED001);
  const clip = () => page.evaluate(() => navigator.clipboard.readText());

  await page.getByRole('button', { name: 'select line 5', exact: true }).click();
  await page.getByRole('button', { name: 'select line 8', exact: true }).click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Copy link to lines 5–8: copy to clipboard' }).click();
  expect(await clip()).toBe(new URL(`/i/${id}?lines=5-8`, page.url()).href);

  await graphNode(page, 'task:4790').click();
  await page.locator('.node-details').getByRole('button', { name: 'Copy link: copy to clipboard' }).click();
  expect(await clip()).toBe(new URL(`/i/${id}?node=task%3A4790`, page.url()).href);

  await page.locator('li.finding-self_deadlock').getByRole('button', { name: 'Copy link: copy to clipboard' }).click();
  const link = new URL(await clip());
  expect(link.pathname).toBe(`/i/${id}`);
  expect(link.searchParams.get('node')).toBe('task:4790');
  expect(link.searchParams.get('lines')).toMatch(/^\d+(-\d+)?$/);
  await page.goto(link.href);
  await expect(graphNode(page, 'task:4790')).toHaveAttribute('aria-selected', 'true');
});

test('a note pinned to a node and lines shows as a marker on both', async ({ page }) => {
  const id = await uploadFile(page, SEED001);
  const res = await page.request.post(`/api/incidents/${id}/annotations`, {
    data: { body: 'owner re-enters the lock here', author: 'e2e', target: 'task:4790', lines: [94, 96] },
  });
  expect(res.ok()).toBe(true);
  await page.goto(`/i/${id}?lines=94-96`);
  const marker = graphNode(page, 'task:4790').locator('.note-marker');
  await expect(marker).toBeVisible();
  await expect(marker.locator('text')).toHaveText('1');
  await expect(marker.locator('title')).toHaveText('1 note pinned here');
  await expect(graphNode(page, 'task:4790')).toHaveAttribute('aria-label', /1 note/);
  for (const n of [94, 95, 96]) await expect(page.locator(`.raw-line[data-line="${n}"]`)).toHaveClass(/\bnoted\b/);
  await expect(page.locator('.raw-line[data-line="97"]')).not.toHaveClass(/\bnoted\b/);
  await page.screenshot({ path: `${ARTIFACTS}/deeplink-pinned-note.png` });
});

// A graph you can read and drive: plain-word edge labels read along the arrow, a legend
// naming every mark, selection unlike confidence, page scroll never captured, keyboard
// zoom/pan/fit, and a big graph opening on its cycle at a readable zoom.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SEED001, graphNode, repoRoot, uploadFile } from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

const WORDS = ['waits for', 'held by', 'flushes', 'run by', 'waits for IPI from', 'runs', 'spins on', 'not run by'];

const viewTransform = (page: Page) => page.locator('svg.wait-graph g[data-view]').getAttribute('transform');
/** The drawn graph after ELK's refinement (which may replace the first view) is in. */
const settled = (page: Page) => expect(page.locator('section.graph-panel')).toHaveAttribute('aria-busy', 'false');
const scaleOf = (t: string | null) => Number(/scale\(([\d.e-]+)\)/.exec(t ?? '')?.[1] ?? 1);

test('edge labels are words read along the arrow; details read the same way; the legend names every mark', async ({
  page,
}) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  const labels = await page.locator('svg.wait-graph .edge-label').allTextContents();
  expect(labels.length).toBeGreaterThan(0);
  for (const l of labels) expect(WORDS).toContain(l);
  expect(labels).toEqual(expect.arrayContaining(['waits for', 'held by', 'flushes', 'run by']));

  await graphNode(page, 'lock:ffff880035acf1e0').click();
  const details = page.locator('.node-details[data-selected-node="lock:ffff880035acf1e0"]');
  await expect(details.locator('.edge-list')).toContainText('held by kworker/1:2 (4790)');
  await expect(details.locator('.edge-list')).toContainText('kworker/1:2 (4790) waits for this');
  await expect(details.locator('.edge-list')).not.toContainText(/waits_lock|held_by/);

  // Selection is a halo, not a dash pattern (dashes mean confidence on edges).
  const sel = graphNode(page, 'lock:ffff880035acf1e0').locator('.shape');
  expect(await sel.evaluate((el) => getComputedStyle(el).strokeDasharray)).toBe('none');
  expect(await sel.evaluate((el) => getComputedStyle(el).filter)).toContain('drop-shadow');
  const likely = page.locator('svg.wait-graph .edge.conf-likely .edge-line').first();
  expect(await likely.evaluate((el) => getComputedStyle(el).strokeDasharray)).not.toBe('none');

  await page.locator('.legend summary').click();
  const legend = page.locator('.legend');
  for (const w of WORDS) await expect(legend.getByText(w, { exact: true }).first()).toBeVisible();
  for (const mark of [
    'deadlock cycle',
    'root blocker',
    'selected',
    'folded',
    'certain',
    'likely',
    'guess',
    'outside the dump',
  ]) {
    await expect(legend).toContainText(mark);
  }
  await page.locator('.graph-panel').screenshot({ path: `${ARTIFACTS}/graph-legend-open.png` });
});

test('the wheel scrolls the page; ctrl+wheel, or the wheel after a click into the graph, zooms', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  await settled(page);
  const box = (await page.locator('svg.wait-graph').boundingBox())!;
  const before = await viewTransform(page);
  await page.mouse.move(box.x + 20, box.y + box.height - 20);
  await page.mouse.wheel(0, 300);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  expect(await viewTransform(page)).toBe(before);

  await page.evaluate(() => window.scrollTo(0, 0));
  const box2 = (await page.locator('svg.wait-graph').boundingBox())!;
  await page.mouse.move(box2.x + 20, box2.y + box2.height - 20);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await expect.poll(async () => scaleOf(await viewTransform(page))).toBeGreaterThan(scaleOf(before));
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  // Clicked into (on empty canvas), the plain wheel zooms.
  await page.mouse.click(box2.x + 20, box2.y + box2.height - 20);
  const clicked = scaleOf(await viewTransform(page));
  await page.mouse.wheel(0, 200);
  await expect.poll(async () => scaleOf(await viewTransform(page))).toBeLessThan(clicked);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
});

test('keys zoom, pan and fit the focused graph', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  await settled(page);
  const svg = page.locator('svg.wait-graph');
  await svg.focus();
  const t0 = await viewTransform(page);
  await page.keyboard.press('+');
  await expect.poll(async () => scaleOf(await viewTransform(page))).toBeGreaterThan(scaleOf(t0));
  const t1 = await viewTransform(page);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => viewTransform(page)).not.toBe(t1);
  expect(scaleOf(await viewTransform(page))).toBeCloseTo(scaleOf(t1), 5);
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect.poll(async () => scaleOf(await viewTransform(page))).toBeLessThan(scaleOf(t1));
  await page.keyboard.press('0');
  await expect.poll(async () => scaleOf(await viewTransform(page))).toBeCloseTo(scaleOf(t0), 5);
});

test('a big graph opens on its deadlock cycle at a readable zoom', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-graph-'));
  let id = '';
  try {
    execFileSync('node', [join(repoRoot, 'bench/gen.mjs'), '--sizes', '1', '--kinds', 'sysrq', '--out', dir], {
      stdio: 'ignore',
    });
    const buffer = readFileSync(join(dir, 'sysrq-1mb.txt'));
    const res = await page.request.post('/api/incidents', {
      multipart: { dump: { name: 'sysrq-1mb.txt', mimeType: 'text/plain', buffer } },
    });
    id = (await res.json()).id;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await page.goto(`/i/${id}`);
  const cycleNode = page.locator('svg.wait-graph .node.cycle').first();
  await expect(cycleNode).toBeVisible();
  expect(scaleOf(await viewTransform(page))).toBeGreaterThanOrEqual(0.75);
  const g = (await page.locator('svg.wait-graph').boundingBox())!;
  const n = (await cycleNode.boundingBox())!;
  expect(n.x).toBeGreaterThanOrEqual(g.x);
  expect(n.y).toBeGreaterThanOrEqual(g.y);
  expect(n.x + n.width).toBeLessThanOrEqual(g.x + g.width);
  expect(n.y + n.height).toBeLessThanOrEqual(g.y + g.height);
  await page.screenshot({ path: `${ARTIFACTS}/graph-big-opens-on-cycle.png` });
});

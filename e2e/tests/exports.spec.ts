// Downloads: the server's exports through the page's links, and the graph as drawn,
// exported client-side as SVG and PNG.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, SEED001, graphNode, uploadFile } from './helpers';

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; body: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), body: readFileSync(path) };
}

test('report, graph and analysis download through the export links', async ({ page }) => {
  const id = await uploadFile(page, SEED001);
  const exports = page.locator('.exports');

  const md = await download(page, () => exports.getByRole('link', { name: 'Report (Markdown)' }).click());
  expect(md.name).toBe(`hangscope-${id}.md`);
  const report = md.body.toString('utf8');
  expect(report).toMatch(/^# /m);
  expect(report).toContain('4790');
  expect(report).toContain('ffff880035acf1e0');

  // Markdown escapes only what Markdown would act on; frames are the waiting path.
  expect(report).toContain('kworker/1:2 (4790)');
  expect(report).not.toMatch(/\\[()_-]/);
  expect(report).toContain('## Culprit stack: kworker/1:2 (4790)');
  // The page offers one picture of the graph, the one it draws (Save SVG/PNG).
  await expect(exports.getByRole('link', { name: /Graph \(SVG\)/ })).toHaveCount(0);

  const json = await download(page, () => exports.getByRole('link', { name: 'Analysis (JSON)' }).click());
  expect(json.name).toBe(`hangscope-${id}.analysis.json`);
  const doc = JSON.parse(json.body.toString('utf8'));
  expect(doc.schemaVersion).toBe(1);
  const ids = doc.graph.nodes.map((n: { id: string }) => n.id);
  expect(ids).toEqual(expect.arrayContaining(['task:4790', 'lock:ffff880035acf1e0', 'task:31969']));
  expect(doc.findings.some((f: { kind: string }) => f.kind === 'self_deadlock' || f.kind === 'deadlock_cycle')).toBe(
    true,
  );
});

test('the drawn graph saves as SVG and PNG from the page', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  // Zoomed far out (labels hidden on the page) and panned: the file must not depend on the view.
  await page.locator('svg.wait-graph').hover();
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 1500);
  await page.keyboard.up('Control');
  await expect(page.locator('svg.wait-graph.far')).toHaveCount(1);

  const svg = await download(page, () => page.getByRole('button', { name: 'Save SVG' }).click());
  expect(svg.name).toMatch(/\.svg$/);
  const text = svg.body.toString('utf8');
  expect(text.startsWith('<?xml')).toBe(true);
  expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(text).toContain('data-node-id="task:4790"');
  expect(text).toContain('kworker/1:2 (4790)');
  expect(text).toContain('transform="translate(16,16)"');
  // Styles travel inline: the cycle stroke is there without the page's stylesheet.
  expect(text).toMatch(/class="node type-task cycle[^"]*"[^>]*>\s*<rect[^>]*style="[^"]*stroke:/);
  expect(text).not.toMatch(/<script|tabindex/i);
  // Edge labels in words, drawn (not display:none), over their halo; and the legend.
  expect(text).toMatch(/<text class="edge-label"[^>]*style="[^"]*paint-order:stroke[^"]*"[^>]*>waits for<\/text>/);
  expect(text).not.toMatch(/class="edge-label"[^>]*display:none/);
  expect(text).toContain('Arrows point from the waiter to what it waits for.');
  expect(text).toContain('held by: a lock and the task that owns it');
  expect(text).toContain('in a deadlock cycle');

  const png = await download(page, () => page.getByRole('button', { name: 'Save PNG' }).click());
  expect(png.name).toMatch(/\.png$/);
  writeFileSync(`${ARTIFACTS}/graph-export-light.png`, png.body);
  expect([...png.body.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.body.readUInt32BE(16);
  const height = png.body.readUInt32BE(20);
  expect(width).toBeGreaterThan(300);
  expect(height).toBeGreaterThan(60);
  await expect(page.getByText(/Export failed/)).toHaveCount(0);
});

test('in the dark theme the exported SVG keeps its labels legible and its legend', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  const svg = await download(page, () => page.getByRole('button', { name: 'Save SVG' }).click());
  const text = svg.body.toString('utf8');
  // Light label text over a dark halo, the halo painted first.
  const label = /<text class="edge-label"[^>]*style="([^"]*)"[^>]*>held by<\/text>/.exec(text);
  expect(label).not.toBeNull();
  expect(label![1]).toContain('paint-order:stroke');
  const fill = /fill:rgb\((\d+), (\d+), (\d+)\)/.exec(label![1])!;
  expect(Number(fill[1]) + Number(fill[2]) + Number(fill[3])).toBeGreaterThan(300);
  expect(text).toMatch(/<svg[^>]*style="background:rgb\((\d{1,2}), (\d{1,2}), (\d{1,2})\)/);
  expect(text).toContain('Arrows point from the waiter to what it waits for.');
  const png = await download(page, () => page.getByRole('button', { name: 'Save PNG' }).click());
  expect(png.body.readUInt32BE(20)).toBeGreaterThan(100);
  writeFileSync(`${ARTIFACTS}/graph-export-dark.png`, png.body);
  await page.locator('.graph-panel').screenshot({ path: `${ARTIFACTS}/graph-dark-export-source.png` });
});

// Downloads: the server's exports through the page's links, and the graph as drawn,
// exported client-side as SVG and PNG.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SEED001, graphNode, uploadFile } from './helpers';

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

  const svg = await download(page, () => exports.getByRole('link', { name: 'Graph (SVG)' }).click());
  expect(svg.name).toBe(`hangscope-${id}.svg`);
  const svgText = svg.body.toString('utf8');
  expect(svgText).toContain('<svg');
  expect(svgText).toContain('kworker/1:2');
  expect(svgText).not.toMatch(/<script/i);

  const json = await download(page, () => exports.getByRole('link', { name: 'Analysis (JSON)' }).click());
  expect(json.name).toBe(`hangscope-${id}.analysis.json`);
  const doc = JSON.parse(json.body.toString('utf8'));
  expect(doc.schemaVersion).toBe(1);
  const ids = doc.graph.nodes.map((n: { id: string }) => n.id);
  expect(ids).toEqual(expect.arrayContaining(['task:4790', 'lock:ffff880035acf1e0', 'task:31969']));
  expect(doc.findings.some((f: { kind: string }) => f.kind === 'self_deadlock' || f.kind === 'deadlock_cycle')).toBe(true);
});

test('the drawn graph saves as SVG and PNG from the page', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  // Zoomed and panned: the file must not depend on the view.
  await page.locator('svg.wait-graph').hover();
  await page.mouse.wheel(0, 400);

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

  const png = await download(page, () => page.getByRole('button', { name: 'Save PNG' }).click());
  expect(png.name).toMatch(/\.png$/);
  expect([...png.body.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.body.readUInt32BE(16);
  const height = png.body.readUInt32BE(20);
  expect(width).toBeGreaterThan(300);
  expect(height).toBeGreaterThan(60);
  await expect(page.getByText(/Export failed/)).toHaveCount(0);
});

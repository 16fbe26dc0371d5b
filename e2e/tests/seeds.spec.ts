// The graph of every seed case: the nodes the analyzer's contract promises, and the
// deadlock cycle highlighted on exactly the cycle's nodes.
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { ARTIFACTS, graphNode, repoRoot, uploadFile } from './helpers';

const seed = (name: string) => resolve(repoRoot, 'packages/analyzer/fixtures/seeds', `${name}.txt`);

const CASES: { name: string; nodes: string[]; cycle: string[] }[] = [
  { name: 'seed000', nodes: ['task:1458', 'work:drain_local_pages_wq'], cycle: [] },
  {
    name: 'seed001',
    nodes: ['task:31969', 'task:4790', 'lock:ffff880035acf1e0', 'wq:events', 'work:qxl_fb_work'],
    cycle: ['task:4790', 'lock:ffff880035acf1e0'],
  },
  { name: 'seed002', nodes: ['task:12263', 'cpu:3', 'cpu:2', 'external:hypervisor'], cycle: [] },
  {
    name: 'seed003-reconstructed',
    nodes: ['task:611', 'task:402', 'work:work_for_cpu_fn', 'external:device'],
    cycle: [],
  },
  {
    name: 'seed004',
    nodes: ['task:14', 'task:355608', 'lock:ffff8f1afdf55fe8', 'cpu:1', 'cpu:26'],
    cycle: ['task:14', 'lock:ffff8f1afdf55fe8', 'task:355608'],
  },
];

for (const c of CASES) {
  test(`${c.name}: graph nodes${c.cycle.length ? ' and the cycle' : ''}`, async ({ page }) => {
    await uploadFile(page, seed(c.name));
    for (const id of c.nodes) await expect(graphNode(page, id)).toBeVisible();
    const drawn = await page
      .locator('svg.wait-graph [data-node-id]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node-id')));
    expect(drawn.sort()).toEqual([...c.nodes].sort());

    for (const id of c.nodes) {
      if (c.cycle.includes(id)) await expect(graphNode(page, id)).toHaveClass(/\bcycle\b/);
      else await expect(graphNode(page, id)).not.toHaveClass(/\bcycle\b/);
    }
    const cycleEdges = page.locator('svg.wait-graph .edge.cycle');
    if (c.cycle.length) {
      // Every edge of the cycle, and nothing else, drawn as a cycle edge.
      const ends = await cycleEdges.evaluateAll((es) => es.map((e) => (e.getAttribute('data-edge') ?? '').split('->')));
      expect(ends.length).toBeGreaterThanOrEqual(c.cycle.length === 2 ? 2 : 3);
      for (const [from, to] of ends) expect(c.cycle.includes(from) && c.cycle.includes(to)).toBe(true);
      await expect(page.locator('.finding-deadlock_cycle, .finding-self_deadlock')).not.toHaveCount(0);
    } else {
      await expect(cycleEdges).toHaveCount(0);
    }
    await page.locator('.graph-panel').screenshot({ path: `${ARTIFACTS}/graph-${c.name}.png` });
  });
}

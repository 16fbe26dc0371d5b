// A sysrq-w dump of hundreds of identical waiters on one mutex stays readable: they are
// drawn as one node with a count, and the details panel lists every member.
import { expect, test } from '@playwright/test';
import { ARTIFACTS, graphNode, uploadGenerated } from './helpers';
import { mutexPileupDump, pileupLockId } from './dumps';

test('250 identical waiters on one mutex fold into one counted node', async ({ page }) => {
  const n = 250;
  await uploadGenerated(page, mutexPileupDump({ locks: 1, waitersPerLock: n, marker: `collapse ${Date.now()}` }));

  const nodes = page.locator('svg.wait-graph [data-node-id]');
  // owner, mutex, the folded waiters
  await expect(graphNode(page, 'task:900')).toBeVisible();
  await expect(nodes).toHaveCount(3);
  const folded = graphNode(page, 'task:10000');
  await expect(folded.locator('text.node-label')).toHaveText(`${n} × runc:[2:INIT]`);
  await expect(folded.locator('.node-count')).toHaveText(`×${n}`);
  const members = (await folded.getAttribute('data-members'))?.split(' ') ?? [];
  expect(members).toHaveLength(n);
  expect(members[0]).toBe('task:10000');
  expect(members[n - 1]).toBe(`task:${10000 + n - 1}`);
  await expect(page.locator(`svg.wait-graph [data-edge="task:10000->${pileupLockId(0)}"]`)).toHaveCount(1);
  await expect(page.locator(`svg.wait-graph [data-edge="${pileupLockId(0)}->task:900"]`)).toHaveCount(1);
  await expect(graphNode(page, 'task:900')).toHaveClass(/root-blocker/);

  await folded.click();
  const details = page.locator('.node-details');
  await expect(details).toContainText(`${n} identical waiters`);
  const list = details.getByRole('list', { name: 'members' });
  await expect(list.locator('li')).toHaveCount(60);
  await details.getByRole('button', { name: `Show all ${n}` }).click();
  await expect(list.locator('li')).toHaveCount(n);
  await page.screenshot({ path: `${ARTIFACTS}/incident-collapsed-waiters.png`, fullPage: true });

  // A member picked from the list shows its own stack; the folded node stays selected.
  await list.getByRole('button', { name: 'task:10123' }).click();
  await expect(page).toHaveURL(/node=task%3A10123|node=task:10123/);
  await expect(details).toHaveAttribute('data-selected-node', 'task:10123');
  await expect(details).toContainText('pid 10123');
  await expect(folded).toHaveClass(/\bselected\b/);
});

test('a graph of many components draws the first ones and shows the rest on request', async ({ page }) => {
  // 60 mutexes, each with an owner and 3 identical waiters: 60 components of 3 drawn nodes.
  await uploadGenerated(page, mutexPileupDump({ locks: 60, waitersPerLock: 3, marker: `cap ${Date.now()}` }));
  const nodes = page.locator('svg.wait-graph [data-node-id]');
  const cap = page.locator('.graph-cap');
  await expect(cap).toContainText('Showing 40 of 60 connected components (120 of 180 nodes)');
  await expect(nodes).toHaveCount(120);
  await expect(graphNode(page, 'task:900')).toBeVisible();

  // A node in a component not drawn, picked from the tasks table or a link, is drawn.
  await page.goto(`${page.url().split('?')[0]}?node=task:959`);
  await expect(graphNode(page, 'task:959')).toHaveClass(/\bselected\b/);
  await expect(nodes).toHaveCount(123);

  await cap.getByRole('button', { name: 'Show all' }).click();
  await expect(nodes).toHaveCount(180);
  await expect(cap).toContainText('All 60 connected components');
  await page.screenshot({ path: `${ARTIFACTS}/incident-many-components.png`, fullPage: true });
  await cap.getByRole('button', { name: 'Show fewer' }).click();
  await expect(nodes).toHaveCount(123);
});

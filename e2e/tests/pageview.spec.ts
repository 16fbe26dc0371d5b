// The incident page reads the incident's view (GET …/view: graph, the tasks in it,
// counts, the largest stack groups), not the whole analysis; what it does not carry is
// fetched when asked for.
import { expect, test } from '@playwright/test';
import { SEED001, graphNode, uploadFile, uploadGenerated } from './helpers';
import { mutexPileupDump } from './dumps';

test('the page loads the view, not the analysis; a task outside the graph is fetched when linked', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/incidents/')) requests.push(path);
  });
  const id = await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  expect(requests).toContain(`/api/incidents/${id}/view`);
  expect(requests).not.toContain(`/api/incidents/${id}`);

  // sshd (7297) sleeps in seed001 and waits on nothing: not a graph node, not in the view.
  const view = await (await page.request.get(`/api/incidents/${id}/view`)).json();
  expect(view.view.tasks.map((t: { id: string }) => t.id)).not.toContain('task:7297');
  await page.goto(`/i/${id}?node=task:7297`);
  const details = page.locator('.node-details[data-selected-node="task:7297"]');
  await expect(details).toContainText('pid 7297');
  expect(requests.some((p) => p === `/api/incidents/${id}/view/tasks`)).toBe(true);
});

test('many findings and stack groups: the first ones drawn, the rest on request', async ({ page }) => {
  // 110 mutexes, each with its own owner stack and its own waiter stack (220 stack
  // groups), and 3 waiters each (a lock contention finding each).
  await uploadGenerated(page, mutexPileupDump({ locks: 110, waitersPerLock: 3, marker: `pageview ${Date.now()}` }));
  await expect(graphNode(page, 'task:900')).toBeVisible();

  const tasks = page.locator('section[aria-labelledby="tasks-h"]');
  await expect(tasks.locator('#tasks-h')).toContainText('440 in 220 stack groups');
  await expect(tasks.locator('tbody tr')).toHaveCount(200);
  await tasks.getByRole('button', { name: 'Show 20 more' }).click();
  await expect(tasks.locator('tbody tr')).toHaveCount(220);
  await expect(tasks.getByRole('button', { name: /Show \d+ more/ })).toHaveCount(0);

  // One row per kind: the 110 contention findings fold into one, opened on request.
  const contention = page.locator('li.finding-lock_contention');
  await expect(contention).toHaveCount(1);
  const total = Number(await contention.getAttribute('data-count'));
  expect(total).toBeGreaterThan(25);
  const items = contention.locator('li.finding-item');
  await expect(items).toHaveCount(0);
  await contention.getByRole('button', { name: `Show the other ${total - 1} findings of this kind` }).click();
  await expect(items).toHaveCount(25);
  await contention.getByRole('button', { name: `Show all ${total - 1}` }).click();
  await expect(items).toHaveCount(total - 1);
});

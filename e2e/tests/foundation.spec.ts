// The Foundation issue's acceptance test: upload a real dump through the page, land on
// its permalink, see the wait-for graph, reload, see it again.
import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, nodeLabel, uploadFile } from './helpers';

test('upload seed001 by file → permalink shows the wait-for graph, and again after reload', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(page).toHaveURL(/\/i\/[^/?#]+$/);
  const permalink = page.url();

  const expectGraph = async () => {
    await expect(page.locator('svg.wait-graph')).toBeVisible();
    await expect(nodeLabel(page, 'rmmod (31969)')).toHaveCount(1);
    await expect(nodeLabel(page, 'kworker/1:2 (4790)')).toHaveCount(1);
    // Labels are real text, exactly the node's label.
    await expect(graphNode(page, 'task:31969').locator('text.node-label')).toHaveText('rmmod (31969)');
    await expect(graphNode(page, 'task:4790').locator('text.node-label')).toHaveText('kworker/1:2 (4790)');
  };

  await expectGraph();
  await page.screenshot({ path: `${ARTIFACTS}/incident-seed001.png`, fullPage: true });

  await page.reload();
  expect(page.url()).toBe(permalink);
  await expectGraph();
});

// Clicking a node shows its details and highlights its evidence in the raw dump; the
// selection lives in the URL so a shared link opens on the same node.
import { expect, test } from '@playwright/test';
import { ARTIFACTS, SEED001, graphNode, lineOf, uploadFile } from './helpers';

test('node click → details and evidence lines highlighted, selection in the URL', async ({ page }) => {
  await uploadFile(page, SEED001);
  await graphNode(page, 'task:4790').click();

  await expect(page).toHaveURL(/[?&]node=task%3A4790(&|$)/);
  await expect(graphNode(page, 'task:4790')).toHaveClass(/\bselected\b/);

  const details = page.locator('.node-details[data-selected-node="task:4790"]');
  await expect(details).toBeVisible();
  // The stack from /proc/4790/stack, innermost first, with the waiting frame marked.
  await expect(details.locator('.frame.waiting .fn')).toHaveText('ttm_eu_reserve_buffers');
  await expect(details.locator('.frame.generic .fn', { hasText: 'worker_thread' })).toHaveCount(1);

  // The stack lines of kworker 4790 in seed001 (the `cat /proc/4790/stack` output).
  const stackLine = page.locator('.raw-line', { hasText: 'ttm_eu_reserve_buffers+0x205/0x320' }).first();
  await expect(stackLine).toHaveClass(/\bhl\b/);
  // …and a line that is not evidence for this task is not highlighted.
  await expect(page.locator('.raw-line', { hasText: '/usr/sbin/sshd -D' })).not.toHaveClass(/\bhl\b/);
  await page.screenshot({ path: `${ARTIFACTS}/incident-node-selected.png`, fullPage: true });

  // A frame's line reference puts that line in the URL and marks it.
  const frameLine = lineOf(SEED001, 'ttm_eu_reserve_buffers+0x205/0x320');
  await details
    .locator('.frame.waiting')
    .getByRole('button', { name: `line ${frameLine}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`[?&]lines=${frameLine}(&|$)`));
  await expect(page.locator(`.raw-line[data-line="${frameLine}"]`)).toHaveClass(/\bfocus\b/);
});

test('a deep link opens on the same node and line range, also after reload', async ({ page }) => {
  const id = await uploadFile(page, SEED001);
  const stackLine = lineOf(SEED001, 'ttm_eu_reserve_buffers+0x205/0x320');
  await page.goto(`/i/${encodeURIComponent(id)}?node=task:4790&lines=${stackLine}-${stackLine + 2}`);

  const check = async () => {
    await expect(graphNode(page, 'task:4790')).toHaveClass(/\bselected\b/);
    await expect(page.locator('.node-details[data-selected-node="task:4790"]')).toBeVisible();
    await expect(page.locator(`.raw-line[data-line="${stackLine}"]`)).toHaveClass(/\bfocus\b/);
    await expect(page.locator(`.raw-line[data-line="${stackLine + 2}"]`)).toHaveClass(/\bfocus\b/);
    await expect(page.locator(`.raw-line[data-line="${stackLine + 3}"]`)).not.toHaveClass(/\bfocus\b/);
  };
  await check();
  await page.reload();
  await check();
});

test('search in the raw dump finds lines', async ({ page }) => {
  await uploadFile(page, SEED001);
  await page.getByLabel('search the dump').fill('BSN_WanDel');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.locator('.raw-line.current')).toContainText('BSN_WanDel');
});

test('picking lines in the gutter puts the range in the URL', async ({ page }) => {
  await uploadFile(page, SEED001);
  await page.getByRole('button', { name: 'select line 5', exact: true }).click();
  await expect(page).toHaveURL(/[?&]lines=5(&|$)/);
  await page.getByRole('button', { name: 'select line 8', exact: true }).click({ modifiers: ['Shift'] });
  await expect(page).toHaveURL(/[?&]lines=5-8(&|$)/);
  for (const n of [5, 6, 7, 8]) await expect(page.locator(`.raw-line[data-line="${n}"]`)).toHaveClass(/\bfocus\b/);
  await expect(page.locator('.raw-line[data-line="9"]')).not.toHaveClass(/\bfocus\b/);
});

test('a node named in a finding selects it in the graph', async ({ page }) => {
  await uploadFile(page, SEED001);
  // Named by its label (what the graph shows), the id kept in data-node.
  await page.locator('.finding-self_deadlock').getByRole('button', { name: 'kworker/1:2 (4790)' }).click();
  await expect(graphNode(page, 'task:4790')).toHaveClass(/\bselected\b/);
  await expect(page.locator('.node-details[data-selected-node="task:4790"]')).toBeVisible();
  await graphNode(page, 'task:4790').press('Escape');
  await expect(page).not.toHaveURL(/[?&]node=/);
});

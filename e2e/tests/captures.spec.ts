// The triage loop on the incident page (issue 23): the collector command for this
// incident, a capture added by hand, the captures list, the verdict saying what the new
// capture added, and the diff of the two captures.
import { expect, test } from '@playwright/test';
import { readFixture, repoRoot, uploadText } from './helpers';
import { resolve } from 'node:path';

const SEED000 = resolve(repoRoot, 'packages/analyzer/fixtures/seeds/seed000.txt');

// What the collector printed next: the flushing task where it was (the same stack, read
// from /proc), and the kworker that runs the flushed work.
const CAPTURE = [
  '=== hangscope-collect: /proc/1458/comm ===',
  'Xorg',
  '=== hangscope-collect: /proc/1458/stack ===',
  ...[
    '__flush_work+0x110/0x250',
    'flush_work+0x10/0x18',
    'drain_all_pages+0x178/0x248',
    '__alloc_pages_nodemask+0x4c0/0xce0',
    'ttm_pool_populate+0x314/0x460',
    'ttm_tt_populate.part.4+0x74/0x78',
    'ttm_tt_bind+0x64/0x98',
    'ttm_bo_handle_move_mem+0x36c/0x440',
    'ttm_bo_validate+0x114/0x138',
    'ttm_bo_init_reserved+0x324/0x3b8',
    'ttm_bo_init+0x3c/0xd8',
    'virtio_gpu_object_create+0x114/0x170',
    'virtio_gpu_alloc_object+0x14/0x30',
    'virtio_gpu_resource_create_ioctl+0xa0/0x300',
    'drm_ioctl_kernel+0x90/0xe8',
    'drm_ioctl+0x1c0/0x398',
    'do_vfs_ioctl+0xa4/0x858',
  ].map((f) => `[<0>] ${f}`),
  '=== hangscope-collect: /proc/77/comm ===',
  'kworker/3:1',
  '=== hangscope-collect: /proc/77/stack ===',
  '[<0>] __mutex_lock.isra.5+0x2ab/0x4d0',
  '[<0>] drain_local_pages_wq+0x1c/0x30',
  '[<0>] process_one_work+0x1e0/0x400',
  '[<0>] worker_thread+0x4f/0x3d0',
].join('\n');

test('collector command, add a capture, the captures list, what it added, and the diff', async ({ page, baseURL }) => {
  const id = await uploadText(page, `${readFixture(SEED000)}\n# captures test ${Date.now()}\n`);

  // The command fetches the collector from this server and posts back to this incident,
  // with the flags the next steps ask for.
  const command = page.getByLabel('collector command');
  await expect(command).toHaveText(
    `curl -fsS ${baseURL}/collect.sh | sudo sh -s -- --sysrq=wt --pid 1458 --post ${baseURL} --incident ${id}`,
  );
  const script = await page.request.get(`${baseURL}/collect.sh`);
  expect(script.status()).toBe(200);
  expect(await script.text()).toMatch(/^#!\/bin\/sh\n/);

  const list = page.getByRole('list', { name: 'captures' });
  await expect(list.getByRole('listitem')).toHaveCount(1);

  await page.getByLabel('capture text').fill(CAPTURE);
  await page.getByRole('button', { name: 'Add capture' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added as capture 2' })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('listitem').nth(1)).toContainText('Capture 2');

  // The analysis is now of both captures: the verdict names what the second added.
  await expect(page.locator('.verdict-text')).toContainText('Capture 2');
  await expect(page.locator('.verdict-text')).toContainText('kworker/3:1 77 is now seen');
  await expect(page.locator('.verdict-text')).toContainText('On the same stack as before (stuck): Xorg 1458 in');

  // The diff of capture 1 and 2: the flushing task did not move; the kworker is new.
  const diff = page.getByLabel('capture diff');
  await expect(diff.locator('.diff-summary')).toContainText('1 task has the same stack in both captures');
  await expect(diff.locator('tr.diff-stuck')).toContainText('1458');
  await expect(diff.locator('tr.diff-new')).toContainText('kworker/3:1');

  // After a reload everything is still there (stored, not page state).
  await page.reload();
  await expect(page.getByRole('list', { name: 'captures' }).getByRole('listitem')).toHaveCount(2);
  await expect(page.locator('.verdict-text')).toContainText('Capture 2');
});

// The same bug uploaded from two boots: one group page lists both, and the second
// incident's page says at the top what the team knew from the first.
import { expect, test } from '@playwright/test';
import { uploadText } from './helpers';

/** A hung task blocked on a mutex in a module of this run's own (so the group is this
 *  test's alone), as one boot prints it: its times, pid, addresses and CPU. */
function hungTask(fn: string, boot: { t: number; pid: number; addr: string; cpu: number }): string {
  const ts = (dt: number) => `[${(boot.t + dt / 1e6).toFixed(6).padStart(12)}]`;
  return [
    `${ts(0)} INFO: task grpworker:${boot.pid} blocked for more than 122 seconds.`,
    `${ts(5)}       Not tainted 6.1.0-e2e #1`,
    `${ts(7)} "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`,
    `${ts(9)} task:grpworker       state:D stack:0     pid:${boot.pid}  ppid:2      flags:0x00004000`,
    `${ts(11)} CPU: ${boot.cpu} PID: ${boot.pid} Comm: grpworker Not tainted 6.1.0-e2e #1`,
    `${ts(15)} Call Trace:`,
    `${ts(17)}  <TASK>`,
    `${ts(19)}  __schedule+0x2f1/0x8a0`,
    `${ts(21)}  schedule+0x5e/0xd0`,
    `${ts(23)}  schedule_preempt_disabled+0x15/0x30`,
    `${ts(25)}  __mutex_lock.constprop.0+0x399/0x700`,
    `${ts(27)}  ${fn}_flush+0x2a/0x60 [grpmod]`,
    `${ts(29)}  ${fn}_release+0x41/0x90 [grpmod]`,
    `${ts(31)}  __fput+0x9a/0x260`,
    `${ts(33)}  task_work_run+0x61/0xa0`,
    `${ts(35)}  do_exit+0x35c/0xaf0`,
    `${ts(37)}  </TASK>`,
    `${ts(39)} RIP: 0033:0x7f3c${boot.addr}`,
    '',
  ].join('\n');
}

test('two uploads of one bug from different boots: one group page, and the repeat shows the first one’s status and mitigation', async ({
  page,
}) => {
  const fn = `grp${Date.now().toString(36)}`;
  const first = await uploadText(
    page,
    hungTask(fn, { t: 812.334455, pid: 4711, addr: '1a2b3c4d', cpu: 1 }),
    'first boot',
  );
  const note = `Unload grpmod before shutdown (${fn}).`;
  await page.getByLabel('status').selectOption('mitigated');
  await expect(page.getByLabel('status')).toBeEnabled();
  await page.getByRole('button', { name: /write mitigation/i }).click();
  await page.getByLabel('mitigation', { exact: true }).fill(note);
  await page.getByRole('button', { name: 'Save mitigation' }).click();
  await expect(page.locator('.mitigation .note-body')).toHaveText(note);
  // A first sighting says nothing of repeats.
  await expect(page.locator('.repeat-banner')).toHaveCount(0);

  const second = await uploadText(
    page,
    hungTask(fn, { t: 40211.5, pid: 30877, addr: '9e8d7c6b', cpu: 3 }),
    'second boot',
  );
  expect(second).not.toBe(first);
  const banner = page.locator('.repeat-banner');
  await expect(banner).toContainText('Seen 1 time before, last on');
  await expect(banner).toContainText(`mitigated: ${note}`);

  await banner.getByRole('link', { name: 'Open the group' }).click();
  await page.waitForURL(/\/groups\/[^/?#]+$/);
  const rows = page.locator('.group-page tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('second boot');
  await expect(rows.nth(1)).toContainText('first boot');
  await expect(rows.nth(1)).toContainText('mitigated');
  await expect(page.getByLabel('group status')).toHaveText('mitigated');
  await expect(page.locator('.group-page .mitigation .note-body')).toHaveText(note);
  await expect(page.locator('.group-page')).toContainText('6.1.0-e2e');

  // The list of recurring hangs opens the same page.
  await page.goto('/groups');
  await page.getByRole('link', { name: 'second boot' }).first().click();
  await expect(page.locator('.group-page tbody tr')).toHaveCount(2);

  // Split by hand: the second moves out of the group (no repeat any more), then back.
  await page.goto(`/i/${encodeURIComponent(second)}`);
  await expect(page.locator('.repeat-banner')).toBeVisible();
  await page.getByRole('button', { name: 'Move out of this group' }).click();
  await expect(page.locator('.repeat-banner')).toHaveCount(0);
  await page.getByRole('button', { name: /Back into its fingerprint/ }).click();
  await expect(page.locator('.repeat-banner')).toContainText('Seen 1 time before');

  // Merge by hand: an unrelated incident marked a duplicate of the first (picked from
  // the list) joins the group.
  const other = await uploadText(
    page,
    hungTask(`${fn}x`, { t: 5.5, pid: 999, addr: '11223344', cpu: 0 }),
    'unrelated boot',
  );
  await expect(page.locator('.repeat-banner')).toHaveCount(0);
  const picker = page.getByLabel('same bug as');
  const firstOption = picker.locator('option', { hasText: 'first boot' }).first();
  await picker.selectOption((await firstOption.getAttribute('value')) ?? '');
  await page.getByRole('button', { name: 'Mark as duplicate' }).click();
  await expect(page.locator('.repeat-banner')).toContainText('Seen 2 times before');
  expect(other).not.toBe(first);
});

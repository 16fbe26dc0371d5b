// Dumps are untrusted: markup inside them must show as text and never run.
import { expect, test } from '@playwright/test';
import { uploadText } from './helpers';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

test('markup in a dump and its title is shown as text, nothing runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const text = [
    `INFO: task ${IMG}:4242 blocked for more than 120 seconds.`,
    `      Not tainted 5.10.0 #1`,
    `task:${SCRIPT} state:D stack:0 pid:4242 ppid:2 flags:0x00004000`,
    'Call Trace:',
    ' __schedule+0x2e6/0x6e0',
    ' schedule+0x4e/0xb0',
    ` ${SCRIPT}`,
    ` ${IMG}`,
    '',
  ].join('\n');
  await uploadText(page, text, `title ${IMG} ${SCRIPT}`);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`title ${IMG} ${SCRIPT}`);
  await expect(page.locator('.raw-line', { hasText: SCRIPT }).first()).toBeVisible();
  await expect(page.locator('.raw-line', { hasText: IMG }).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('body script:not([src])')).toHaveCount(0);

  await page.goto('/');
  await expect(page.locator('.history-table')).toContainText(`title ${IMG} ${SCRIPT}`);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

// Team workflow on an incident: status, mitigation note, annotations pinned to a node.
import { expect, test } from '@playwright/test';
import { SEED001, graphNode, readFixture, uploadText } from './helpers';

test('status, mitigation and a note pinned to a node survive a reload', async ({ page }) => {
  await uploadText(page, `${readFixture(SEED001)}\n# notes test ${Date.now()}\n`);

  const status = page.getByLabel('status');
  await expect(status).toHaveValue('open');
  await status.selectOption('mitigated');
  await expect(status).toBeEnabled();

  await page.getByRole('button', { name: /write mitigation/i }).click();
  await page.getByLabel('mitigation', { exact: true }).fill('Rebooted; blacklisted qxl until the ttm fix lands.');
  await page.getByRole('button', { name: 'Save mitigation' }).click();
  await expect(page.locator('.mitigation .note-body')).toHaveText('Rebooted; blacklisted qxl until the ttm fix lands.');

  await graphNode(page, 'task:4790').click();
  await page.getByLabel('note', { exact: true }).fill('owner field is its own task_struct <b>really</b>');
  await page.getByRole('button', { name: 'Add note' }).click();
  const note = page.locator('.annotations li', { hasText: 'owner field is its own task_struct' });
  await expect(note).toContainText('task:4790');
  // Markup in a note is text.
  await expect(note.locator('.note-body')).toHaveText('owner field is its own task_struct <b>really</b>');

  await page.reload();
  await expect(page.getByLabel('status')).toHaveValue('mitigated');
  await expect(page.locator('.mitigation .note-body')).toHaveText('Rebooted; blacklisted qxl until the ttm fix lands.');
  await expect(note).toContainText('task:4790');

  // Edit, then reload: the edited text is what the server kept.
  await note.getByRole('button', { name: 'edit' }).click();
  const editor = page.getByLabel('edit note');
  await expect(editor).toHaveValue('owner field is its own task_struct <b>really</b>');
  await editor.fill('owner field is its own task_struct: self-deadlock in qxl_fb_work');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(editor).toHaveCount(0);
  const edited = page.locator('.annotations li', { hasText: 'self-deadlock in qxl_fb_work' });
  await expect(edited.locator('.note-body')).toHaveText(
    'owner field is its own task_struct: self-deadlock in qxl_fb_work',
  );
  await page.reload();
  await expect(edited.locator('.note-body')).toHaveText(
    'owner field is its own task_struct: self-deadlock in qxl_fb_work',
  );
  await expect(edited).toContainText('task:4790');
  await expect(edited).toContainText('edited');
  await expect(page.locator('.annotations li', { hasText: '<b>really</b>' })).toHaveCount(0);

  // Cancel leaves it as it was.
  await edited.getByRole('button', { name: 'edit' }).click();
  await page.getByLabel('edit note').fill('not saved');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(edited.locator('.note-body')).toHaveText(
    'owner field is its own task_struct: self-deadlock in qxl_fb_work',
  );

  await edited.getByRole('button', { name: 'delete' }).click();
  await expect(edited).toHaveCount(0);
  await page.reload();
  await expect(page.locator('.annotations')).toContainText('No notes yet.');
});

test('an older server without notes, mitigation or similar endpoints: the page still works', async ({ page }) => {
  await page.route(/\/api\/incidents\/[^/]+\/(annotations|mitigation|similar)$/, (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: '{"error":"Not Found","message":"Route not found"}',
    }),
  );
  await uploadText(page, `${readFixture(SEED001)}\n# degrade test ${Date.now()}\n`);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  await expect(page.locator('#findings-h')).toBeVisible();
  await expect(page.locator('.annotations')).toHaveCount(0);
  await expect(page.locator('.mitigation')).toHaveCount(0);
  await expect(page.locator('.similar')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

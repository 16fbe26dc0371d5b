// The first screen answers: on a 1440×900 screen the title, kind, status, a short verdict
// and the wait-for graph are in view together, on a small dump and on a 50 MB one; the
// findings fold by kind; no internal lock key reaches the prose.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SEED001, graphNode, repoRoot, uploadFile } from './helpers';

test.use({ viewport: { width: 1440, height: 900 } });

const VERDICT_MAX = 600;

/** Wholly inside the viewport (the graph: at least `minHeight` px of it). */
async function inView(page: Page, el: Locator, minHeight = 0) {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, 'element is laid out').not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  if (minHeight) expect(Math.min(box!.y + box!.height, vp.height) - box!.y).toBeGreaterThanOrEqual(minHeight);
  else expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width);
}

async function firstScreen(page: Page) {
  const verdict = page.locator('.verdict-text');
  await expect(verdict).not.toBeEmpty();
  const text = (await verdict.textContent()) ?? '';
  expect(text.length).toBeLessThanOrEqual(VERDICT_MAX);
  await inView(page, page.locator('.incident-header h1'));
  await inView(page, page.locator('.incident-header .kind'));
  await inView(page, page.getByLabel('status'));
  await inView(page, verdict);
  await inView(page, page.locator('svg.wait-graph'), 400);
  await expect(page.locator('svg.wait-graph [data-node-id]').first()).toBeVisible();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  return text;
}

test('seed001: title, kind, status, verdict and graph on the first screen', async ({ page }) => {
  await uploadFile(page, SEED001);
  await expect(graphNode(page, 'task:4790')).toBeVisible();
  const verdict = await firstScreen(page);
  expect(verdict).toContain('4790');
  await page.screenshot({ path: `${ARTIFACTS}/firstscreen-seed001.png` });
});

test('a 50 MB sysrq-t dump: a verdict under 600 characters, folded findings, the graph in view', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-firstscreen-'));
  try {
    execFileSync('node', [join(repoRoot, 'bench/gen.mjs'), '--sizes', '50', '--kinds', 'sysrq', '--out', dir], {
      stdio: 'ignore',
    });
    const buffer = readFileSync(join(dir, 'sysrq-50mb.txt'));
    const res = await page.request.post('/api/incidents', {
      multipart: { dump: { name: 'sysrq-50mb.txt', mimeType: 'text/plain', buffer } },
      timeout: 120_000,
    });
    expect(res.ok()).toBe(true);
    const { id } = await res.json();
    await page.goto(`/i/${id}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await expect(page.locator('svg.wait-graph [data-node-id]').first()).toBeVisible({ timeout: 30_000 });
  const verdict = await firstScreen(page);
  await page.screenshot({ path: `${ARTIFACTS}/firstscreen-sysrq-50mb.png` });
  // The culprit, the chain and the counts.
  expect(verdict).toMatch(/Deadlock: /);
  expect(verdict).toMatch(/Root blocker: /);
  expect(verdict).toMatch(/\d{1,3}(,\d{3})* more tasks wait the same way/);
  // 210 findings, one row per kind, the count on the row.
  const rows = page.locator('ol.findings > li.finding');
  expect(await rows.count()).toBeLessThanOrEqual(6);
  const contention = page.locator('li.finding-lock_contention');
  await expect(contention.locator('.finding-count')).toHaveText(/^×\d{2,}$/);
  await contention.getByRole('button', { name: /Show the other \d+ findings of this kind/ }).click();
  await expect(contention.locator('li.finding-item')).toHaveCount(25);
  await page.screenshot({ path: `${ARTIFACTS}/findings-folded-opened.png` });
});

test('locks known by a key, not an address, are named in words', async ({ page }) => {
  // Threads of 30 programs blocked in a page fault on their process's mmap_lock; no tgid
  // is printed, so the analyzer groups them by name (a guess) under an internal key.
  const out = ['sysrq: Show Blocked State'];
  let pid = 2000;
  for (let c = 0; c < 30; c++) {
    for (let k = 0; k < 2; k++) {
      out.push(
        `task:app${c}           state:D stack:0     pid:${pid++}  ppid:1      flags:0x00000000`,
        'Call Trace:',
        ' <TASK>',
        ' __schedule+0x2e8/0x8a0',
        ' schedule+0x5b/0xd0',
        ' rwsem_down_read_slowpath+0x2d0/0x4a0',
        ' down_read+0x45/0x90',
        ' do_user_addr_fault+0x3cb/0x6a0',
        ' exc_page_fault+0x6c/0x150',
        ' asm_exc_page_fault+0x26/0x30',
        ' </TASK>',
      );
    }
  }
  const res = await page.request.post('/api/incidents', {
    multipart: { dump: { name: 'mmap.txt', mimeType: 'text/plain', buffer: Buffer.from(out.join('\n') + '\n') } },
  });
  const { id } = await res.json();
  await page.goto(`/i/${id}`);
  await firstScreen(page);
  const prose = [
    await page.locator('.verdict-text').textContent(),
    ...(await page.locator('.finding-summary').allTextContents()),
  ].join('\n');
  expect(prose).toContain('the mmap_lock of the app0 processes (grouped by name: a guess)');
  expect(prose).not.toMatch(/mmap_lock@|@comm:|@tgid:/);
  await page.screenshot({ path: `${ARTIFACTS}/firstscreen-mmap-lock-keys.png` });
});

import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SEED001 = resolve(repoRoot, 'packages/analyzer/fixtures/seeds/seed001.txt');
export const ARTIFACTS = resolve(repoRoot, 'e2e/artifacts');

export function readFixture(path: string): string {
  return readFileSync(path, 'utf8');
}

/** 1-based number of the first line of a fixture containing `text` (throws if none). */
export function lineOf(path: string, text: string): number {
  const i = readFixture(path)
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${path}`);
  return i + 1;
}

/** Upload through the page's file input and wait for the permalink. */
export async function uploadFile(page: Page, path: string, title?: string): Promise<string> {
  await page.goto('/new');
  await page.getByLabel(/choose one/i).setInputFiles(path);
  if (title) await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Analyze' }).click();
  return waitForPermalink(page);
}

/** Upload generated text through the file input (filling a textarea with MBs is slow). */
export async function uploadGenerated(page: Page, text: string, name = 'dump.txt'): Promise<string> {
  await page.goto('/new');
  await page.getByLabel(/choose one/i).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Analyze' }).click();
  return waitForPermalink(page);
}

/** Upload by pasting text into the textarea. */
export async function uploadText(page: Page, text: string, title?: string): Promise<string> {
  await page.goto('/new');
  await page.getByLabel(/paste a hang dump/i).fill(text);
  if (title) await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Analyze' }).click();
  return waitForPermalink(page);
}

async function waitForPermalink(page: Page): Promise<string> {
  await page.waitForURL(/\/i\/[^/?#]+/);
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
  expect(id).not.toBe('');
  return id;
}

/** A graph node by its contract id. */
export function graphNode(page: Page, id: string) {
  return page.locator(`svg.wait-graph [data-node-id="${id}"]`);
}

export function nodeLabel(page: Page, label: string) {
  return page.locator('svg.wait-graph [data-node-id] text.node-label', { hasText: label });
}

// One analysis shares nothing mutable with the next: every table a run fills (the frame
// table, its memos, what the knowledge tables said of each name) is made by analyze()
// for that run and dropped with it. A worker that analyses dump after dump must give
// each the document a fresh process gives it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { analyze as Analyze } from './analyze.js';

const DIR = join(import.meta.dirname, '../fixtures/corpus');
const TEXTS = readdirSync(DIR)
  .filter((n) => n.endsWith('.txt'))
  .sort()
  .map((n) => ({ name: n, text: readFileSync(join(DIR, n), 'utf8') }));

/** analyze() of a fresh copy of every analyzer module: no earlier run's module state. */
async function freshAnalyze(): Promise<typeof Analyze> {
  vi.resetModules();
  return (await import('./analyze.js')).analyze;
}

/** Where two documents first differ (a short excerpt of each), or null. */
function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: …${a.slice(Math.max(0, i - 60), i + 60)}… vs …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

describe('runs share no state', () => {
  it('gives each text the same document after any other texts as in a fresh instance', async () => {
    expect(TEXTS.length).toBeGreaterThan(20);
    const alone = new Map<string, string>();
    for (const { name, text } of TEXTS) alone.set(name, JSON.stringify((await freshAnalyze())(text)));
    // One instance: every text, then all of them again in reverse order (A, B, …, B, A).
    const analyze = await freshAnalyze();
    for (const { name, text } of [...TEXTS, ...[...TEXTS].reverse()])
      expect(firstDifference(JSON.stringify(analyze(text)), alone.get(name)!), name).toBe(null);
  }, 120_000);
});

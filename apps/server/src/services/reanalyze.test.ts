import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYZER_VERSION } from '@hangscope/analyzer';
import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, tempDir } from '../__tests__/helpers.js';
import { AnalysisError, InlineAnalysisRunner, type AnalysisRunner } from '../analysis/pool.js';
import { defaultMigrationsDir } from '../paths.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { IngestService } from './ingest.js';
import { reanalyzeStored } from './reanalyze.js';

const quiet = { info: () => {}, warn: () => {} };

/**
 * The real analysis (in-process) for every dump but those holding `poison`, which fail
 * the way a worker past its timeout does; counts calls and the most run at once.
 */
function analysisWithPoison(poison: string) {
  const real = new InlineAnalysisRunner();
  const seen = { calls: 0, running: 0, maxRunning: 0 };
  const runner: AnalysisRunner = {
    mode: 'worker',
    async analyze(bytes) {
      seen.calls++;
      seen.running++;
      seen.maxRunning = Math.max(seen.maxRunning, seen.running);
      try {
        await new Promise((r) => setTimeout(r, 5));
        if (bytes.includes(poison)) throw new AnalysisError('analysis took longer than 300000 ms');
        return await real.analyze(bytes);
      } finally {
        seen.running--;
      }
    },
    close: async () => {},
  };
  return { runner, seen };
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('re-analysis at start-up', () => {
  it('retries a dump whose analysis timed out once per analyzer version, one at a time, after the others', async () => {
    dir = tempDir();
    const dbPath = join(dir, 'hangscope.db');
    const { runner, seen } = analysisWithPoison('POISON');
    let store = new SqliteStore(dbPath, defaultMigrationsDir());
    const ingest = new IngestService(store, runner);
    const poisoned: string[] = [];
    for (let k = 0; k < 3; k++) {
      const r = await ingest.ingest({
        bytes: Buffer.from(`POISON ${k}\n${HUNG_TASK_DUMP}`),
        title: null,
        host: null,
        tags: [],
      });
      expect(r.analysisError).toMatch(/longer than/);
      poisoned.push(r.id);
    }
    const good = await ingest.ingest({ bytes: Buffer.from(HUNG_TASK_DUMP), title: null, host: null, tags: [] });
    expect(good.analysisError).toBeUndefined();
    await store.close();

    // First start: the three failed analyses are tried again, one at a time, and fail again.
    store = new SqliteStore(dbPath, defaultMigrationsDir());
    seen.calls = 0;
    seen.maxRunning = 0;
    expect(await store.idsToReanalyze(ANALYZER_VERSION)).toEqual(poisoned);
    expect(await reanalyzeStored(store, runner, quiet)).toEqual({ updated: 0, failed: 3, total: 3 });
    expect(seen).toMatchObject({ calls: 3, maxRunning: 1 });
    await store.close();

    // Next start, same analyzer: not tried again.
    store = new SqliteStore(dbPath, defaultMigrationsDir());
    seen.calls = 0;
    expect(await store.idsToReanalyze(ANALYZER_VERSION)).toEqual([]);
    expect(await reanalyzeStored(store, runner, quiet)).toEqual({ updated: 0, failed: 0, total: 0 });
    expect(seen.calls).toBe(0);

    // A new analyzer version tries them once more, after the dumps analysed by the old one.
    expect(await store.idsToReanalyze('9.9.9')).toEqual([good.id, ...poisoned]);
    // --all (the CLI) still takes every incident.
    expect(await store.idsToReanalyze(null)).toHaveLength(4);
    await store.close();
  });

  it('a failure under another version does not stop a retry; a retry that succeeds clears the mark', async () => {
    dir = tempDir();
    const dbPath = join(dir, 'hangscope.db');
    const store = new SqliteStore(dbPath, defaultMigrationsDir());
    const failing = analysisWithPoison('rmmod');
    const r = await new IngestService(store, failing.runner).ingest({
      bytes: Buffer.from(HUNG_TASK_DUMP),
      title: null,
      host: null,
      tags: [],
    });
    expect(r.analysisError).toBeDefined();
    expect(await reanalyzeStored(store, failing.runner, quiet)).toMatchObject({ failed: 1 });
    expect(await store.idsToReanalyze(ANALYZER_VERSION)).toEqual([]);
    // As if the failed retry had been under an older analyzer: this one tries (and here succeeds).
    const fixed = analysisWithPoison('\u0000never');
    await store.markReanalysisFailed(r.id, 'older');
    expect(await store.idsToReanalyze(ANALYZER_VERSION)).toEqual([r.id]);
    expect(await reanalyzeStored(store, fixed.runner, quiet)).toEqual({ updated: 1, failed: 0, total: 1 });
    expect(await store.idsToReanalyze(ANALYZER_VERSION)).toEqual([]);
    expect(await store.idsToReanalyze('9.9.9')).toEqual([r.id]);
    await store.close();
  });
});

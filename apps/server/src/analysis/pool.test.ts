import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { HUNG_TASK_DUMP, tempDir } from '../__tests__/helpers.js';
import { analyzeToRecord } from './digest.js';
import { builtWorkerUrl, createAnalysisRunner, WorkerAnalysisPool } from './pool.js';

// vitest runs TypeScript source, so the real worker (dist/analysis/worker.js) is not
// loadable here. These tests drive the pool's queueing and failure handling with a
// small JavaScript worker speaking the same protocol; the analyzer inside the real
// worker is the same analyzeToRecord tested in-process below.
const WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ jobId, bytes }) => {
  const text = new TextDecoder().decode(bytes);
  if (text === 'crash') process.exit(3);
  if (text === 'hang') for (;;) {}
  if (text === 'grow') { const keep = []; for (;;) keep.push(new Array(100000).fill(keep.length)); }
  if (text === 'throw') return parentPort.postMessage({ jobId, error: 'boom' });
  if (text === 'binary') return parentPort.postMessage({ jobId, rejected: { statusCode: 415, error: 'not_text', message: 'not text' } });
  parentPort.postMessage({ jobId, record: { title: 'echo ' + text } });
});`;

const b = (text: string) => Buffer.from(text);

let pool: WorkerAnalysisPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function testPool(size: number, timeoutMs = 60_000, limits?: ResourceLimits) {
  const file = join(tempDir(), 'worker.mjs');
  writeFileSync(file, WORKER);
  pool = new WorkerAnalysisPool(pathToFileURL(file), size, timeoutMs, limits);
  return pool;
}

describe('WorkerAnalysisPool', () => {
  it('answers every job with its own result, more jobs than workers', async () => {
    const p = testPool(2);
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => p.analyze(b(x))));
    expect(results.map((r) => r.title)).toEqual(['echo a', 'echo b', 'echo c', 'echo d', 'echo e']);
  });

  it('rejects the job of a worker that dies or reports an error (or refuses the bytes), and keeps serving', async () => {
    const p = testPool(1);
    await expect(p.analyze(b('crash'))).rejects.toThrow(/exited with code 3/);
    await expect(p.analyze(b('throw'))).rejects.toThrow(/boom/);
    await expect(p.analyze(b('binary'))).rejects.toMatchObject({
      name: 'HttpError',
      statusCode: 415,
      error: 'not_text',
    });
    expect((await p.analyze(b('after'))).title).toBe('echo after');
  });

  it('terminates a worker that exceeds the time limit, and keeps serving', async () => {
    const p = testPool(1, 300);
    await expect(p.analyze(b('hang'))).rejects.toThrow(/longer than 300 ms/);
    expect((await p.analyze(b('next'))).title).toBe('echo next');
  });

  it('ends a worker that outgrows its heap limit with an out-of-memory error, and keeps serving', async () => {
    const p = testPool(1, 60_000, { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 });
    await expect(p.analyze(b('grow'))).rejects.toThrow(/^analysis ran out of memory/);
    expect((await p.analyze(b('next'))).title).toBe('echo next');
  });

  it('rejects queued jobs on close', async () => {
    const p = testPool(1, 60_000);
    const running = expect(p.analyze(b('hang'))).rejects.toThrow(/closed/);
    const queued = expect(p.analyze(b('queued'))).rejects.toThrow(/closed/);
    await p.close();
    await running;
    await queued;
  });
});

describe('createAnalysisRunner', () => {
  it('runs in-process when this file is TypeScript source (no built worker)', async () => {
    expect(builtWorkerUrl()).toBeNull();
    const runner = createAnalysisRunner({ size: 1, timeoutMs: 1000 });
    expect(runner.mode).toBe('inline');
    const record = await runner.analyze(Buffer.from(HUNG_TASK_DUMP));
    expect(record).toEqual(analyzeToRecord(Buffer.from(HUNG_TASK_DUMP)));
    await expect(runner.analyze(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]))).rejects.toMatchObject({
      statusCode: 415,
    });
    expect(record.lineCount).toBe(12);
    expect(JSON.parse(record.documentJson!).schemaVersion).toBe(1);
  });
});

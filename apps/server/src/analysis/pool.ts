import type { ResourceLimits } from 'node:worker_threads';
import { HttpError } from '../errors.js';
import type { AnalysisRecord } from '../store/types.js';
import { analyzeToRecord } from './digest.js';
import { asBuffer, builtWorkerBeside, ThreadPool } from '../workers/thread-pool.js';

export interface AnalysisRunner {
  /** 'worker' when analyses run in worker threads, 'inline' on the event loop. */
  readonly mode: 'worker' | 'inline';
  /**
   * Decode the dump's bytes and analyse them. Bytes that are not a text dump reject
   * with the HttpError (400/415) that says why (decode.ts). The caller keeps `bytes`:
   * a worker gets its own copy.
   */
  analyze(bytes: Buffer): Promise<AnalysisRecord>;
  /** Analyses waiting for a worker (not those running); absent: none ever wait. */
  readonly queued?: number;
  close(): Promise<void>;
}

export class AnalysisError extends Error {
  override name = 'AnalysisError';
}

/**
 * The built worker (dist/analysis/worker.js) beside this file, or null when this file
 * is TypeScript source (vitest, tsx): a worker thread cannot load .ts, so analyses
 * then run in-process. The built worker imports the built analyzer (its `default`
 * export condition), so a server build needs the analyzer built first (turbo does).
 */
export function builtWorkerUrl(): URL | null {
  return builtWorkerBeside(import.meta.url);
}

/** Runs analyses on the event loop. Used where no built worker exists. */
export class InlineAnalysisRunner implements AnalysisRunner {
  readonly mode = 'inline';
  async analyze(bytes: Buffer): Promise<AnalysisRecord> {
    return analyzeToRecord(bytes);
  }
  async close(): Promise<void> {}
}

type WorkerReply =
  | { jobId: number; record: AnalysisRecord; timings?: AnalysisRecord['timings'] }
  | { jobId: number; rejected: { statusCode: number; error: string; message: string } }
  | { jobId: number; error: string };

/** A record as posted by the worker: its compressed bytes arrive as a Uint8Array. */
function fromWorker(reply: { record: AnalysisRecord; timings?: AnalysisRecord['timings'] }): AnalysisRecord {
  const { record } = reply;
  const data = record.document?.data as Uint8Array | undefined;
  if (data && !Buffer.isBuffer(data)) record.document = { ...record.document, data: asBuffer(data) };
  if (record.view) {
    const { doc, groupsDoc } = record.view;
    record.view = {
      ...record.view,
      doc: { ...doc, data: asBuffer(doc.data) },
      groupsDoc: { ...groupsDoc, data: asBuffer(groupsDoc.data) },
    };
  }
  if (reply.timings) record.timings = reply.timings;
  return record;
}

/**
 * Worker threads (workers/thread-pool.ts), each analysing one dump at a time; further
 * jobs wait in a FIFO queue. A job that exceeds `timeoutMs` (an analyzer bug: it is
 * meant to be linear) terminates its worker, which is replaced; so does a worker that
 * dies.
 */
export class WorkerAnalysisPool implements AnalysisRunner {
  readonly mode = 'worker';
  private readonly pool: ThreadPool<WorkerReply>;

  constructor(
    workerUrl: URL,
    size: number,
    timeoutMs: number,
    /** V8 heap limits of each worker (heap-limits.ts); none: Node's defaults. */
    resourceLimits?: ResourceLimits,
  ) {
    this.pool = new ThreadPool<WorkerReply>({
      workerUrl,
      size,
      timeoutMs,
      resourceLimits,
      workerName: 'analysis worker',
      poolName: 'analysis pool',
      error: (message) => new AnalysisError(message),
      settle: (reply) => {
        if ('error' in reply) throw new AnalysisError(`analysis failed: ${reply.error}`);
        if ('rejected' in reply)
          throw new HttpError(reply.rejected.statusCode, reply.rejected.error, reply.rejected.message);
        return fromWorker(reply);
      },
    });
  }

  get queued(): number {
    return this.pool.queued;
  }

  analyze(bytes: Buffer): Promise<AnalysisRecord> {
    // A copy of exactly the bytes, transferred: one memcpy (a structured clone of the
    // Buffer would copy its whole backing store, and a string had to be decoded here
    // first, on the event loop, and copied again).
    const copy = new Uint8Array(bytes);
    return this.pool.submit({ bytes: copy }, [copy.buffer], 'analysis') as Promise<AnalysisRecord>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Worker threads when the built worker exists, otherwise in-process analysis. */
export function createAnalysisRunner(opts: {
  size: number;
  timeoutMs: number;
  workerUrl?: URL | null;
  resourceLimits?: ResourceLimits;
}): AnalysisRunner {
  const url = opts.workerUrl === undefined ? builtWorkerUrl() : opts.workerUrl;
  return url ? new WorkerAnalysisPool(url, opts.size, opts.timeoutMs, opts.resourceLimits) : new InlineAnalysisRunner();
}

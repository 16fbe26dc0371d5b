import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { HttpError } from '../errors.js';
import type { AnalysisRecord } from '../store/types.js';
import { analyzeToRecord } from './digest.js';

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
  if (!import.meta.url.endsWith('.js')) return null;
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** Runs analyses on the event loop. Used where no built worker exists. */
export class InlineAnalysisRunner implements AnalysisRunner {
  readonly mode = 'inline';
  async analyze(bytes: Buffer): Promise<AnalysisRecord> {
    return analyzeToRecord(bytes);
  }
  async close(): Promise<void> {}
}

interface Job {
  jobId: number;
  bytes: Buffer;
  resolve: (record: AnalysisRecord) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

type WorkerReply =
  | { jobId: number; record: AnalysisRecord; timings?: AnalysisRecord['timings'] }
  | { jobId: number; rejected: { statusCode: number; error: string; message: string } }
  | { jobId: number; error: string };

/** Bytes posted by a worker arrive as a Uint8Array: the same memory as a Buffer. */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** A record as posted by the worker: its compressed bytes arrive as a Uint8Array. */
function fromWorker(reply: { record: AnalysisRecord; timings?: AnalysisRecord['timings'] }): AnalysisRecord {
  const { record } = reply;
  const data = record.document?.data as Uint8Array | undefined;
  if (data && !Buffer.isBuffer(data)) {
    record.document = { ...record.document, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  }
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
 * A fixed number of worker threads, started on first use, each analysing one dump at
 * a time; further jobs wait in a FIFO queue. A job that exceeds `timeoutMs` (an
 * analyzer bug: it is meant to be linear) terminates its worker, which is replaced;
 * so does a worker that dies.
 */
export class WorkerAnalysisPool implements AnalysisRunner {
  readonly mode = 'worker';
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private closed = false;

  constructor(
    private readonly workerUrl: URL,
    private readonly size: number,
    private readonly timeoutMs: number,
    /** V8 heap limits of each worker (heap-limits.ts); none: Node's defaults. */
    private readonly resourceLimits?: ResourceLimits,
  ) {
    if (size < 1) throw new Error('analysis pool size must be at least 1');
  }

  get queued(): number {
    return this.queue.length;
  }

  analyze(bytes: Buffer): Promise<AnalysisRecord> {
    if (this.closed) return Promise.reject(new AnalysisError('analysis pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ jobId: this.nextJobId++, bytes, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(
        () => this.fail(slot!, new AnalysisError(`analysis took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      // A copy of exactly the bytes, transferred: one memcpy (a structured clone of the
      // Buffer would copy its whole backing store, and a string had to be decoded here
      // first, on the event loop, and copied again).
      const bytes = new Uint8Array(job.bytes);
      slot.worker.postMessage({ jobId: job.jobId, bytes }, [bytes.buffer]);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, this.resourceLimits ? { resourceLimits: this.resourceLimits } : {});
    const slot: Slot = { worker, job: null, timer: null };
    slot.worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.jobId !== reply.jobId) return;
      this.finish(slot);
      if ('error' in reply) job.reject(new AnalysisError(`analysis failed: ${reply.error}`));
      else if ('rejected' in reply)
        job.reject(new HttpError(reply.rejected.statusCode, reply.rejected.error, reply.rejected.message));
      else job.resolve(fromWorker(reply));
      this.dispatch();
    });
    slot.worker.on('error', (err: Error & { code?: string }) => {
      const why =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `analysis ran out of memory (${err.message})`
          : `analysis worker crashed: ${err.message}`;
      this.fail(slot, new AnalysisError(why));
    });
    slot.worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.fail(slot, new AnalysisError(`analysis worker exited with code ${code}`));
    });
    // An idle worker must not keep a CLI process alive.
    slot.worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  /** Drop a worker that failed or hung, reject its job, and carry on with the queue. */
  private fail(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    this.finish(slot);
    void slot.worker.terminate();
    job?.reject(err);
    if (!this.closed) this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new AnalysisError('analysis pool is closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      const job = slot.job;
      this.finish(slot);
      job?.reject(new AnalysisError('analysis pool is closed'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
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

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { busy } from '../errors.js';
import { runDeriveJob, type DeriveJob, type DeriveResults } from './jobs.js';

/** Seconds a client refused by a full derive queue is told to wait (Retry-After). */
export const DERIVE_RETRY_AFTER_S = 2;

type Job = DeriveJob;
type Result<J extends Job> = DeriveResults[J['kind']];

/** Builds what reads derive from analyses (jobs.ts): in worker threads, or in-process. */
export interface DeriveRunner {
  readonly mode: 'worker' | 'inline';
  /**
   * Run `job`. Rejects with a 503 HttpError (Retry-After) when `maxQueued` jobs wait
   * already, and with an Error when the job fails, runs past its time or its worker dies.
   * A `redact` job takes its `raw` bytes: the caller must not use them afterwards.
   */
  run<J extends Job>(job: J): Promise<Result<J>>;
  /** Jobs waiting for a worker (not those running). */
  readonly queued: number;
  close(): Promise<void>;
}

export class DeriveError extends Error {
  override name = 'DeriveError';
}

/**
 * The built worker (dist/derive/worker.js) beside this file, or null when this file is
 * TypeScript source (vitest, tsx): a worker thread cannot load .ts (see analysis/pool.ts).
 */
export function builtDeriveWorkerUrl(): URL | null {
  if (!import.meta.url.endsWith('.js')) return null;
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** Runs jobs on the event loop: only where no built worker exists (tests of the source). */
export class InlineDeriveRunner implements DeriveRunner {
  readonly mode = 'inline';
  readonly queued = 0;
  async run<J extends Job>(job: J): Promise<Result<J>> {
    return runDeriveJob(job) as Result<J>;
  }
  async close(): Promise<void> {}
}

interface Pending {
  jobId: number;
  job: Job;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Pending | null;
  timer: NodeJS.Timeout | null;
}

type WorkerReply = { jobId: number; result: unknown } | { jobId: number; error: string };

/**
 * The job with each byte array copied to exactly its bytes, and those copies listed for
 * transfer: a structured clone of a Buffer would copy its whole backing store (a pooled
 * slab, or the row a driver read), and a transferred copy is one memcpy.
 */
function forTransfer(job: Job): { message: Job; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const own = <T extends { data: Uint8Array } | null>(input: T): T => {
    if (!input) return input;
    const data = new Uint8Array(input.data);
    transfer.push(data.buffer);
    return { ...input, data };
  };
  if (job.kind === 'diff') return { message: { ...job, a: own(job.a), b: own(job.b) }, transfer };
  if (job.kind === 'redact') {
    // A dump's bytes (tens of MB) are handed over, not copied, when they fill a buffer of
    // their own (a copy of 50 MB took ~60 ms of the event loop on a loaded machine): the
    // caller's Buffer is then detached (see DeriveRunner.run).
    const r = job.raw;
    const whole = r.byteOffset === 0 && r.byteLength === r.buffer.byteLength && r.buffer instanceof ArrayBuffer;
    const raw = whole ? r : new Uint8Array(r);
    transfer.push(raw.buffer as ArrayBuffer);
    return { message: { ...job, raw }, transfer };
  }
  return { message: { ...job, analysis: own(job.analysis) }, transfer };
}

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Bytes posted by a worker arrive as Uint8Array (an answer, or the `data` of a
 * compressed document in one); the routes and stores take Buffers: same memory.
 */
function fromWorker(result: unknown): unknown {
  if (result instanceof Uint8Array) return asBuffer(result);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    const data = (value as { data?: unknown } | null)?.data;
    if (data instanceof Uint8Array) out[key] = { ...(value as object), data: asBuffer(data) };
  }
  return out;
}

/**
 * The parent's Node options without its export conditions: the built worker imports the
 * built packages (their `default` condition). A test runner resolving workspace packages
 * to their TypeScript source (`--conditions source`, vitest) would hand the worker .ts
 * files it cannot load.
 */
function builtExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--conditions' || argv[i] === '-C') i++;
    else if (!argv[i].startsWith('--conditions=')) out.push(argv[i]);
  }
  return out;
}

/**
 * A fixed number of worker threads, started on first use, each running one job at a
 * time; further jobs wait in a FIFO queue of at most `maxQueued` (then 503). A job that
 * runs past `timeoutMs` terminates its worker, which is replaced; so does one that dies.
 */
export class WorkerDerivePool implements DeriveRunner {
  readonly mode = 'worker';
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextJobId = 1;
  private closed = false;

  constructor(
    private readonly workerUrl: URL,
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly maxQueued: number,
    private readonly resourceLimits?: ResourceLimits,
  ) {
    if (size < 1) throw new Error('derive pool size must be at least 1');
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Jobs running in a worker now. */
  get running(): number {
    return this.slots.filter((s) => s.pending !== null).length;
  }

  run<J extends Job>(job: J): Promise<Result<J>> {
    if (this.closed) return Promise.reject(new DeriveError('derive pool is closed'));
    const idle = this.slots.some((s) => s.pending === null) || this.slots.length < this.size;
    if (!idle && this.queue.length >= this.maxQueued) {
      return Promise.reject(
        busy(`${this.maxQueued} exports and views are waiting already; retry later`, DERIVE_RETRY_AFTER_S),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ jobId: this.nextJobId++, job, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.pending === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.pending = pending;
      slot.worker.ref();
      slot.timer = setTimeout(
        () => this.fail(slot!, new DeriveError(`${pending.job.kind} took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const { message, transfer } = forTransfer(pending.job);
      slot.worker.postMessage({ jobId: pending.jobId, job: message }, transfer);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, {
      execArgv: builtExecArgv(),
      ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}),
    });
    const slot: Slot = { worker, pending: null, timer: null };
    worker.on('message', (reply: WorkerReply) => {
      const pending = slot.pending;
      if (!pending || pending.jobId !== reply.jobId) return;
      this.finish(slot);
      if ('error' in reply) pending.reject(new DeriveError(`${pending.job.kind} failed: ${reply.error}`));
      else pending.resolve(fromWorker(reply.result));
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const why =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (${err.message})` : `crashed: ${err.message}`;
      this.fail(slot, new DeriveError(`derive worker ${why}`));
    });
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.fail(slot, new DeriveError(`derive worker exited with code ${code}`));
    });
    // An idle worker must not keep the process alive.
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.pending = null;
    slot.worker.unref();
  }

  private fail(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const pending = slot.pending;
    this.finish(slot);
    void slot.worker.terminate();
    pending?.reject(err);
    if (!this.closed) this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new DeriveError('derive pool is closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      const pending = slot.pending;
      this.finish(slot);
      pending?.reject(new DeriveError('derive pool is closed'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** Worker threads when the built worker exists, otherwise in-process. */
export function createDeriveRunner(opts: {
  size: number;
  timeoutMs: number;
  maxQueued: number;
  workerUrl?: URL | null;
  resourceLimits?: ResourceLimits;
}): DeriveRunner {
  const url = opts.workerUrl === undefined ? builtDeriveWorkerUrl() : opts.workerUrl;
  return url
    ? new WorkerDerivePool(url, opts.size, opts.timeoutMs, opts.maxQueued, opts.resourceLimits)
    : new InlineDeriveRunner();
}

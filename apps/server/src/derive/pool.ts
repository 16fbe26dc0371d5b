import type { ResourceLimits } from 'node:worker_threads';
import { busy } from '../errors.js';
import { asBuffer, builtWorkerBeside, ThreadPool } from '../workers/thread-pool.js';
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
  return builtWorkerBeside(import.meta.url);
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
 * Worker threads (workers/thread-pool.ts), each running one job at a time; further jobs
 * wait in a FIFO queue of at most `maxQueued` (then 503). A job that runs past
 * `timeoutMs` terminates its worker, which is replaced; so does one that dies.
 */
export class WorkerDerivePool implements DeriveRunner {
  readonly mode = 'worker';
  private readonly pool: ThreadPool<WorkerReply>;

  constructor(
    workerUrl: URL,
    size: number,
    timeoutMs: number,
    private readonly maxQueued: number,
    resourceLimits?: ResourceLimits,
  ) {
    this.pool = new ThreadPool<WorkerReply>({
      workerUrl,
      size,
      timeoutMs,
      resourceLimits,
      execArgv: builtExecArgv(),
      workerName: 'derive worker',
      poolName: 'derive pool',
      error: (message) => new DeriveError(message),
      settle: (reply, label) => {
        if ('error' in reply) throw new DeriveError(`${label} failed: ${reply.error}`);
        return fromWorker(reply.result);
      },
    });
  }

  get queued(): number {
    return this.pool.queued;
  }

  /** Jobs running in a worker now. */
  get running(): number {
    return this.pool.running;
  }

  run<J extends Job>(job: J): Promise<Result<J>> {
    if (!this.pool.hasRoom && this.pool.queued >= this.maxQueued) {
      return Promise.reject(
        busy(`${this.maxQueued} exports and views are waiting already; retry later`, DERIVE_RETRY_AFTER_S),
      );
    }
    const { message, transfer } = forTransfer(job);
    return this.pool.submit({ job: message }, transfer, job.kind) as Promise<Result<J>>;
  }

  close(): Promise<void> {
    return this.pool.close();
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

// A fixed number of worker threads, started on first use, each running one job at a
// time; further jobs wait in a FIFO queue. A job that runs past `timeoutMs` terminates
// its worker, which is replaced on the next job; so does a worker that dies. The
// analysis pool (analysis/pool.ts) and the derive pool (derive/pool.ts) are this pool
// with their own messages and replies.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * The built worker `./worker.js` beside the module at `moduleUrl`, or null when that
 * module is TypeScript source (vitest, tsx): a worker thread cannot load .ts, so the
 * jobs then run in-process. A built worker imports the built analyzer (its `default`
 * export condition), so a server build needs the analyzer built first (turbo does).
 */
export function builtWorkerBeside(moduleUrl: string): URL | null {
  if (!moduleUrl.endsWith('.js')) return null;
  const url = new URL('./worker.js', moduleUrl);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** Bytes posted by a worker arrive as a Uint8Array: the same memory as a Buffer. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export interface ThreadPoolOptions<Reply> {
  workerUrl: URL;
  size: number;
  timeoutMs: number;
  /** V8 heap limits of each worker; none: Node's defaults. */
  resourceLimits?: ResourceLimits;
  /** The workers' Node options; none: the process's own. */
  execArgv?: string[];
  /** Names in errors: `analysis worker crashed: …`, `analysis pool is closed`. */
  workerName: string;
  poolName: string;
  /** The pool's error class. */
  error: (message: string) => Error;
  /** A worker's reply as the job's value; throws the job's error. */
  settle: (reply: Reply, label: string) => unknown;
}

interface Pending {
  jobId: number;
  /** Names the job in errors: `analysis took longer than …`, `svg ran out of memory`. */
  label: string;
  message: object;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Pending | null;
  timer: NodeJS.Timeout | null;
}

export class ThreadPool<Reply extends { jobId: number }> {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextJobId = 1;
  private closed = false;

  constructor(private readonly opts: ThreadPoolOptions<Reply>) {
    if (opts.size < 1) throw new Error(`${opts.poolName} size must be at least 1`);
  }

  /** Jobs waiting for a worker (not those running). */
  get queued(): number {
    return this.queue.length;
  }

  /** Jobs running in a worker now. */
  get running(): number {
    return this.slots.filter((s) => s.pending !== null).length;
  }

  /** Whether a job submitted now would start at once (an idle worker, or room for one). */
  get hasRoom(): boolean {
    return this.slots.some((s) => s.pending === null) || this.slots.length < this.opts.size;
  }

  /** Post `{ jobId, ...message }` to a worker, moving `transfer`; the settled reply. */
  submit(message: object, transfer: ArrayBuffer[], label: string): Promise<unknown> {
    if (this.closed) return Promise.reject(this.opts.error(`${this.opts.poolName} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ jobId: this.nextJobId++, label, message, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.pending === null);
      if (!slot && this.slots.length < this.opts.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.pending = pending;
      slot.worker.ref();
      const timed = slot;
      slot.timer = setTimeout(
        () => this.fail(timed, this.opts.error(`${pending.label} took longer than ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      slot.worker.postMessage({ jobId: pending.jobId, ...pending.message }, pending.transfer);
    }
  }

  private spawn(): Slot {
    const { workerUrl, resourceLimits, execArgv, workerName } = this.opts;
    const worker = new Worker(workerUrl, {
      ...(execArgv ? { execArgv } : {}),
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    const slot: Slot = { worker, pending: null, timer: null };
    worker.on('message', (reply: Reply) => {
      const pending = slot.pending;
      if (!pending || pending.jobId !== reply.jobId) return;
      this.finish(slot);
      try {
        pending.resolve(this.opts.settle(reply, pending.label));
      } catch (err) {
        pending.reject(err as Error);
      }
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const why =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `${slot.pending?.label ?? workerName} ran out of memory (${err.message})`
          : `${workerName} crashed: ${err.message}`;
      this.fail(slot, this.opts.error(why));
    });
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.fail(slot, this.opts.error(`${workerName} exited with code ${code}`));
    });
    // An idle worker must not keep the process (a CLI) alive.
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

  /** Drop a worker that failed or hung, reject its job, and carry on with the queue. */
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
    const closed = () => this.opts.error(`${this.opts.poolName} is closed`);
    for (const p of this.queue.splice(0)) p.reject(closed());
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      const pending = slot.pending;
      this.finish(slot);
      pending?.reject(closed());
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

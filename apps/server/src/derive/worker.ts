// Derive worker thread: receives { jobId, job } (jobs.ts; an analysis as stored, its
// bytes transferred), answers { jobId, result } or { jobId, error }. Inflating, parsing
// and building happen here, so a read of a big analysis never blocks the event loop.
// Byte answers are transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../analysis/thread-priority.js';
import { runDeriveJob, type DeriveJob } from './jobs.js';

if (!parentPort) throw new Error('derive worker must run in a worker thread');
const port = parentPort;

// Builds yield the CPU to the event loop (analysis/thread-priority.ts).
lowerThreadPriority(10);

/** The bytes in an ArrayBuffer of their own (a small Buffer may share Node's pool). */
function own(data: Uint8Array): Uint8Array {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer)
    return data;
  return new Uint8Array(data);
}

/** The answer with its bytes (itself, or the `data` of a document in it) listed for transfer. */
function forTransfer(result: unknown): { result: unknown; transfer: ArrayBuffer[] } {
  if (result instanceof Uint8Array) {
    const bytes = own(result);
    return { result: bytes, transfer: [bytes.buffer as ArrayBuffer] };
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return { result, transfer: [] };
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  const transfer: ArrayBuffer[] = [];
  for (const [key, value] of Object.entries(out)) {
    const data = (value as { data?: unknown } | null)?.data;
    if (!(data instanceof Uint8Array)) continue;
    const bytes = own(data);
    transfer.push(bytes.buffer as ArrayBuffer);
    out[key] = { ...(value as object), data: bytes };
  }
  return { result: out, transfer };
}

port.on('message', (message: { jobId: number; job: DeriveJob }) => {
  try {
    const { result, transfer } = forTransfer(runDeriveJob(message.job));
    port.postMessage({ jobId: message.jobId, result }, transfer);
  } catch (err) {
    port.postMessage({ jobId: message.jobId, error: err instanceof Error ? err.message : String(err) });
  }
});
